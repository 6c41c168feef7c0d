import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoSettingsStore } from '../../functions/adapters/dynamo/settings-store.js';
import { startTwinProcess } from '../support/twin-process.js';
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
 * pushes are retried quickly, and the monitor runs every second (on the twin of the files that
 * wait for it, see `monitoredGroup`) with orders counting as stuck after a few seconds (the
 * `stuckAfterSeconds` setting, written before any test runs; orders of every test file that stay
 * in ORDER_PLACED that long are paged, which no other test observes).
 */
export const twinTiming = {
  monitorIntervalSeconds: 1,
  stuckAfterSeconds: 3,
  attemptsPerPush: 3,
  backoffMs: 20,
  /** Re-invocations of a failed push by the twin's event dispatcher (as Lambda's async invoke). */
  pushRetries: 2,
  eventRetryDelayMs: 50,
  /**
   * The deployed default. No test waits for it (a slow receiver is tested on the adapter). At 1 s
   * a loaded machine could time out a first delivery the receiver never recorded, then hand the
   * order off at attempt 2: correct, but not what a test of one clean delivery expects.
   */
  webhookTimeoutMs: 5000,
} as const;

/** The SES identity the tests' twin checks senders against (the default sender's domain). */
export const twinMailIdentity = 'example.com';

/**
 * Card-testing limits as the tests' twin runs with: the highest the settings allow, so the
 * suite's many declines from one address and of the same test cards never meet a limit. Tests
 * of the limits set lower ones themselves, on a twin of their own (see vitest.config.ts).
 */
export const raisedCardTestingLimits = { paymentAttemptsPerOrder: 100, declinesPerCardPerHour: 10000, declinesPerIpPerHour: 100000 } as const;

/** What a started twin gives its projects, and how it is stopped. */
interface SharedTwin {
  readonly twin: TwinInfo;
  readonly receiver: ReceiverInfo;
  stop(): Promise<void>;
}

/**
 * The e2e pages work orders of their own on the integration files' twin, so they share it: one
 * JVM and one twin start less per run. The file that changes store-wide settings keeps a twin of
 * its own.
 */
const twinGroup = (projectName: string) => (projectName === 'e2e' ? 'integration' : projectName);

/**
 * The group whose files wait for the monitor's runs. Elsewhere it runs at the twin's default
 * interval: each run reads the store's indexes, about 50 ms of CPU, once a second for the
 * whole suite otherwise.
 */
const monitoredGroup = 'integration';

/**
 * Global setups of every project run in this one process (each with its own copy of this
 * module), one after the other, and their teardowns after the whole run: a twin started for one
 * project is found here by the next one of its group, and stopped by the last to finish.
 */
type RunningTwins = Map<string, { started: Promise<SharedTwin>; users: number }>;
const holder = globalThis as { __ordersTestTwins?: RunningTwins };
holder.__ordersTestTwins ??= new Map();
const running: RunningTwins = holder.__ordersTestTwins;

/**
 * Starts the twin exactly as `npm start --memory` does, once per run and group of projects, on
 * free loopback ports; everything it prints goes to a log file that the PAN canary reads.
 */
export default async function setup(project: TestProject) {
  const group = twinGroup(project.name);
  const entry = running.get(group) ?? { started: startSharedTwin(group === monitoredGroup), users: 0 };
  running.set(group, entry);
  entry.users += 1;
  const { twin, receiver } = await entry.started;
  project.provide('twin', twin);
  project.provide('receiver', receiver);
  return async () => {
    entry.users -= 1;
    if (entry.users > 0) return;
    running.delete(group);
    await (await entry.started).stop();
  };
}

const startSharedTwin = async (monitored: boolean): Promise<SharedTwin> => {
  const secret = randomBytes(24).toString('base64url');
  const receiver = await startFulfillmentReceiver(secret);
  const started = await startTwinProcess({
    LOG_EXECUTION_DATA: 'true',
    WORKFLOW_RETRY_INTERVAL_MS: '5',
    FULFILLMENT_WEBHOOK_URL: receiver.webhookUrl,
    FULFILLMENT_WEBHOOK_SECRET: secret,
    FULFILLMENT_ATTEMPTS: String(twinTiming.attemptsPerPush),
    FULFILLMENT_BACKOFF_MS: String(twinTiming.backoffMs),
    FULFILLMENT_TIMEOUT_MS: String(twinTiming.webhookTimeoutMs),
    EVENT_RETRY_DELAY_MS: String(twinTiming.eventRetryDelayMs),
    ...(monitored ? { MONITOR_INTERVAL_SECONDS: String(twinTiming.monitorIntervalSeconds) } : {}),
    // As a deployment with -c verifyMailDomain=true: senders must be at the demo sender's domain.
    MAIL_VERIFIED_IDENTITY: twinMailIdentity,
  }).catch(async (error: unknown) => {
    await receiver.stop();
    throw error;
  });
  const { stop, ...twin } = started;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const settings = new DynamoSettingsStore(createDocumentClient(twin.dynamoDbUrl), 'Orders-local');
  await settings.put({ ...(await settings.get()), stuckAfterSeconds: twinTiming.stuckAfterSeconds, ...raisedCardTestingLimits });
  return {
    twin,
    receiver: { url: receiver.url, webhookUrl: receiver.webhookUrl, secret },
    stop: async () => {
      await stop();
      await receiver.stop();
    },
  };
};
