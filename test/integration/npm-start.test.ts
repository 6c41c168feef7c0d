import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamoDbLocalPid } from '../../bench/process-cpu.js';
import { freeLoopbackPort, portOpen } from '../../functions/local/emulators.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkoutBody, newKey } from './helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'orders-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `npm start` on disk: prints its URLs, keeps data across restarts, and Ctrl-C (or a closed terminal) stops the JVM too. */
const start = async (ports: { port: number; dynamoDbPort: number; sesPort: number }, env: Record<string, string> = {}) => {
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: String(ports.port), DYNAMODB_PORT: String(ports.dynamoDbPort), SES_PORT: String(ports.sesPort), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so Ctrl-C can be delivered the way a terminal does.
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  // `printed()`: everything it has printed so far (the start keeps reading, as a terminal does).
  return { child, output, printed: () => output };
};

const stop = async (child: ChildProcess) => {
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  process.kill(-child.pid!, 'SIGINT');
  return exited;
};

/** A start that is expected to stop by itself: its exit code and everything it printed. */
const run = (env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--memory'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });

/** The environment of the JVM serving DynamoDB Local on `port` (Linux's /proc), or null. */
const dynamoDbLocalEnvironment = (port: number): string[] | null => {
  const pid = dynamoDbLocalPid(port);
  return pid === null ? null : readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
};

describe('npm start', () => {
  it('prints its URLs, persists data in DATA_DIR and stops every child on Ctrl-C or when its terminal goes away', { timeout: 90_000 }, async () => {
    const ports = { port: await freeLoopbackPort(), dynamoDbPort: await freeLoopbackPort(), sesPort: await freeLoopbackPort() };
    // A slow gateway keeps a checkout in flight when Ctrl-C comes.
    const first = await start(ports, { SANDBOX_GATEWAY_LATENCY_MS: '400' });
    expect(first.output).toContain(`API          http://127.0.0.1:${ports.port}`);
    expect(first.output).toContain(`Dashboard    http://127.0.0.1:${ports.port}/dashboard/`);
    expect(first.output).toContain(`Mail viewer  http://127.0.0.1:${ports.sesPort}/`);
    expect(first.output).toContain('Demo catalog seeded.');
    expect(first.output).toMatch(/Payments +sandbox gateway: test cards only/);
    const api = `http://127.0.0.1:${ports.port}`;
    const key = newKey();
    const body = JSON.stringify(checkoutBody());
    const placeOrder = () => fetch(`${api}/checkout`, { method: 'POST', headers: { 'content-type': 'application/json', 'Idempotency-Key': key }, body });
    const placed = await placeOrder();
    expect(placed.status).toBe(201);
    const firstAnswer = await placed.text();
    const { order, trackingToken } = JSON.parse(firstAnswer) as { order: { id: string }; trackingToken: string };

    // Ctrl-C while the twin is busy: the signal reaches the twin's own process, which stops its
    // children; a wrapper that relays the signal and kills the twin when it answers late orphaned the JVM.
    // Requests in flight are answered first: DynamoDB Local is stopped after them, not with them,
    // and the events they published are delivered before the twin stops.
    const busy = Array.from({ length: 20 }, () =>
      fetch(`${api}/products`).then(
        (response) => response.status,
        () => 'refused',
      ),
    );
    const inFlight = fetch(`${api}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': newKey() },
      body: JSON.stringify(checkoutBody()),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as { order: { id: string }; trackingToken: string } }));
    // Ctrl-C once that checkout is with the (slow) gateway: the twin logs the step.
    const printedBefore = first.printed().length;
    await expect.poll(() => first.printed().slice(printedBefore).includes('"step":"authorizePayment"'), { timeout: 20_000, interval: 20 }).toBe(true);
    expect(await stop(first.child)).toMatch(/^(exit 0|SIGINT)$/);
    for (const answer of await Promise.all(busy)) expect([200, 'refused']).toContain(answer);
    const answered = await inFlight;
    expect(answered.status).toBe(201);
    const lastOrder = answered.body;
    expect(await portOpen('127.0.0.1', ports.dynamoDbPort)).toBe(false);
    expect(await portOpen('127.0.0.1', ports.port)).toBe(false);
    expect(await portOpen('127.0.0.1', ports.sesPort)).toBe(false);

    const second = await start(ports);
    expect(second.output).not.toContain('Demo catalog seeded.');
    const tracked = await fetch(`${api}/orders/${order.id}`, { headers: { 'X-Order-Token': trackingToken } });
    expect(tracked.status).toBe(200);
    // The order answered during Ctrl-C was handed off (no webhook here: accepted at once) on the way down.
    const handedOff = await fetch(`${api}/orders/${lastOrder.order.id}`, { headers: { 'X-Order-Token': lastOrder.trackingToken } });
    expect(((await handedOff.json()) as { order: { status: string } }).order.status).toBe('IN_PROCESS');
    // Idempotency lives in DynamoDB, not in the process: the restarted API still replays.
    const replay = await placeOrder();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(firstAnswer);

    // The terminal goes away (closed, or `npm start | head` done): the next log line cannot be
    // written, and the twin stops as on Ctrl-C instead of reporting the failed write forever.
    const exited = new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    try {
      second.child.stdout!.destroy();
      second.child.stderr!.destroy();
      // Any request logs a line; the twin may already be stopping on an earlier one.
      await fetch(`${api}/health`).catch(() => undefined);
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000))])).toBe(0);
      expect(await portOpen('127.0.0.1', ports.dynamoDbPort)).toBe(false);
    } finally {
      if (second.child.exitCode === null) process.kill(-second.child.pid!, 'SIGKILL');
    }
  });

  it('stops DynamoDB Local when it is stopped before it is up, and starts it with its telemetry off', { timeout: 90_000 }, async () => {
    const dynamoDbPort = await freeLoopbackPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--memory'], {
      env: { ...process.env, PORT: String(await freeLoopbackPort()), DYNAMODB_PORT: String(dynamoDbPort), SES_PORT: String(await freeLoopbackPort()) },
      stdio: 'ignore',
    });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
    try {
      await expect.poll(() => portOpen('127.0.0.1', dynamoDbPort), { timeout: 60_000, interval: 50 }).toBe(true);
      expect(dynamoDbLocalEnvironment(dynamoDbPort)).toContain('DDB_LOCAL_TELEMETRY=0');
      child.kill('SIGTERM');
      expect(await exited).toBe('exit 0');
      expect(await portOpen('127.0.0.1', dynamoDbPort)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('stops at once, with a one-line reason, on an unknown gateway, a missing gateway credential or a gateway timeout out of range', {
    timeout: 90_000,
  }, async () => {
    // Side by side: each refuses before it binds a port.
    const [missingKey, unknown, timeout] = await Promise.all([
      run({ PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: '' }),
      run({ PAYMENT_GATEWAY: 'paypal' }),
      run({ PAYMENT_GATEWAY_TIMEOUT_MS: '30000' }),
    ]);
    expect(missingKey.code).not.toBe(0);
    expect(missingKey.output).toContain('Could not start the local twin: PAYMENT_GATEWAY=stripe needs STRIPE_SECRET_KEY\n');
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toContain('PAYMENT_GATEWAY must be one of sandbox, authorizenet, stripe (it is "paypal")');
    expect(timeout.code).not.toBe(0);
    expect(timeout.output).toContain('PAYMENT_GATEWAY_TIMEOUT_MS must be a whole number from 100 to 7000 (it is "30000")');
  });

  it('stops with a one-line reason when a port it needs is taken, leaving nothing running', { timeout: 90_000 }, async () => {
    const taken = createServer((_request, response) => response.end('another program'));
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as AddressInfo).port;
    try {
      const freePorts = async () => ({
        PORT: String(await freeLoopbackPort()),
        DYNAMODB_PORT: String(await freeLoopbackPort()),
        SES_PORT: String(await freeLoopbackPort()),
      });
      const [databaseRun, mailRun] = [await freePorts(), await freePorts()];
      const [database, mail] = await Promise.all([run({ ...databaseRun, DYNAMODB_PORT: String(takenPort) }), run({ ...mailRun, SES_PORT: String(takenPort) })]);
      expect(database.code).not.toBe(0);
      expect(database.output).toContain(`Could not start the local twin: port ${takenPort} for DynamoDB Local is in use (set DYNAMODB_PORT)\n`);
      expect(mail.code).not.toBe(0);
      expect(mail.output).toContain(`Could not start the local twin: port ${takenPort} for the mail server is in use (set SES_PORT)\n`);
      // The mail server failed after DynamoDB Local had started: it was stopped, not left behind.
      expect(await portOpen('127.0.0.1', Number(mailRun.DYNAMODB_PORT))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
