import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoOrderRepository } from '../../functions/adapters/dynamo/orders-repository.js';
import { DynamoCatalog } from '../../functions/adapters/dynamo/catalog.js';
import type { Order } from '../../functions/core/order.js';
import { freeLoopbackPort } from '../../functions/local/emulators.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTwinProcess, type TwinProcess } from '../support/twin-process.js';

/**
 * Fault drills, each asserting that nothing is lost or duplicated. They run against a twin of
 * their own whose handlers reach DynamoDB Local and the mail server through proxies the drills
 * cut and restore; the suite's shared twin is never disturbed.
 */
let twin: TwinProcess;
let ses: TcpProxy;
let dynamo: TcpProxy;
let orders: DynamoOrderRepository;
let catalog: DynamoCatalog;

beforeAll(async () => {
  const [dynamoDbPort, sesPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  [ses, dynamo] = [await startTcpProxy(sesPort), await startTcpProxy(dynamoDbPort)];
  twin = await startTwinProcess(
    { TWIN_SES_VIA: ses.url, TWIN_DYNAMODB_VIA: dynamo.url, MONITOR_INTERVAL_SECONDS: '1', EVENT_RETRY_DELAY_MS: '100', WORKFLOW_RETRY_INTERVAL_MS: '5' },
    { dynamoDbPort, sesPort },
  );
  // The drills read the tables directly, never through the proxy they cut.
  const client = createDocumentClient(twin.dynamoDbUrl);
  orders = new DynamoOrderRepository(client, 'Orders-local');
  catalog = new DynamoCatalog(client, 'Orders-local', 0);
}, 120_000);

afterAll(async () => {
  await twin?.stop();
  await ses?.stop();
  await dynamo?.stop();
});

const until = async <T>(what: string, check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const product = async (stock: number) => {
  const sku = `DRILL-${randomUUID().slice(0, 8).toUpperCase()}`;
  await catalog.put({ sku, name: 'Drill product', priceCents: 1500, kind: 'standard', stock });
  return sku;
};

const body = (email: string, sku: string) => ({
  customer: { email, name: 'Drill Buyer', phone: null },
  billingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  shippingAddress: null,
  items: [{ sku, quantity: 1 }],
  payment: {
    method: 'card',
    card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123', holderName: 'Drill Buyer' },
  },
  onDecline: 'ask',
});

const checkout = async (payload: unknown, key: string) => {
  try {
    const response = await fetch(`${twin.apiUrl}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as { order?: { id: string; status: string }; error?: { code: string } } };
  } catch {
    return { status: 0, body: {} };
  }
};

const mailsTo = async (email: string) => {
  const response = await fetch(`${twin.mailViewerUrl}/store`);
  return ((await response.json()) as { emails: { destination: { to: string[] }; subject: string }[] }).emails.filter((m) => m.destination.to.includes(email));
};

const stored = async (id: string) => (await orders.get(id)) as Order;

describe('fault drills', () => {
  it('SES down during checkouts: orders placed, receipts pending in the outbox, each sent once when SES is back', async () => {
    const sku = await product(50);
    ses.down();
    const emails = Array.from({ length: 5 }, () => `drill-${randomUUID().slice(0, 8)}@example.com`);
    const placed = await Promise.all(emails.map((email) => checkout(body(email, sku), `drill-${randomUUID()}`)));
    expect(placed.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = placed.map((r) => r.body.order!.id);

    // Every drain fails while SES is away: the receipts stay pending, each failure on the timeline.
    for (const id of ids) {
      const order = await until(`a failed receipt for ${id}`, async () => {
        const current = await stored(id);
        return current.emailOutbox?.some((email) => email.kind === 'receipt' && email.state === 'pending' && email.failures > 0) ? current : null;
      });
      expect(order.history.some((entry) => entry.type === 'email_failed')).toBe(true);
      expect(order.emailsSent ?? []).not.toContain('receipt');
    }
    for (const email of emails) expect(await mailsTo(email)).toEqual([]);

    ses.up();
    // The scheduled run drains what the event-driven drain left.
    for (const [index, id] of ids.entries()) {
      const order = await until(`the receipt of ${id}`, async () => {
        const current = await stored(id);
        return current.emailOutbox?.length === 0 && current.emailsSent?.includes('receipt') ? current : null;
      });
      expect(order.history.filter((entry) => entry.type === 'email_sent')).toHaveLength(1);
      expect((await mailsTo(emails[index]!)).filter((m) => m.subject.includes('received'))).toHaveLength(1);
    }
  }, 90_000);

  it('DynamoDB unreachable during a burst: every 2xx order is consistent; every failure a clean 5xx that its key retries into exactly one order', async () => {
    const sku = await product(200);
    const stockBefore = (await catalog.get([sku])).get(sku)!.stock;
    const attempts = Array.from({ length: 24 }, () => ({ key: `drill-${randomUUID()}`, email: `drill-${randomUUID().slice(0, 8)}@example.com` }));
    let next = 0;
    const first: Awaited<ReturnType<typeof checkout>>[] = [];
    const burst = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < attempts.length) {
          const index = next++;
          first[index] = await checkout(body(attempts[index]!.email, sku), attempts[index]!.key);
        }
      }),
    );
    await until('the burst to start', async () => (next >= 6 ? true : null));
    dynamo.down();
    await until('a few requests to fail', async () => (first.filter((r) => r && r.status >= 500).length >= 1 || next >= attempts.length ? true : null), 20_000);
    dynamo.up();
    await burst;

    for (const response of first) {
      if (response.status === 201) continue;
      // A failure is the error envelope with a server status, never a half answer.
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(typeof response.body.error?.code).toBe('string');
    }
    // The same key retries into exactly one order (a key whose release was lost waits out its stale claim).
    const final = await Promise.all(
      attempts.map(async (attempt, index) => {
        let response = first[index]!;
        const deadline = Date.now() + 60_000;
        while (response.status !== 201 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          response = await checkout(body(attempt.email, sku), attempt.key);
        }
        return response;
      }),
    );
    expect(final.map((r) => r.status)).toEqual(attempts.map(() => 201));
    const ids = final.map((r) => r.body.order!.id);
    expect(new Set(ids).size).toBe(attempts.length);
    for (const id of ids) {
      const order = await stored(id);
      expect(['ORDER_PLACED', 'IN_PROCESS']).toContain(order.status);
      expect(order.payment.status).toBe('AUTHORIZED');
      expect(order.stock.reserved).toBe(true);
      expect(order.heldCard).toBeNull();
    }
    // A replay of each key answers the same order: one order per key.
    for (const [index, attempt] of attempts.entries()) {
      const replay = await checkout(body(attempt.email, sku), attempt.key);
      expect(replay.body.order?.id).toBe(ids[index]);
    }
    // Stock taken by the placed orders, plus what orders abandoned mid-outage still hold.
    const failedFirst = first.filter((r) => r.status >= 500).length;
    const stockAfter = (await catalog.get([sku])).get(sku)!.stock;
    expect(stockBefore - stockAfter).toBeGreaterThanOrEqual(attempts.length);
    expect(stockBefore - stockAfter).toBeLessThanOrEqual(attempts.length + failedFirst);
  }, 150_000);
});
