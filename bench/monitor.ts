/**
 * `npm run bench`: the stuck-order monitor's cost grows with the number of stuck orders, not
 * with the table (SPEC §9). Loads 1,000 and then 100,000 orders (10 stuck in each) into
 * DynamoDB Local in memory, runs the monitor use case with the real DynamoDB adapters, and
 * prints the median run times and their ratio (target ≤ 1.5). Exits non-zero above target.
 */
import { createLinks } from '../functions/runtime/adapters.js';
import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { ordersTable } from '../contract/tables.js';
import { createDocumentClient, type DocumentClient } from '../functions/adapters/dynamo/client.js';
import { DynamoNoticeLedger } from '../functions/adapters/dynamo/notice-ledger.js';
import { DynamoOrderRepository, toItem } from '../functions/adapters/dynamo/orders-repository.js';
import { DynamoPlacedOrderIndex } from '../functions/adapters/dynamo/placed-orders.js';
import { DynamoSettingsStore } from '../functions/adapters/dynamo/settings-store.js';
import { PowertoolsStuckOrdersMetric } from '../functions/adapters/metrics.js';
import { type MonitorDeps, runScheduledMonitor } from '../functions/core/monitor.js';
import type { Order } from '../functions/core/order.js';
import type { Email } from '../functions/core/ports.js';
import { defaultSettings } from '../functions/core/settings.js';
import type { OrderStatus } from '../functions/core/status.js';
import { freeLoopbackPort, startDynamoDbLocal } from '../functions/local/emulators.js';
import { ensureTable } from '../functions/local/tables.js';
import { writeSection } from './results.js';
import { anOrder } from '../test/support/fixtures.js';

process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

const sizes = [1_000, 100_000] as const;
const stuckPerTable = 10;
const timedRuns = 41;
const targetRatio = 1.5;
const writers = 12;

const now = new Date();
const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
const hour = 3_600_000;

/** The mix of a store's history: mostly finished orders, a few open ones, 10 stuck. */
const otherStatuses: readonly OrderStatus[] = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'SHIPPED', 'IN_PROCESS', 'CANCELLED', 'INCOMPLETE', 'AWAITING_PAYMENT'];

const orderAt = (index: number, size: number): Order => {
  const stuck = index < stuckPerTable;
  // A few orders just placed (not stuck yet) sit in the same index partition as the stuck ones,
  // and a few offline orders wait for the daily digest.
  const justPlaced = !stuck && index < stuckPerTable + 5;
  const offline = index >= stuckPerTable + 5 && index < stuckPerTable + 8;
  const status: OrderStatus = stuck || justPlaced ? 'ORDER_PLACED' : offline ? 'OFFLINE_PENDING' : otherStatuses[index % otherStatuses.length]!;
  const createdAgo = stuck ? 2 * hour + index * 1000 : justPlaced ? 60_000 : ((index * 7919) % (size * 60)) * 60_000 + hour;
  const since = stuck ? iso(2 * hour) : justPlaced ? iso(30_000) : iso(createdAgo - 60_000);
  const id = `ord_B${String(index).padStart(7, '0')}${size}`;
  return anOrder({
    id,
    status,
    createdAt: iso(createdAgo),
    updatedAt: since,
    statusSince: since,
    customer: { email: `buyer${index % 5000}@example.com`, name: `Buyer ${index}`, phone: null },
    billingAddress: { line1: `${index} Main St`, line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    items: [{ sku: 'WIDGET-1', name: 'Widget', kind: 'standard', quantity: 1 + (index % 3), unitPriceCents: 1999, lineTotalCents: 1999 * (1 + (index % 3)) }],
    totals: { subtotalCents: 1999, shippingCents: 0, taxCents: 0, totalCents: 1999 },
    history: [
      { at: iso(createdAgo), type: 'created', actor: 'customer', message: 'Order submitted', visibleToCustomer: false },
      { at: since, type: 'status', actor: 'system', message: 'Order placed', visibleToCustomer: true },
    ],
    trackingToken: `token-${index}`,
  });
};

const writeAll = async (client: DocumentClient, tableName: string, size: number) => {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      next += 25;
      if (start >= size) return;
      let requests: BatchWriteCommandOutput['UnprocessedItems'] = {
        [tableName]: Array.from({ length: Math.min(25, size - start) }, (_, i) => ({ PutRequest: { Item: toItem(orderAt(start + i, size)) } })),
      };
      while (requests && Object.keys(requests).length) {
        ({ UnprocessedItems: requests } = await client.send(new BatchWriteCommand({ RequestItems: requests })));
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, worker));
};

