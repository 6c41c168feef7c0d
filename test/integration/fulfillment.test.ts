import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpFulfillmentWebhook } from '../../functions/adapters/fulfillment-webhook.js';
import { api, checkoutBody, createProduct, postCheckout, twin, uniqueEmail } from './helpers.js';
import { receivedFor, receiver, scriptReceiver, storedOrder, until } from './fulfillment-helpers.js';
import { twinTiming } from './twin-setup.js';

const checkoutAs = async (email: string, overrides: Record<string, unknown> = {}) => {
  const product = await createProduct({ stock: 20, priceCents: 1250 });
  const response = await postCheckout(checkoutBody({ customer: { email, name: 'Fay Fulfil' }, items: [{ sku: product.sku, quantity: 2 }], ...overrides }));
  expect(response.status).toBe(201);
  return response.body as { order: { id: string; status: string }; trackingToken: string; outcome: string };
};

/** The twin's log lines that name the order. */
const twinLogLinesOf = (orderId: string) =>
  readFileSync(twin().logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(orderId));

/** A loopback port nothing listens on (just released). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const track = (id: string, token: string) => api('GET', `/orders/${id}`, { headers: { 'X-Order-Token': token } });

/** Every attempt a push makes in the twin: attempts per run × (the first run + the dispatcher's re-runs). */
const attemptsUntilDeadLetter = twinTiming.attemptsPerPush * (1 + twinTiming.pushRetries);

describe('fulfillment hand-off through the twin', () => {
  it('pushes a placed order to the webhook, signed; the tracking view then shows In Process', async () => {
    const email = uniqueEmail();
    await scriptReceiver(email, [200]);
    const placed = await checkoutAs(email, { notes: 'ring twice' });
    expect(placed.outcome).toBe('placed');
    const { order, trackingToken } = placed;

    const tracked = await until('the order to be in process', async () => {
      const response = await track(order.id, trackingToken);
      return response.body.order.status === 'IN_PROCESS' && response.body.order;
    });
    expect(tracked.statusLabel).toBe('In Process');
    expect(tracked.history.at(-1)).toMatchObject({ type: 'status', actor: 'fulfillment', message: 'Order in process', visibleToCustomer: true });

    const [delivery, ...more] = await receivedFor(email);
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({ orderId: order.id, signatureValid: true, answered: 200 });
    expect(delivery!.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery!.headers['idempotency-key']).toBe(`fulfillment-${order.id}`);
    const pushed = JSON.parse(delivery!.body);
    expect(pushed.type).toBe('OrderPlaced');
    expect(pushed.order).toMatchObject({ id: order.id, status: 'ORDER_PLACED', notes: 'ring twice', customer: { email, name: 'Fay Fulfil' } });
    expect(pushed.order.payment.card).toEqual({ brand: 'visa', last4: '4242' });
    expect(pushed.order.totals.totalCents).toBe(2500);
    // No card data beyond brand and last 4, and nothing that opens the customer's tracking view.
    expect(delivery!.body).not.toContain('4242424242424242');
    expect(delivery!.body).not.toContain('424242');
    expect(delivery!.body).not.toContain('expYear');
    expect(delivery!.body).not.toContain(trackingToken);

    const stored = await storedOrder(order.id);
    expect(stored.fulfillment).toMatchObject({ attempts: 1, lastError: null, handedOffAt: expect.any(String) });
    const types = stored.history.map((e) => `${e.type}:${e.actor}`);
    expect(types).toEqual(expect.arrayContaining(['fulfillment_queued:system', 'fulfillment_attempt:fulfillment', 'status:fulfillment']));
    expect(stored.history.find((e) => e.type === 'fulfillment_attempt')?.data).toMatchObject({ attempt: 1, status: 200, outcome: 'accepted' });
  });

  it('hands off a purchase order and keeps it awaiting payment, noting the hand-off', async () => {
    const email = uniqueEmail();
    await scriptReceiver(email, [202]);
    const { order } = await checkoutAs(email, { payment: { method: 'purchase_order', poNumber: 'PO-9001' } });
    expect(order.status).toBe('AWAITING_PAYMENT');
    const stored = await until('the hand-off to be recorded', async () => {
      const current = await storedOrder(order.id);
      return current.fulfillment?.handedOffAt ? current : undefined;
    });
    expect(stored.status).toBe('AWAITING_PAYMENT');
    expect(stored.history.filter((e) => e.type === 'fulfillment_attempt')).toEqual([
      expect.objectContaining({ actor: 'fulfillment', message: expect.stringContaining('Handed to fulfillment (HTTP 202') }),
    ]);
    expect(stored.history.some((e) => e.type === 'status' && e.message === 'Order in process')).toBe(false);
    expect((await receivedFor(email)).map((d) => [d.orderId, d.signatureValid, d.answered])).toEqual([[order.id, true, 202]]);
  });

  it('retries a failing receiver with backoff, records every attempt, and leaves the order in ORDER_PLACED', async () => {
    const email = uniqueEmail();
    await scriptReceiver(email, [500]);
    const { order, trackingToken } = await checkoutAs(email);

    const stored = await until('every attempt to be spent', async () => {
      const current = await storedOrder(order.id);
      return current.fulfillment?.attempts === attemptsUntilDeadLetter ? current : undefined;
    });
    const log = await until('the push to be dead-lettered', async () => twinLogLinesOf(order.id).find((line) => line.includes('event dead-lettered')));
    expect(log).toContain('FulfillmentPushFailed');
    // Dead-lettered is final: the dispatcher runs the push no more.

    const after = await storedOrder(order.id);
    expect(after.fulfillment?.attempts).toBe(attemptsUntilDeadLetter);
    expect(after.status).toBe('ORDER_PLACED');
    expect(stored.fulfillment).toMatchObject({ lastError: expect.stringMatching(/^HTTP 500/), handedOffAt: null });
    const attempts = after.history.filter((e) => e.type === 'fulfillment_attempt');
    expect(attempts.map((e) => e.data?.attempt)).toEqual(Array.from({ length: attemptsUntilDeadLetter }, (_, i) => i + 1));
    expect(attempts.every((e) => e.actor === 'fulfillment' && e.data?.status === 500 && e.visibleToCustomer === false)).toBe(true);

    const received = await receivedFor(email);
    expect(received).toHaveLength(attemptsUntilDeadLetter);
    expect(received.every((d) => d.signatureValid && d.answered === 500 && d.orderId === order.id)).toBe(true);
    // Backoff: within a run each wait doubles, so the second gap is not shorter than the base.
    const gaps = received.slice(1, twinTiming.attemptsPerPush).map((d, i) => Date.parse(d.at) - Date.parse(received[i]!.at));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(twinTiming.backoffMs - 5);

    expect((await track(order.id, trackingToken)).body.order.status).toBe('ORDER_PLACED');
  });

  it('does not retry a receiver that refuses the order outright (4xx)', async () => {
    const email = uniqueEmail();
    const { order } = await checkoutAs(email);
    // The push function logs its outcome when it returns; a retryable failure would be thrown to the dispatcher after it.
    const finished = await until('the push to finish', async () => twinLogLinesOf(order.id).find((line) => line.includes('"message":"fulfillment push"')));
    expect(finished).toContain('"outcome":"failed"');
    expect(twinLogLinesOf(order.id).filter((line) => line.includes('event target failed'))).toEqual([]);
    const stored = await storedOrder(order.id);
    expect(stored.fulfillment).toMatchObject({ attempts: 1, lastError: expect.stringContaining('HTTP 422') });
    expect(stored.status).toBe('ORDER_PLACED');
    expect(await receivedFor(email)).toHaveLength(1);
  });
});

