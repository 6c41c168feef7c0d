/**
 * Checkout bench: an approved card checkout over HTTP through the twin (started as
 * `npm start --memory` does), against the floor of the operations one checkout needs issued
 * directly against the same emulators in the same run; one checkout at a time (the previous
 * one's receipt and hand-off done) and back to back. Also counts DynamoDB requests per
 * checkout by outcome (the twin's bench probe), and measures concurrency 16.
 * `--soak` instead runs 10,000 mixed checkouts at concurrency 32 and checks the stock ledger
 * and every order's history against its status.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { encryptionSdkCipher } from '../functions/adapters/card-cipher.js';
import { createDocumentClient } from '../functions/adapters/dynamo/client.js';
import { rawAesKeyring } from '../functions/local/card-key.js';
import { benchProbePath, benchProbeSizingPath } from '../functions/local/bench-probe.js';
import { itemBytes } from '../functions/local/dynamodb-billing.js';
import { startTwinProcess, type TwinProcess } from '../test/support/twin-process.js';
import { testCards } from '../test/support/fixtures.js';
import { type CheckoutKind, checkoutBody } from './checkout-body.js';
import { type Figure, percentile, printFigures, writeSection } from './results.js';
import { dynamoDbLocalPid, processCpuMs } from './process-cpu.js';
import { runSoak } from './soak.js';

process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

/** Today's figures before this work (issue 8), the baseline the targets refer to. */
export const baseline = { throughputC16: 18 } as const;

const sku = 'BENCH-1';

const benchCheckout = (kind: CheckoutKind) =>
  checkoutBody(kind, { email: `bench-${randomUUID().slice(0, 8)}@example.com`, name: 'Bench Buyer', items: [{ sku, quantity: 1 }], poNumber: 'PO-77' });

/** The fields of an answer the bench reads. */
interface Answer {
  readonly order: { readonly id: string; readonly status: string };
  readonly token: string;
  readonly error?: { readonly code: string };
}

export const post = async (apiUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json().catch(() => null)) as Answer };
};

export const timedCheckout = async (apiUrl: string, body: unknown, key = `bench-${randomUUID()}`) => {
  const started = performance.now();
  const response = await post(apiUrl, '/checkout', body, { 'Idempotency-Key': key });
  return { ...response, ms: performance.now() - started, key };
};

export const adminToken = async (twin: TwinProcess) => {
  const { body } = await post(twin.apiUrl, '/auth/login', { username: 'admin', password: twin.staffPasswords.admin });
  return body.token;
};