const depsFor = (client: DocumentClient, tableName: string, counters: { pages: number; mails: number }): MonitorDeps => ({
  orders: new DynamoOrderRepository(client, tableName),
  placedOrders: new DynamoPlacedOrderIndex(client, tableName),
  settings: new DynamoSettingsStore(client, tableName),
  // Where pages and mail go is not what is measured: they are counted, not delivered.
  pager: { page: async (_from: string, _message: Email) => void counters.pages++ },
  mailer: { send: async () => void counters.mails++ },
  stuckOrdersMetric: new PowertoolsStuckOrdersMetric('OrderBackend', { Stack: 'bench' }, () => undefined),
  ledger: new DynamoNoticeLedger(client, tableName),
  links: createLinks('http://127.0.0.1'),
  clock: { now: () => new Date() },
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

const main = async () => {
  const started = performance.now();
  const dynamo = await startDynamoDbLocal({ port: await freeLoopbackPort(), dataDir: null });
  const stop = () => dynamo.stop();
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const raw = new DynamoDBClient({ endpoint: dynamo.url });
    const client = createDocumentClient(dynamo.url);
    const tables: { size: number; counters: { pages: number; mails: number }; deps: MonitorDeps; first: number; runs: number[]; stuck: number }[] = [];
    for (const size of sizes) {
      const tableName = `Bench-${size}`;
      await ensureTable(raw, ordersTable, tableName);
      await new DynamoSettingsStore(client, tableName).put({ ...defaultSettings, stuckAfterSeconds: 900 });
      const loadStart = performance.now();
      await writeAll(client, tableName, size);
      console.log(`loaded ${size.toLocaleString('en-US')} orders in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
      const counters = { pages: 0, mails: 0 };
      tables.push({ size, counters, deps: depsFor(client, tableName, counters), first: 0, runs: [], stuck: 0 });
    }

    const timedRun = async (table: (typeof tables)[number]) => {
      const runStart = performance.now();
      const { report } = await runScheduledMonitor(table.deps, new Date());
      const ms = performance.now() - runStart;
      if (report.stuck.length !== stuckPerTable) throw new Error(`expected ${stuckPerTable} stuck orders in ${table.size}, found ${report.stuck.length}`);
      return { ms, report };
    };
    // The first run on each table pages its 10 stuck orders (a write and a page each) and sends
    // the offline digest; every later run pages none and only checks that the digest went out.
    for (const table of tables) {
      const { ms, report } = await timedRun(table);
      if (report.pagedNow !== stuckPerTable) throw new Error(`the first run paged ${report.pagedNow} orders`);
      table.first = ms;
    }
    for (let i = 0; i < 10; i++) for (const table of tables) await timedRun(table); // warm-up
    // Interleaved, so neither table is measured while the other had the warmer process.
    for (let i = 0; i < timedRuns; i++) {
      for (const table of i % 2 ? [...tables].reverse() : tables) {
        const { ms, report } = await timedRun(table);
        if (report.pagedNow !== 0) throw new Error('a stuck order was paged twice');
        table.runs.push(ms);
        table.stuck = report.stuck.length;
      }
    }
    const results = tables.map((t) => ({
      size: t.size,
      first: t.first,
      median: median(t.runs),
      runs: t.runs,
      stuck: t.stuck,
      pages: t.counters.pages,
      mails: t.counters.mails,
    }));

    console.log('');
    console.log('stuck-order monitor (runScheduledMonitor, real DynamoDB adapters, DynamoDB Local in memory)');
    for (const r of results) {
      console.log(
        `  ${r.size.toLocaleString('en-US').padStart(7)} orders, ${r.stuck} stuck: first run (${r.pages} pages, ${r.mails} digest) ${fmt(r.first)}; ` +
          `median of ${r.runs.length} later runs ${fmt(r.median)} (min ${fmt(Math.min(...r.runs))}, max ${fmt(Math.max(...r.runs))})`,
      );
    }
    const ratio = results[1]!.median / results[0]!.median;
    const verdict = ratio <= targetRatio ? 'within' : 'ABOVE';
    console.log(`  ratio 100k / 1k (medians): ${ratio.toFixed(2)} — ${verdict} the target of ${targetRatio}`);
    console.log(`  total bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
    writeSection({
      section: 'monitor',
      figures: [
        { key: 'monitorMedian1k', label: 'monitor run, 1,000 orders (median)', value: results[0]!.median, unit: 'ms' },
        {
          key: 'monitorMedian100k',
          label: 'monitor run, 100,000 orders (median)',
          value: results[1]!.median,
          unit: 'ms',
          floor: { value: results[0]!.median, maxRatio: targetRatio },
        },
      ],
    });
    if (ratio > targetRatio) process.exitCode = 1;
  } finally {
    await stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
