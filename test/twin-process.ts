import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { freeLoopbackPort } from '../functions/local/emulators.js';

export interface TwinProcess {
  readonly apiUrl: string;
  readonly port: number;
  readonly dynamoDbUrl: string;
  readonly mailViewerUrl: string;
  readonly adminPassword: string;
  stop(): Promise<void>;
}

/**
 * Starts a twin of its own exactly as `npm start --memory` does, on free loopback ports (or the
 * given ones), with `env` added; for the bench and for tests that must not share the suite's twin.
 */
export const startTwinProcess = async (
  env: Record<string, string> = {},
  ports: { port?: number; dynamoDbPort?: number; sesPort?: number } = {},
): Promise<TwinProcess> => {
  const port = ports.port ?? (await freeLoopbackPort());
  const dynamoDbPort = ports.dynamoDbPort ?? (await freeLoopbackPort());
  const sesPort = ports.sesPort ?? (await freeLoopbackPort());
  const adminPassword = `admin-${randomUUID()}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--memory'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoDbPort),
      SES_PORT: String(sesPort),
      LOCAL_ADMIN_PASSWORD: adminPassword,
      LOCAL_CSR_PASSWORD: `csr-${randomUUID()}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (output.length < 200_000) output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`twin exited with ${code} before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`twin not ready after 120 s:\n${output}`)), 120_000).unref();
  });
  const url = (label: string) => new RegExp(`${label}\\s+(http\\S+)`).exec(output)![1]!.replace(/\/$/, '');
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  process.once('exit', () => child.kill('SIGTERM'));
  return { apiUrl: url('API'), port, dynamoDbUrl: url('DynamoDB'), mailViewerUrl: url('Mail viewer'), adminPassword, stop };
};