export const putProduct = async (twin: TwinProcess, token: string, product: { sku: string; stock: number; priceCents?: number }) => {
  const response = await fetch(`${twin.apiUrl}/admin/products/${product.sku}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: `Bench ${product.sku}`, priceCents: product.priceCents ?? 1999, kind: 'standard', stock: product.stock }),
  });
  if (response.status !== 200) throw new Error(`could not set up ${product.sku}: ${response.status} ${await response.text()}`);
};

type Capacity = { read: number; write: number };
type Probe = {
  requests: Record<string, number>;
  background: Record<string, number>;
  capacity: { requests: Capacity; background: Capacity };
  billed: Capacity;
  keyUses: { seal: number; open: number };
  steps: Record<string, { calls: number; ms: number }>;
};
const readProbe = async (apiUrl: string): Promise<Probe> => (await fetch(`${apiUrl}${benchProbePath}`)).json() as Promise<Probe>;
const total = (requests: Record<string, number>) => Object.values(requests).reduce((a, b) => a + b, 0);
const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  );

/** Waits until the twin's background work (fulfillment push, outbox) stops issuing requests. */
const settled = async (apiUrl: string) => {
  const all = (probe: Probe) => total(probe.requests) + total(probe.background);
  let last = all(await readProbe(apiUrl));
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    const now = all(await readProbe(apiUrl));
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return readProbe(apiUrl);
};

const expectedStatus = { approved: 201, declined: 402, offline: 201, purchase_order: 201 } as const;

/** DynamoDB requests one checkout issues while the customer waits, and in the background after. */
const countRequests = async (apiUrl: string, outcome: keyof typeof expectedStatus, runs: number) => {
  const sync: number[] = [];
  const background: number[] = [];
  let syncByCommand: Record<string, number> = {};
  let backgroundByCommand: Record<string, number> = {};
  const reads: number[] = [];
  const writes: number[] = [];
  const billed: Capacity[] = [];
  const keyUses: number[] = [];
  await fetch(`${apiUrl}${benchProbeSizingPath}?on=true`, { method: 'POST' });
  for (let i = 0; i < runs; i++) {
    const before = await settled(apiUrl);
    const response = await timedCheckout(apiUrl, benchCheckout(outcome));
    if (response.status !== expectedStatus[outcome]) throw new Error(`${outcome} checkout answered ${response.status}: ${JSON.stringify(response.body)}`);
    const answered = await readProbe(apiUrl);
    const after = await settled(apiUrl);
    sync.push(total(answered.requests) - total(before.requests));
    background.push(total(after.background) - total(before.background));
    syncByCommand = difference(answered.requests, before.requests);
    backgroundByCommand = difference(after.background, before.background);
    const units = (probe: Probe, kind: keyof Capacity) => probe.capacity.requests[kind] + probe.capacity.background[kind];
    reads.push(units(after, 'read') - units(before, 'read'));
    writes.push(units(after, 'write') - units(before, 'write'));
    billed.push({ read: after.billed.read - before.billed.read, write: after.billed.write - before.billed.write });
    keyUses.push(after.keyUses.seal + after.keyUses.open - before.keyUses.seal - before.keyUses.open);
  }
  await fetch(`${apiUrl}${benchProbeSizingPath}?on=false`, { method: 'POST' });
  // Capacity units of one checkout, waiting and background together: as DynamoDB Local reported
  // them, and as DynamoDB bills them (the items' sizes, functions/local/dynamodb-billing.ts).
  const capacityUnits = { read: percentile(reads, 50), write: percentile(writes, 50) };
  const billedUnits = {
    read: percentile(
      billed.map((b) => b.read),
      50,
    ),
    write: percentile(
      billed.map((b) => b.write),
      50,
    ),
  };
  // Card-key uses: each a KMS call in AWS (GenerateDataKey to seal, Decrypt to open).
  const kmsCalls = percentile(keyUses, 50);
  return { sync: percentile(sync, 50), background: percentile(background, 50), syncByCommand, backgroundByCommand, capacityUnits, billedUnits, kmsCalls };
};

const stepTimes = (before: Probe, after: Probe) =>
  Object.fromEntries(
    Object.entries(after.steps).map(([name, step]) => {
      const prior = before.steps[name] ?? { calls: 0, ms: 0 };
      const calls = step.calls - prior.calls;
      return [name, { calls, msEach: calls ? (step.ms - prior.ms) / calls : 0 }];
    }),
  );

/**
 * The floor: what one approved checkout must do, issued directly against the twin's DynamoDB
 * Local with the same client and the Encryption SDK with the same keyring kind — claim the
 * idempotency key, read product + settings, one transaction for order + stock, put the card in
 * the vault, update the order, record the response; one encrypt and one decrypt of the card.
 */
const measureFloor = async (twin: TwinProcess, runs: number) => {
  const client = createDocumentClient(twin.dynamoDbUrl);
  const cipher = encryptionSdkCipher(rawAesKeyring(randomBytes(32)));
  const orders = 'Orders-local';
  const vault = 'CardVault-local';
  const card = JSON.stringify({ number: testCards.visa, expMonth: 12, expYear: 2030, holderName: 'Bench Buyer' });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const id = `floor-${randomUUID()}`;
    const started = performance.now();
    await client.send(
      new PutCommand({
        TableName: orders,
        Item: { pk: `IDEMPOTENCY#${id}`, sk: 'IDEMPOTENCY', state: 'in_progress' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await client.send(
      new BatchGetCommand({
        RequestItems: {
          [orders]: {
            Keys: [
              { pk: 'CATALOG', sk: `PRODUCT#${sku}` },
              { pk: 'SETTINGS', sk: 'SETTINGS' },
            ],
            ConsistentRead: true,
          },
        },
      }),
    );
    const ciphertext = await cipher.seal(id, 'card-hold', card);
    await client.send(new PutCommand({ TableName: vault, Item: { pk: `ORDER#${id}`, sk: 'CARD#floor', card: ciphertext } }));
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: orders,
              Item: { pk: `FLOOR#${id}`, sk: 'ORDER', status: 'INCOMPLETE', version: 1, card: { last4: '4242' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: orders,
              Key: { pk: 'CATALOG', sk: `PRODUCT#${sku}` },
              UpdateExpression: 'SET stock = stock - :q',
              ConditionExpression: 'stock >= :q',
              ExpressionAttributeValues: { ':q': 1 },
            },
          },
        ],
      }),
    );
    await cipher.open(id, 'card-hold', ciphertext);
    await client.send(
      new UpdateCommand({
        TableName: orders,
        Key: { pk: `FLOOR#${id}`, sk: 'ORDER' },
        UpdateExpression: 'SET #s = :s, version = :v',
        ConditionExpression: 'version = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'ORDER_PLACED', ':v': 2, ':p': 1 },
      }),
    );
    await client.send(
      new UpdateCommand({
        TableName: orders,
        Key: { pk: `IDEMPOTENCY#${id}`, sk: 'IDEMPOTENCY' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':s': 'completed' },
      }),
    );
    times.push(performance.now() - started);
    await client.send(new DeleteCommand({ TableName: orders, Key: { pk: `FLOOR#${id}`, sk: 'ORDER' } }));
  }
  return times;
};