describe('the webhook adapter against the receiver', () => {
  const body = (email: string) => JSON.stringify({ type: 'OrderPlaced', order: { id: 'ord_ADAPTER', customer: { email } } });

  it('is refused (401) when it signs with the wrong secret', async () => {
    const email = uniqueEmail();
    await scriptReceiver(email, [200]);
    const wrong = new HttpFulfillmentWebhook(receiver().webhookUrl, async () => 'not-the-secret');
    expect(await wrong.deliver({ orderId: 'ord_ADAPTER', body: body(email) })).toMatchObject({
      kind: 'rejected',
      status: 401,
      error: expect.stringContaining('HTTP 401'),
    });
    const right = new HttpFulfillmentWebhook(receiver().webhookUrl, async () => receiver().secret);
    expect(await right.deliver({ orderId: 'ord_ADAPTER', body: body(email) })).toEqual({ kind: 'accepted', status: 200 });
    expect((await receivedFor(email)).map((d) => d.signatureValid)).toEqual([false, true]);
  });

  it('gives up on a receiver that does not answer in time, and reports an unreachable one', async () => {
    const email = uniqueEmail();
    await scriptReceiver(email, [200], 1000);
    const slow = new HttpFulfillmentWebhook(receiver().webhookUrl, async () => receiver().secret, 150);
    expect(await slow.deliver({ orderId: 'ord_ADAPTER', body: body(email) })).toEqual({ kind: 'unreachable', error: 'no answer within 150 ms' });
    const closed = new HttpFulfillmentWebhook(`http://127.0.0.1:${await closedPort()}/webhook`, async () => receiver().secret, 1000);
    expect(await closed.deliver({ orderId: 'ord_ADAPTER', body: body(email) })).toEqual({ kind: 'unreachable', error: 'network error (ECONNREFUSED)' });
  });
});
