import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoCatalog } from '../functions/adapters/dynamo/catalog.js';
import { createDocumentClient } from '../functions/adapters/dynamo/client.js';
import { DynamoOrderRepository } from '../functions/adapters/dynamo/orders-repository.js';
import type { Order } from '../functions/core/order.js';
import type { TwinProcess } from '../test/support/twin-process.js';
import { type CheckoutKind, checkoutBody } from './checkout-body.js';
import { type Figure, printFigures, writeSection } from './results.js';

const total = Number(process.env.SOAK_CHECKOUTS ?? 10_000);
const concurrency = 32;
const skus = ['SOAK-A', 'SOAK-B', 'SOAK-C', 'SOAK-D'];
const initialStock = 1_000_000;

const kinds: readonly CheckoutKind[] = ['approved', 'declined', 'offline', 'purchase_order'];
const expected: Record<CheckoutKind, { http: number; statuses: readonly Order['status'][]; holdsStock: boolean }> = {
  approved: { http: 201, statuses: ['ORDER_PLACED', 'IN_PROCESS'], holdsStock: true },
  declined: { http: 402, statuses: ['INCOMPLETE'], holdsStock: false },
  offline: { http: 201, statuses: ['OFFLINE_PENDING'], holdsStock: true },
  purchase_order: { http: 201, statuses: ['AWAITING_PAYMENT'], holdsStock: true },
};

const bodyFor = (kind: CheckoutKind, index: number) =>
  checkoutBody(kind, {
    email: `soak-${index}@example.com`,
    name: 'Soak Buyer',
    items: [
      { sku: skus[index % skus.length]!, quantity: 1 + (index % 3) },
      ...(index % 5 === 0 ? [{ sku: skus[(index + 1) % skus.length]!, quantity: 1 }] : []),
    ],
    poNumber: `PO-${index}`,
  });

/** What an order's own record must say, given what the customer asked for and was answered. */
const inconsistencies = (kind: CheckoutKind, order: Order): string[] => {
  const problems: string[] = [];
  const want = expected[kind];
  if (!want.statuses.includes(order.status)) problems.push(`status ${order.status}`);
  if (order.stock.reserved !== want.holdsStock) problems.push(`stock.reserved ${order.stock.reserved}`);
  const paymentStatus = { approved: 'AUTHORIZED', declined: 'DECLINED', offline: 'OFFLINE', purchase_order: 'NONE' }[kind];
  if (order.payment.status !== paymentStatus) problems.push(`payment ${order.payment.status}`);
  const statusEntries = order.history.filter((entry) => entry.type === 'status');
  if (statusEntries.length < 1) problems.push('no status entry');
  const attempts = order.history.filter((entry) => entry.type === 'payment_attempt');
  if (kind !== 'purchase_order' && attempts.length !== 1) problems.push(`${attempts.length} payment attempts`);
  const stamps = order.history.map((entry) => entry.at);
  if (stamps.some((at, i) => i > 0 && at < stamps[i - 1]!)) problems.push('history out of order');
  if (kind === 'approved' && order.heldCard) problems.push('card still held');
  if (kind === 'offline' && !order.heldCard) problems.push('offline card not held');
  if (order.emailOutbox?.length) problems.push('emails still pending');
  const sent = order.history.filter((entry) => entry.type === 'email_sent').length;
  if (sent !== (order.emailsSent ?? []).length) problems.push('emails sent and their entries differ');
  return problems;
};