/** The stored size of a placed order (its history included), for the cost model's request units. */
const sampleOrderBytes = async (twin: TwinProcess) => {
  const { body } = await timedCheckout(twin.apiUrl, benchCheckout('approved'));
  const client = createDocumentClient(twin.dynamoDbUrl);
  for (let i = 0; i < 100; i++) {
    const { Item } = await client.send(new GetCommand({ TableName: 'Orders-local', Key: { pk: `ORDER#${body.order.id}`, sk: 'ORDER' }, ConsistentRead: true }));
    if (Item && !Item.emailOutbox?.length && Item.status === 'IN_PROCESS') return itemBytes(Item);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the sampled order did not settle');
};

/** CPU used so far by the twin, its DynamoDB Local and this process (the load), in ms; null without `/proc`. */
const cpuOf = (twin: TwinProcess, jvm: number | null) => {
  const [twinMs, dynamoDbMs] = [processCpuMs(twin.pid), jvm === null ? null : processCpuMs(jvm)];
  const own = process.cpuUsage();
  return twinMs === null || dynamoDbMs === null ? null : { twin: twinMs, dynamoDb: dynamoDbMs, load: (own.user + own.system) / 1000 };
};

const concurrent = async (twin: TwinProcess, concurrency: number, total: number) => {
  let next = 0;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const jvm = dynamoDbLocalPid(Number(new URL(twin.dynamoDbUrl).port));
  const cpuBefore = cpuOf(twin, jvm);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const response = await timedCheckout(twin.apiUrl, benchCheckout('approved')).catch((error: Error) => ({ status: 0, ms: 0, body: error.message }));
        if (response.status === 201) latencies.push(response.ms);
        else errors[String(response.status)] = (errors[String(response.status)] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // What each checkout cost in CPU, its tail (receipt, hand-off) included once it settles.
  await settled(twin.apiUrl);
  const cpuAfter = cpuOf(twin, jvm);
  const cpuPerCheckoutMs =
    cpuBefore && cpuAfter
      ? {
          twin: (cpuAfter.twin - cpuBefore.twin) / total,
          dynamoDb: (cpuAfter.dynamoDb - cpuBefore.dynamoDb) / total,
          load: (cpuAfter.load - cpuBefore.load) / total,
        }
      : null;
  return {
    cpuPerCheckoutMs,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    errors: Object.values(errors).reduce((a, b) => a + b, 0),
    errorsByStatus: errors,
  };
};

/**
 * Where a checkout's CPU goes at concurrency 16, and the throughput that CPU leaves room for on
 * this machine's cores: with every process of the run on the same cores, checkouts per second
 * cannot exceed cores × 1000 / (CPU ms per checkout), nor cores × 1000 / (DynamoDB Local's alone).
 */
const cpuFigures = (perCheckout: { twin: number; dynamoDb: number; load: number } | null): Figure[] => {
  if (!perCheckout) return [];
  const cores = availableParallelism();
  const total = perCheckout.twin + perCheckout.dynamoDb + perCheckout.load;
  return [
    { key: 'cpuPerCheckoutTwin', label: 'CPU per checkout at c=16: the twin (API, workflow, tail)', value: perCheckout.twin, unit: 'ms' },
    { key: 'cpuPerCheckoutDynamoDb', label: 'CPU per checkout at c=16: DynamoDB Local', value: perCheckout.dynamoDb, unit: 'ms' },
    { key: 'cpuPerCheckoutLoad', label: 'CPU per checkout at c=16: the bench sending it', value: perCheckout.load, unit: 'ms' },
    { key: 'throughputCpuAllows', label: `throughput that CPU allows on ${cores} cores`, value: (cores * 1000) / total, unit: '/s' },
    {
      key: 'throughputDynamoDbAllows',
      label: `throughput DynamoDB Local's CPU alone allows on ${cores} cores`,
      value: (cores * 1000) / perCheckout.dynamoDb,
      unit: '/s',
    },
  ];
};

const main = async () => {
  const soak = process.argv.includes('--soak');
  const twin = await startTwinProcess({ BENCH_PROBE: 'true' });
  try {
    const token = await adminToken(twin);
    // The bench declines the same test card many times on purpose: lift the card-testing limits.
    await fetch(`${twin.apiUrl}/admin/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ declinesPerCardPerHour: 10_000, declinesPerIpPerHour: 100_000 }),
    });
    if (soak) {
      await runSoak(twin, token);
      return;
    }
    await putProduct(twin, token, { sku, stock: 1_000_000 });
    for (let i = 0; i < 40; i++) await timedCheckout(twin.apiUrl, benchCheckout('approved')); // warm-up
    await measureFloor(twin, 20);

    // Interleaved, so the floor and the checkouts share the same warm emulators. At concurrency 1
    // one customer checks out at a time: each checkout starts once the previous one's receipt and
    // hand-off are done, as in AWS, where other Lambdas run them; in the twin they share the
    // checkout's process. Back to back, the previous checkout's tail runs during the next one's
    // wait: printed beside it.
    const latencies: number[] = [];
    const backToBack: number[] = [];
    const floor: number[] = [];
    const approved = async () => {
      const response = await timedCheckout(twin.apiUrl, benchCheckout('approved'));
      if (response.status !== 201) throw new Error(`approved checkout answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.ms;
    };
    const probeBefore = await settled(twin.apiUrl);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 20; i++) {
        await settled(twin.apiUrl);
        latencies.push(await approved());
      }
      for (let i = 0; i < 20; i++) backToBack.push(await approved());
      floor.push(...(await measureFloor(twin, 20)));
    }
    const steps = stepTimes(probeBefore, await settled(twin.apiUrl));

    const counts = {
      approved: await countRequests(twin.apiUrl, 'approved', 10),
      declined: await countRequests(twin.apiUrl, 'declined', 5),
      offline: await countRequests(twin.apiUrl, 'offline', 5),
      purchase_order: await countRequests(twin.apiUrl, 'purchase_order', 5),
    };
    const c16 = await concurrent(twin, 16, 800);

    const floorP50 = percentile(floor, 50);
    const figures: Figure[] = [
      {
        key: 'checkoutP50',
        label: 'approved checkout p50, concurrency 1 (one at a time)',
        value: percentile(latencies, 50),
        unit: 'ms',
        floor: { value: floorP50, maxRatio: 2 },
      },
      { key: 'checkoutP95', label: 'approved checkout p95, concurrency 1 (one at a time)', value: percentile(latencies, 95), unit: 'ms' },
      {
        key: 'checkoutP50BackToBack',
        label: 'approved checkout p50, back to back',
        value: percentile(backToBack, 50),
        unit: 'ms',
        floor: { value: floorP50, maxRatio: 2, informational: true },
      },
      { key: 'floorP50', label: 'floor p50 (the operations alone, same emulators)', value: floorP50, unit: 'ms' },
      {
        key: 'dynamoDbApproved',
        label: 'DynamoDB requests, approved (customer waits)',
        value: counts.approved.sync,
        unit: '',
        target: { kind: 'max', value: 10 },
      },
      { key: 'dynamoDbApprovedBackground', label: 'DynamoDB requests, approved (background: receipt, hand-off)', value: counts.approved.background, unit: '' },
      { key: 'dynamoDbDeclined', label: 'DynamoDB requests, declined (customer waits)', value: counts.declined.sync, unit: '' },
      { key: 'dynamoDbOffline', label: 'DynamoDB requests, offline (customer waits)', value: counts.offline.sync, unit: '' },
      { key: 'dynamoDbOfflineBackground', label: 'DynamoDB requests, offline (background)', value: counts.offline.background, unit: '' },
      { key: 'dynamoDbPurchaseOrder', label: 'DynamoDB requests, purchase order (customer waits)', value: counts.purchase_order.sync, unit: '' },
      {
        key: 'throughputC16',
        label: 'throughput, concurrency 16',
        value: c16.throughput,
        unit: '/s',
        target: { kind: 'min', value: 2 * baseline.throughputC16, note: `2 × ${baseline.throughputC16}/s before` },
      },
      { key: 'errorsC16', label: 'errors, concurrency 16 (800 checkouts)', value: c16.errors, unit: '', target: { kind: 'max', value: 0 } },
      { key: 'p50C16', label: 'checkout p50, concurrency 16', value: c16.p50, unit: 'ms' },
      ...cpuFigures(c16.cpuPerCheckoutMs),
    ];
    printFigures('checkout (over HTTP through the twin, DynamoDB Local in memory)', figures);
    console.log(
      `  requests by command, approved: ${JSON.stringify(counts.approved.syncByCommand)}, background ${JSON.stringify(counts.approved.backgroundByCommand)}`,
    );
    const probeAfter = await settled(twin.apiUrl);
    const background = Object.fromEntries(Object.entries(stepTimes(probeBefore, probeAfter)).filter(([name]) => !(name in steps)));
    const orderItemBytes = await sampleOrderBytes(twin);
    writeSection({ section: 'checkout', figures, details: { counts, steps, background, c16, orderItemBytes, p50: percentile(latencies, 50), floorP50 } });
  } finally {
    await twin.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
