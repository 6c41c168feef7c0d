import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../functions/local/emulators.js';

export interface TwinProcess {
  readonly apiUrl: string;
  readonly mailViewerUrl: string;
  readonly dynamoDbUrl: string;
  /** Everything the twin printed (the PAN scans read it). */
  readonly logFile: string;
  /** What the twin printed up to its ready line (URLs, gateway, logins). */
  readonly banner: string;
  /** Passwords of the local staff users, given to the twin through its environment. */
  readonly staffPasswords: { readonly admin: string; readonly csr: string };
  stop(): Promise<void>;
}

/**
 * Starts the twin exactly as `npm start --memory` does, on free loopback ports (or the emulator
 * ports given, for a drill that puts a proxy in front of them), with `env` on top of this
 * process's environment; resolves once its banner is printed. For tests and the bench alike.
 */
export const startTwinProcess = async (
  env: Readonly<Record<string, string>> = {},
  ports: { readonly dynamoDbPort?: number; readonly sesPort?: number } = {},
): Promise<TwinProcess> => {
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
    // Its own process group: a twin stopped before it is up (its signal handlers come with the
    // banner) is ended with its emulators, leaving no DynamoDB Local behind.
    detached: true,
  });
  let up = false;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (up) child.kill('SIGTERM');
      else process.kill(-child.pid!, 'SIGKILL');
    }
    await exited;
    await new Promise((resolve) => log.end(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) {
        up = true;
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`twin exited with ${code} before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`twin not ready after 90 s:\n${output}`)), 90_000).unref();
  });
  await ready.catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const url = (label: string) => new RegExp(`${label}\\s+(http\\S+)`).exec(output)![1]!.replace(/\/$/, '');
  return { apiUrl: url('API'), mailViewerUrl: url('Mail viewer'), dynamoDbUrl: url('DynamoDB'), logFile, banner: output, staffPasswords, stop };
};
