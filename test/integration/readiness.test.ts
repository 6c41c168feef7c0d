import { describe, expect, it } from 'vitest';
import { launchTwinProcess } from '../support/twin-process.js';

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
    const twin = await launchTwinProcess();
    let exited: unknown = null;
    twin.ready.catch((error: unknown) => (exited = error));
    try {
      const early: { status: number; retryAfter: string | null }[] = [];
      const deadline = Date.now() + 100_000;
      for (;;) {
        if (exited) throw exited;
        if (Date.now() > deadline) throw new Error('the twin never became ready');
        const health = await probe(`${twin.apiUrl}/health`);
        if (health?.status === 200) break;
        if (health) early.push(health);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // A scripted client that waited for /health signs in at once, and every route answers.
      const login = await probe(`${twin.apiUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: twin.staffPasswords.admin }),
      });
      expect(login?.status).toBe(200);
      const { token } = JSON.parse(login!.body);
      expect((await probe(`${twin.apiUrl}/admin/orders`, { headers: { authorization: `Bearer ${token}` } }))?.status).toBe(200);
      expect((await probe(`${twin.apiUrl}/products`))?.status).toBe(200);
      for (const answer of early) expect(answer).toEqual({ status: 503, retryAfter: '1', body: expect.stringContaining('service_unavailable') });
    } finally {
      await twin.stop();
    }
  }, 120_000);
});
