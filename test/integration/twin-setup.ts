import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { freeLoopbackPort } from '../../functions/local/emulators.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoSettingsStore } from '../../functions/adapters/dynamo/settings-store.js';
import { startFulfillmentReceiver } from './fulfillment-receiver.js';

export interface TwinInfo {
  apiUrl: string;
  mailViewerUrl: string;
  dynamoDbUrl: string;
  logFile: string;
  /** Passwords of the local staff users, given to the twin through its environment. */
  staffPasswords: { admin: string; csr: string };
}

export interface ReceiverInfo {
  /** Base URL: `/webhook` receives, `/control/...` scripts and inspects. */
  url: string;
  webhookUrl: string;
  secret: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    twin: TwinInfo;
    receiver: ReceiverInfo;
  }
}

/**
 * How the tests' twin hands off and monitors: every order is pushed to the receiver, failed
 * pushes are retried quickly, and the monitor runs every second with orders counting as stuck
 * after a few seconds (the `stuckAfterSeconds` setting, written before any test runs; orders of
 * every test file that stay in ORDER_PLACED that long are paged, which no other test observes).
 */
export const twinTiming = {
  monitorIntervalSeconds: 1,
  stuckAfterSeconds: 3,
  attemptsPerPush: 3,
  backoffMs: 20,
  /** Re-invocations of a failed push by the twin's event dispatcher (as Lambda's async invoke). */
  pushRetries: 2,
  eventRetryDelayMs: 50,
  webhookTimeoutMs: 1000,
} as const;

/** The SES identity the tests' twin checks senders against (the default sender's domain). */
export const twinMailIdentity = 'example.com';

/**
 * Card-testing limits as the tests' twin runs with: the highest the settings allow, so the
 * suite's many declines from one address and of the same test cards never meet a limit. Tests
 * of the limits set lower ones themselves, in a twin of their own (see vitest.config.ts).
 */
export const raisedCardTestingLimits = { paymentAttemptsPerOrder: 100, declinesPerCardPerHour: 10000, declinesPerIpPerHour: 100000 } as const;

/**
 * Starts the twin exactly as `npm start --memory` does, once per run, on free loopback ports;
 * everything it prints goes to a log file that the PAN canary reads.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'orders-twin-'));
  const logFile = join(dir, 'twin.log');
  const log = createWriteStream(logFile);
  const [port, dynamoDbPort, sesPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const secret = randomBytes(24).toString('base64url');
  const receiver = await startFulfillmentReceiver(secret);
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
      FULFILLMENT_WEBHOOK_URL: receiver.webhookUrl,
      FULFILLMENT_WEBHOOK_SECRET: secret,
      FULFILLMENT_ATTEMPTS: String(twinTiming.attemptsPerPush),
      FULFILLMENT_BACKOFF_MS: String(twinTiming.backoffMs),
      FULFILLMENT_TIMEOUT_MS: String(twinTiming.webhookTimeoutMs),
      EVENT_RETRY_DELAY_MS: String(twinTiming.eventRetryDelayMs),
      MONITOR_INTERVAL_SECONDS: String(twinTiming.monitorIntervalSeconds),
      LOCAL_ADMIN_PASSWORD: staffPasswords.admin,
      LOCAL_CSR_PASSWORD: staffPasswords.csr,
      // As a deployment with -c verifyMailDomain=true: senders must be at the demo sender's domain.
      MAIL_VERIFIED_IDENTITY: twinMailIdentity,
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
  await ready.catch(async (error: unknown) => {
    await receiver.stop();
    throw error;
  });
  const url = (label: string) => new RegExp(`${label}\\s+(http\\S+)`).exec(output)![1]!.replace(/\/$/, '');
  const twin = { apiUrl: url('API'), mailViewerUrl: url('Mail viewer'), dynamoDbUrl: url('DynamoDB'), logFile, staffPasswords };
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const settings = new DynamoSettingsStore(createDocumentClient(twin.dynamoDbUrl), 'Orders-local');
  await settings.put({ ...(await settings.get()), stuckAfterSeconds: twinTiming.stuckAfterSeconds, ...raisedCardTestingLimits });
  project.provide('twin', twin);
  project.provide('receiver', { url: receiver.url, webhookUrl: receiver.webhookUrl, secret });

  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await receiver.stop();
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };
}
