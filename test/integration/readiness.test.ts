import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../functions/local/emulators.js';

/** One answer of the twin while it starts: refused (not listening yet) or a status with its Retry-After. */
const probe = async (url: string, init?: RequestInit) => {
  try {
    const response = await fetch(url, init);
    const body = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
  } catch {
    return null;
  }
};

describe('readiness', () => {
  it('answers /health 200 only once every route is served; before that everything is a 503 with Retry-After', async () => {
    const [port, dynamoDbPort, sesPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    const password = 'ready-check-password';
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--memory'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DYNAMODB_PORT: String(dynamoDbPort),
        SES_PORT: String(sesPort),
        LOCAL_ADMIN_PASSWORD: password,
        LOCAL_CSR_PASSWORD: `${password}-csr`,
      },
      stdio: 'ignore',
    });
    let exitCode: number | null = null;
    const exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        exitCode = code ?? -1;
        resolve(code);
      }),
    );
    try {
      const api = `http://127.0.0.1:${port}`;
      const early: { status: number; retryAfter: string | null }[] = [];
      const deadline = Date.now() + 100_000;
      for (;;) {
        if (exitCode !== null) throw new Error(`the twin exited with ${exitCode}`);
        if (Date.now() > deadline) throw new Error('the twin never became ready');
        const health = await probe(`${api}/health`);
        if (health?.status === 200) break;
        if (health) early.push(health);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // A scripted client that waited for /health signs in at once, and every route answers.
      const login = await probe(`${api}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login?.status).toBe(200);
      const { token } = JSON.parse(login!.body);
      expect((await probe(`${api}/admin/orders`, { headers: { authorization: `Bearer ${token}` } }))?.status).toBe(200);
      expect((await probe(`${api}/products`))?.status).toBe(200);
      for (const answer of early) expect(answer).toEqual({ status: 503, retryAfter: '1', body: expect.stringContaining('service_unavailable') });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
