import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../functions/local/emulators.js';

/** A twin being started: where it will answer is known before it is up. */
export interface LaunchedTwin {
  /** The twin's own process (its emulators are its children). */
  readonly pid: number;
  readonly apiUrl: string;
  readonly mailViewerUrl: string;
  readonly dynamoDbUrl: string;
  /** Everything the twin printed (the PAN scans read it). */
  readonly logFile: string;
  /** Passwords of the local staff users, given to the twin through its environment. */
  readonly staffPasswords: { readonly admin: string; readonly csr: string };
  /** Resolves with what the twin printed up to its ready line (URLs, gateway, logins); rejects if it exits first. */
  readonly ready: Promise<string>;
  stop(): Promise<void>;
}

export interface TwinProcess extends Omit<LaunchedTwin, 'ready'> {
  /** What the twin printed up to its ready line (URLs, gateway, logins). */
  readonly banner: string;
}

type TwinPorts = { readonly dynamoDbPort?: number; readonly sesPort?: number };

/**
 * Starts the twin exactly as `npm start --memory` does, on free loopback ports (or the emulator
 * ports given, for a drill that puts a proxy in front of them), with `env` on top of this
 * process's environment; resolves once its banner is printed. For tests and the bench alike.
 */
export const startTwinProcess = async (env: Readonly<Record<string, string>> = {}, ports: TwinPorts = {}): Promise<TwinProcess> => {
  const { ready, ...twin } = await launchTwinProcess(env, ports);
  return { ...twin, banner: await ready };
};

/** Spawns the twin as `startTwinProcess` does without waiting for it, for a test that watches it start. */
export const launchTwinProcess = async (env: Readonly<Record<string, string>> = {}, ports: TwinPorts = {}): Promise<LaunchedTwin> => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-twin-'));
  const logFile = join(dir, 'twin.log');
  const log = createWriteStream(logFile);
  const port = await freeLoopbackPort();
  const dynamoDbPort = ports.dynamoDbPort ?? (await freeLoopbackPort());
  const sesPort = ports.sesPort ?? (await freeLoopbackPort());
  const staffPasswords = { admin: `admin-${randomUUID()}`, csr: `csr-${randomUUID()}` };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--memory'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoDbPort),
      SES_PORT: String(sesPort),
      DATA_DIR: join(dir, 'data'),
      LOCAL_ADMIN_PASSWORD: staffPasswords.admin,
      LOCAL_CSR_PASSWORD: staffPasswords.csr,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // The twin stops its emulators on SIGTERM, up or still starting (they run in process groups of their own).
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await new Promise((resolve) => log.end(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  for (const stream of [child.stdout!, child.stderr!]) stream.pipe(log, { end: false });
  let output = '';
  const printed = new Promise<string>((resolve, reject) => {
    // Read until the ready line only: scanning a busy twin's whole log on every line cost a bench
    // more CPU than its requests, and a reader that falls behind stalls the twin's writes.
    const untilReady = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl-C to stop.')) return;
      child.stdout!.off('data', untilReady);
      child.stderr!.off('data', untilReady);
      resolve(output);
    };
    child.stdout!.on('data', untilReady);
    child.stderr!.on('data', untilReady);
    child.once('exit', (code) => reject(new Error(`twin exited with ${code} before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`twin not ready after 90 s:\n${output}`)), 90_000).unref();
  });
  const ready = printed.catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const local = (listening: number) => `http://127.0.0.1:${listening}`;
  return { pid: child.pid!, apiUrl: local(port), mailViewerUrl: local(sesPort), dynamoDbUrl: local(dynamoDbPort), logFile, staffPasswords, ready, stop };
};
