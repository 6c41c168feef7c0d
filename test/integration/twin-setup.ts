import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface TwinInfo {
  apiUrl: string;
  mailViewerUrl: string;
  dynamoDbUrl: string;
  logFile: string;
  /** Passwords of the local staff users, given to the twin through its environment. */
  staffPasswords: { admin: string; csr: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    twin: TwinInfo;
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * Starts the twin exactly as `npm start --memory` does, once per run, on free loopback ports;
 * everything it prints goes to a log file that the PAN canary reads.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'orders-twin-'));
  const logFile = join(dir, 'twin.log');
  const log = createWriteStream(logFile);
  const [port, dynamoDbPort, sesPort] = [await freePort(), await freePort(), await freePort()];
  const staffPasswords = { admin: `admin-${randomUUID()}`, csr: `csr-${randomUUID()}` };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--memory'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoDbPort),
      SES_PORT: String(sesPort),
      DATA_DIR: join(dir, 'data'),
      LOG_EXECUTION_DATA: 'true',
      WORKFLOW_RETRY_INTERVAL_MS: '5',
      LOCAL_ADMIN_PASSWORD: staffPasswords.admin,
      LOCAL_CSR_PASSWORD: staffPasswords.csr,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`twin exited with ${code} before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`twin not ready after 60 s:\n${output}`)), 60_000).unref();
  });
  await ready;
  const url = (label: string) => new RegExp(`${label}\\s+(http\\S+)`).exec(output)![1]!.replace(/\/$/, '');
  project.provide('twin', { apiUrl: url('API'), mailViewerUrl: url('Mail viewer'), dynamoDbUrl: url('DynamoDB'), logFile, staffPasswords });

  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };
}
