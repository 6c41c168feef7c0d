import { readFileSync } from 'node:fs';
import { createLinks } from '../../functions/runtime/adapters.js';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoNoticeLedger } from '../../functions/adapters/dynamo/notice-ledger.js';
import { DynamoOrderRepository } from '../../functions/adapters/dynamo/orders-repository.js';
import { DynamoPlacedOrderIndex } from '../../functions/adapters/dynamo/placed-orders.js';
import { DynamoSettingsStore } from '../../functions/adapters/dynamo/settings-store.js';
import { HttpFulfillmentWebhook } from '../../functions/adapters/fulfillment-webhook.js';
import { MailPager } from '../../functions/adapters/pager.js';
import { SesMailer } from '../../functions/adapters/ses-mailer.js';
import { PowertoolsStuckOrdersMetric } from '../../functions/adapters/metrics.js';
import { exponentialBackoff, type FulfillmentDeps } from '../../functions/core/fulfillment.js';
import type { MonitorDeps } from '../../functions/core/monitor.js';
import type { Order } from '../../functions/core/order.js';
import type { ReceivedDelivery } from './fulfillment-receiver.js';
import { twin } from './helpers.js';

export const receiver = () => inject('receiver');

/** Scripts the receiver's answers for one customer (each delivery takes the next, the last repeats). */
export const scriptReceiver = async (email: string, statuses: number[], delayMs = 0) => {
  const response = await fetch(`${receiver().url}/control/customers/${encodeURIComponent(email)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ statuses, delayMs }),
  });
  if (!response.ok) throw new Error(`receiver control answered ${response.status}`);
};

export const receivedFor = async (email: string): Promise<ReceivedDelivery[]> => {
  const response = await fetch(`${receiver().url}/control/deliveries?email=${encodeURIComponent(email)}`);
  return ((await response.json()) as { deliveries: ReceivedDelivery[] }).deliveries;
};

export const orderRepository = () => new DynamoOrderRepository(createDocumentClient(twin().dynamoDbUrl), 'Orders-local');

export const storedOrder = async (id: string): Promise<Order> => {
  const order = await orderRepository().get(id);
  if (!order) throw new Error(`order ${id} is not stored`);
  return order;
};

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export const until = async <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000, intervalMs = 100): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs of the twin's monitor timer finished so far: its handler logs one line per run. */
const timerRunsLogged = () =>
  readFileSync(twin().logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"message":"stuck-order monitor"')).length;

/**
 * Waits until the twin's timer has run the monitor from start to end after this call: runs never
 * overlap, so of two runs that finish after it, the second also began after it.
 */
export const timerRanSinceNow = async () => {
  const before = timerRunsLogged();
  await until('two more runs of the monitor timer', async () => timerRunsLogged() >= before + 2, 15_000, 100);
};

const clock = { now: () => new Date() };

/** The use cases wired as the admin API will wire them, with the twin's real stores and the real receiver. */
export const fulfillmentDeps = (): FulfillmentDeps => ({
  orders: orderRepository(),
  webhook: new HttpFulfillmentWebhook(receiver().webhookUrl, async () => receiver().secret, 2000),
  clock,
  fulfillmentPolicy: { maxAttempts: 3, backoffMs: exponentialBackoff(20), wait: sleep },
});

export const metricLines: string[] = [];

export const monitorDeps = (): MonitorDeps => {
  const client = createDocumentClient(twin().dynamoDbUrl);
  const mailer = new SesMailer(twin().mailViewerUrl);
  return {
    orders: new DynamoOrderRepository(client, 'Orders-local'),
    placedOrders: new DynamoPlacedOrderIndex(client, 'Orders-local'),
    settings: new DynamoSettingsStore(client, 'Orders-local'),
    pager: new MailPager(mailer),
    mailer,
    stuckOrdersMetric: new PowertoolsStuckOrdersMetric('OrderBackend', { Stack: 'test' }, (line) => metricLines.push(line)),
    ledger: new DynamoNoticeLedger(client, 'Orders-local'),
    links: createLinks(twin().apiUrl),
    clock,
  };
};