export const runSoak = async (twin: TwinProcess, token: string) => {
  for (const sku of skus) {
    const response = await fetch(`${twin.apiUrl}/admin/products/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: `Soak ${sku}`, priceCents: 1250, kind: 'standard', stock: initialStock }),
    });
    if (response.status !== 200) throw new Error(`could not set up ${sku}`);
  }
  const results: { kind: CheckoutKind; status: number; orderId: string | null }[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const kind = kinds[index % kinds.length]!;
        try {
          const response = await fetch(`${twin.apiUrl}/checkout`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'Idempotency-Key': `soak-${randomUUID()}` },
            body: JSON.stringify(bodyFor(kind, index)),
          });
          const body = (await response.json()) as { order?: { id: string } };
          results[index] = { kind, status: response.status, orderId: body.order?.id ?? null };
        } catch {
          results[index] = { kind, status: 0, orderId: null };
        }
        if (index % 1000 === 999) console.log(`  ${index + 1} checkouts in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${results.length} checkouts answered in ${seconds.toFixed(0)} s`);

  const client = createDocumentClient(twin.dynamoDbUrl);
  const orders = new DynamoOrderRepository(client, 'Orders-local');
  // Receipts and hand-offs run after the answers: wait until no order has emails waiting.
  const settle = Date.now() + 300_000;
  const stored = new Map<string, Order>();
  const ids = results.filter((r) => r.orderId).map((r) => r.orderId!);
  for (;;) {
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (cursor < ids.length) {
          const id = ids[cursor++]!;
          const order = await orders.get(id);
          if (order) stored.set(id, order);
        }
      }),
    );
    const waiting = [...stored.values()].filter((o) => o.emailOutbox?.length || (o.status === 'ORDER_PLACED' && !o.fulfillment?.handedOffAt)).length;
    if (!waiting || Date.now() > settle) break;
    console.log(`  ${waiting} orders still wait for their emails or hand-off`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }

  const serverErrors = results.filter((r) => r.status >= 500 || r.status === 0).length;
  const unexpected = results.filter((r) => r.status !== expected[r.kind].http).length;
  const problems: string[] = [];
  const held = new Map<string, number>(skus.map((sku) => [sku, 0]));
  for (const result of results) {
    if (!result.orderId) continue;
    const order = stored.get(result.orderId);
    if (!order) {
      problems.push(`${result.orderId}: answered but not stored`);
      continue;
    }
    for (const problem of inconsistencies(result.kind, order)) problems.push(`${order.id}: ${problem}`);
    if (order.stock.reserved) for (const item of order.items) held.set(item.sku, held.get(item.sku)! + item.quantity);
  }
  // The ledger: initial − reserved + released = current, i.e. initial − what placed orders still hold.
  const current = await new DynamoCatalog(client, 'Orders-local', 0).get(skus);
  const ledgerMismatches = skus.filter((sku) => current.get(sku)!.stock !== initialStock - held.get(sku)!);
  for (const sku of ledgerMismatches) problems.push(`${sku}: stock ${current.get(sku)!.stock}, expected ${initialStock - held.get(sku)!}`);

  const figures: Figure[] = [
    { key: 'soakCheckouts', label: 'mixed checkouts, concurrency 32', value: results.length, unit: '' },
    { key: 'soakThroughput', label: 'throughput', value: results.length / seconds, unit: '/s' },
    { key: 'soakServerErrors', label: '5xx or failed requests', value: serverErrors, unit: '', target: { kind: 'max', value: 0 } },
    { key: 'soakUnexpected', label: 'answers other than expected for their card', value: unexpected, unit: '', target: { kind: 'max', value: 0 } },
    { key: 'soakLedger', label: 'SKUs whose stock ledger does not balance', value: ledgerMismatches.length, unit: '', target: { kind: 'max', value: 0 } },
    {
      key: 'soakInconsistent',
      label: 'orders whose history disagrees with their status',
      value: problems.length - ledgerMismatches.length,
      unit: '',
      target: { kind: 'max', value: 0 },
    },
  ];
  printFigures('soak (10,000 mixed checkouts: approve / decline / offline / purchase order)', figures);
  if (problems.length) console.log(`  first problems: ${problems.slice(0, 10).join('; ')}`);
  writeSection({ section: 'soak', figures, details: { seconds, problems: problems.slice(0, 100) } });
};
