import { describe, expect, it } from 'vitest';
import { createCheckoutSteps, type StepDeps } from '../../functions/core/checkout-steps.js';
import { AppError } from '../../functions/core/errors.js';
import {
  announceOrderPlaced,
  enterFulfillmentManually,
  fulfillmentPayload,
  isRetryable,
  pushToFulfillment,
  retryFulfillment,
} from '../../functions/core/fulfillment.js';
import type { Order } from '../../functions/core/order.js';
import { anOrder } from '../support/fixtures.js';
import { fulfillmentDeps, http, MemoryOrders, MemorySettings, RecordingEvents, TestClock } from '../support/ports.js';

const placedAt = '2026-03-02T09:00:00.000Z';
const placed = (overrides: Partial<Order> = {}) =>
  anOrder({ id: 'ord_F1', status: 'ORDER_PLACED', statusSince: placedAt, notes: 'leave at the back door', ...overrides });

const expectAppError = async (promise: Promise<unknown>, code: string) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
};

describe('the pushed order JSON', () => {
  it('is the customer view with delivery notes: no token, no BIN, no expiry, no internal history', () => {
    const order = placed();
    const body = fulfillmentPayload(order, new Date('2026-03-02T10:00:00Z'));
    const parsed = JSON.parse(body);
    expect(parsed).toMatchObject({ type: 'OrderPlaced', sentAt: '2026-03-02T10:00:00.000Z' });
    expect(parsed.order).toMatchObject({
      id: 'ord_F1',
      status: 'ORDER_PLACED',
      notes: 'leave at the back door',
      customer: { email: 'ann@example.com', name: 'Ann Lee' },
    });
    expect(parsed.order.payment.card).toEqual({ brand: 'visa', last4: '4242' });
    expect(parsed.order.history).toEqual([
      { at: '2026-01-01T00:00:01.000Z', type: 'status', actor: 'system', message: 'Order placed', visibleToCustomer: true },
    ]);
    expect(body).not.toContain(order.trackingToken);
    expect(body).not.toContain('424242');
    expect(body).not.toContain('expYear');
    expect(body).not.toContain('"phone"');
  });
});

describe('pushToFulfillment', () => {
  it('moves ORDER_PLACED to IN_PROCESS on a 2xx and records the attempt as the fulfillment actor', async () => {
    const { deps, orders, clock } = fulfillmentDeps([http(200)]);
    await orders.create(placed());
    const result = await pushToFulfillment(deps, 'ord_F1');
    expect(result.outcome).toBe('accepted');
    const order = orders.order('ord_F1');
    expect(order.status).toBe('IN_PROCESS');
    expect(order.statusSince).toBe(clock.now().toISOString());
    expect(order.fulfillment).toEqual({
      attempts: 1,
      lastAttemptAt: clock.now().toISOString(),
      lastError: null,
      handedOffAt: clock.now().toISOString(),
      externalRef: null,
    });
    expect(order.history.slice(-2)).toEqual([
      expect.objectContaining({
        type: 'fulfillment_attempt',
        actor: 'fulfillment',
        visibleToCustomer: false,
        data: expect.objectContaining({ attempt: 1, status: 200, outcome: 'accepted' }),
      }),
      expect.objectContaining({ type: 'status', actor: 'fulfillment', message: 'Order in process', visibleToCustomer: true }),
    ]);
  });

  it('keeps AWAITING_PAYMENT, notes the hand-off, and does not push the same order again', async () => {
    const { deps, orders, webhook } = fulfillmentDeps([http(202)]);
    await orders.create(placed({ status: 'AWAITING_PAYMENT', payment: { ...placed().payment, method: 'purchase_order', card: null, poNumber: 'PO-1' } }));
    expect((await pushToFulfillment(deps, 'ord_F1')).outcome).toBe('accepted');
    const order = orders.order('ord_F1');
    expect(order.status).toBe('AWAITING_PAYMENT');
    expect(order.fulfillment?.handedOffAt).not.toBeNull();
    expect(order.history.at(-1)).toMatchObject({ type: 'fulfillment_attempt', message: expect.stringContaining('Handed to fulfillment (HTTP 202') });
    expect((await pushToFulfillment(deps, 'ord_F1')).outcome).toBe('skipped');
    expect(webhook.deliveries).toHaveLength(1);
  });

  it('retries 5xx with exponential backoff until accepted, recording every attempt', async () => {
    const { deps, orders, policy } = fulfillmentDeps([http(500), http(503), http(200)]);
    await orders.create(placed());
    const result = await pushToFulfillment(deps, 'ord_F1');
    expect(result.outcome).toBe('accepted');
    expect(policy.waits).toEqual([100, 200]);
    const attempts = orders.order('ord_F1').history.filter((e) => e.type === 'fulfillment_attempt');
    expect(attempts.map((e) => e.data?.status)).toEqual([500, 503, 200]);
    expect(attempts.map((e) => e.data?.attempt)).toEqual([1, 2, 3]);
    expect(orders.order('ord_F1')).toMatchObject({ status: 'IN_PROCESS', fulfillment: { attempts: 3, lastError: null } });
  });

  it('gives up after the policy attempts: retryable failure, order stays ORDER_PLACED with the last error', async () => {
    const { deps, orders, webhook } = fulfillmentDeps([http(500)]);
    await orders.create(placed());
    const result = await pushToFulfillment(deps, 'ord_F1');
    expect(result).toMatchObject({ outcome: 'failed', retryable: true });
    expect(webhook.deliveries).toHaveLength(3);
    expect(orders.order('ord_F1')).toMatchObject({ status: 'ORDER_PLACED', fulfillment: { attempts: 3, lastError: 'HTTP 500', handedOffAt: null } });
    // A later run (the event source's retry) numbers its attempts on from there.
    await pushToFulfillment(deps, 'ord_F1');
    expect(orders.order('ord_F1').fulfillment?.attempts).toBe(6);
  });

  it('does not retry an answer that will not change by itself (4xx other than 408/425/429)', async () => {
    const { deps, orders, webhook } = fulfillmentDeps([http(422)]);
    await orders.create(placed());
    expect(await pushToFulfillment(deps, 'ord_F1')).toMatchObject({ outcome: 'failed', retryable: false });
    expect(webhook.deliveries).toHaveLength(1);
  });

  it.each([
    [http(500), true],
    [http(502), true],
    [http(408), true],
    [http(425), true],
    [http(429), true],
    [http(400), false],
    [http(401), false],
    [http(404), false],
    [http(301), false],
    [{ kind: 'unreachable', error: 'no answer within 5000 ms' } as const, true],
  ])('treats %j as retryable: %s', (delivery, retryable) => {
    expect(isRetryable(delivery)).toBe(retryable);
  });

  it('records a network failure with its reason', async () => {
    const { deps, orders } = fulfillmentDeps([{ kind: 'unreachable', error: 'network error (ECONNREFUSED)' }], 1);
    await orders.create(placed());
    await pushToFulfillment(deps, 'ord_F1');
    expect(orders.order('ord_F1').fulfillment?.lastError).toBe('network error (ECONNREFUSED)');
    expect(orders.order('ord_F1').history.at(-1)?.message).toBe('Fulfillment hand-off attempt 1 failed: network error (ECONNREFUSED)');
  });

  it('accepts at once when no webhook is configured', async () => {
    const { deps, orders } = fulfillmentDeps([{ kind: 'not_configured' }]);
    await orders.create(placed());
    expect((await pushToFulfillment(deps, 'ord_F1')).outcome).toBe('accepted');
    expect(orders.order('ord_F1').status).toBe('IN_PROCESS');
    expect(orders.order('ord_F1').history.at(-2)?.message).toMatch(/No fulfillment webhook is configured/);
  });

  it('skips orders that no longer wait for a hand-off', async () => {
    for (const status of ['IN_PROCESS', 'CANCELLED', 'AWAITING_EVALUATION', 'OFFLINE_PENDING'] as const) {
      const { deps, orders, webhook } = fulfillmentDeps([http(200)]);
      await orders.create(placed({ status }));
      expect((await pushToFulfillment(deps, 'ord_F1')).outcome).toBe('skipped');
      expect(webhook.deliveries).toEqual([]);
    }
  });

  it('stops retrying once a CSR entered the order by hand, and records the late answer without a second transition', async () => {
    const { deps, orders, webhook } = fulfillmentDeps([http(500), http(200)]);
    await orders.create(placed());
    let first = true;
    webhook.beforeAnswer = async () => {
      if (!first) return;
      first = false;
      await enterFulfillmentManually(deps, 'ord_F1', 'WMS-7', 'csr');
    };
    const result = await pushToFulfillment(deps, 'ord_F1');
    expect(result.outcome).toBe('skipped');
    expect(webhook.deliveries).toHaveLength(1);
    const order = orders.order('ord_F1');
    expect(order.status).toBe('IN_PROCESS');
    expect(order.fulfillment).toMatchObject({ externalRef: 'WMS-7', attempts: 1, lastError: 'HTTP 500' });
    expect(order.history.filter((e) => e.type === 'status' && e.message === 'Order in process')).toHaveLength(1);
  });

  it('answers 404 for an unknown order', async () => {
    const { deps } = fulfillmentDeps([http(200)]);
    await expectAppError(pushToFulfillment(deps, 'ord_NOPE'), 'not_found');
  });
});

describe('announceOrderPlaced', () => {
  const setup = async (order: Order) => {
    const orders = new MemoryOrders();
    const events = new RecordingEvents();
    const clock = new TestClock();
    await orders.create(order);
    return { deps: { orders, events, clock }, orders, events };
  };

  it('publishes OrderPlaced once and records it', async () => {
    const { deps, orders, events } = await setup(placed());
    expect(await announceOrderPlaced(deps, 'ord_F1')).toBe(true);
    expect(await announceOrderPlaced(deps, 'ord_F1')).toBe(false);
    expect(events.published).toEqual([{ orderId: 'ord_F1', status: 'ORDER_PLACED', at: '2026-03-02T10:00:00.000Z' }]);
    expect(orders.order('ord_F1').history.filter((e) => e.type === 'fulfillment_queued')).toHaveLength(1);
  });

  it('announces purchase orders too, and nothing that does not go to fulfillment', async () => {
    const po = await setup(placed({ status: 'AWAITING_PAYMENT' }));
    expect(await announceOrderPlaced(po.deps, 'ord_F1')).toBe(true);
    for (const status of ['AWAITING_EVALUATION', 'OFFLINE_PENDING', 'INCOMPLETE', 'IN_PROCESS'] as const) {
      const other = await setup(placed({ status }));
      expect(await announceOrderPlaced(other.deps, 'ord_F1')).toBe(false);
      expect(other.events.published).toEqual([]);
    }
  });

  it('records a failure to publish without failing, and tries again when asked again', async () => {
    const { deps, orders, events } = await setup(placed());
    events.failWith = Object.assign(new Error('down'), { name: 'InternalException' });
    expect(await announceOrderPlaced(deps, 'ord_F1')).toBe(false);
    expect(orders.order('ord_F1').status).toBe('ORDER_PLACED');
    expect(orders.order('ord_F1').history.at(-1)).toMatchObject({ type: 'fulfillment_queue_failed', actor: 'system', data: { error: 'InternalException' } });
    events.failWith = null;
    expect(await announceOrderPlaced(deps, 'ord_F1')).toBe(true);
    expect(events.published).toHaveLength(1);
  });
});

describe('the placeOrder checkout step', () => {
  const stepDeps = (orders: MemoryOrders, events: RecordingEvents, clock = new TestClock()) =>
    ({
      orders,
      events,
      clock,
      settings: new MemorySettings(),
      vault: { purge: async () => undefined, purgeWrites: () => [] },
    }) as unknown as StepDeps;

  it('places the order and publishes OrderPlaced once, even when the step runs twice', async () => {
    const orders = new MemoryOrders();
    const events = new RecordingEvents();
    await orders.create(anOrder({ id: 'ord_S1', status: 'INCOMPLETE' }));
    const steps = createCheckoutSteps(stepDeps(orders, events));
    const state = { orderId: 'ord_S1', cardRef: 'ref-1', onDecline: 'ask' as const, attempt: 1 };
    // The order travels as written, so the API answers without reading it again.
    expect(await steps.placeOrder(state)).toEqual({ status: 'ORDER_PLACED', order: orders.order('ord_S1') });
    expect(await steps.placeOrder(state)).toEqual({ status: 'ORDER_PLACED', order: orders.order('ord_S1') });
    expect(events.published.map((e) => e.orderId)).toEqual(['ord_S1']);
    // Its receipt waits in the outbox, and OrderPlaced reaches the mail function too: one event.
    expect(orders.order('ord_S1').emailOutbox).toEqual([expect.objectContaining({ kind: 'receipt', state: 'pending' })]);
    expect(events.emailsAnnounced).toEqual([]);
  });

  it('publishes OrderPlaced when the clock ticks between reads (one instant per write)', async () => {
    const orders = new MemoryOrders();
    const events = new RecordingEvents();
    const tickingClock = new TestClock();
    const read = tickingClock.now;
    tickingClock.now = () => {
      tickingClock.advance(1);
      return read();
    };
    await orders.create(anOrder({ id: 'ord_S4', status: 'INCOMPLETE' }));
    const steps = createCheckoutSteps(stepDeps(orders, events, tickingClock));
    expect(await steps.placeOrder({ orderId: 'ord_S4', cardRef: null, onDecline: 'ask', attempt: 1 })).toMatchObject({ status: 'ORDER_PLACED' });
    expect(events.published.map((e) => e.orderId)).toEqual(['ord_S4']);
  });

  it('does not fail the order when the event cannot be published', async () => {
    const orders = new MemoryOrders();
    const events = new RecordingEvents();
    events.failWith = new Error('bus unavailable');
    await orders.create(anOrder({ id: 'ord_S2', status: 'INCOMPLETE' }));
    const steps = createCheckoutSteps(stepDeps(orders, events));
    // The answer carries the failure's record too: the order as it now stands.
    expect(await steps.placeOrder({ orderId: 'ord_S2', cardRef: null, onDecline: 'ask', attempt: 1 })).toEqual({
      status: 'ORDER_PLACED',
      order: orders.order('ord_S2'),
    });
    expect(orders.order('ord_S2').history.at(-1)?.type).toBe('fulfillment_queue_failed');
  });

  it('does not announce evaluation orders', async () => {
    const orders = new MemoryOrders();
    const events = new RecordingEvents();
    await orders.create(anOrder({ id: 'ord_S3', status: 'INCOMPLETE', payment: { ...anOrder().payment, method: 'none', card: null } }));
    const steps = createCheckoutSteps(stepDeps(orders, events));
    expect(await steps.placeOrder({ orderId: 'ord_S3', cardRef: null, onDecline: 'ask', attempt: 1 })).toMatchObject({ status: 'AWAITING_EVALUATION' });
    expect(events.published).toEqual([]);
    // No hand-off to start: its receipt is announced on its own.
    expect(events.emailsAnnounced).toEqual(['ord_S3']);
  });

  it('answers a large order by its status alone: the API reads it instead of the execution carrying it', async () => {
    const orders = new MemoryOrders();
    const events = new RecordingEvents();
    await orders.create(anOrder({ id: 'ord_S5', status: 'INCOMPLETE', notes: 'n'.repeat(40_000) }));
    const steps = createCheckoutSteps(stepDeps(orders, events));
    expect(await steps.placeOrder({ orderId: 'ord_S5', cardRef: null, onDecline: 'ask', attempt: 1 })).toEqual({ status: 'ORDER_PLACED' });
  });
});

describe('retryFulfillment (fulfillment-retry)', () => {
  it('audits the retry with the CSR as actor and pushes once, now', async () => {
    const { deps, orders, webhook } = fulfillmentDeps([http(200)]);
    await orders.create(placed({ fulfillment: { attempts: 9, lastAttemptAt: placedAt, lastError: 'HTTP 500', handedOffAt: null, externalRef: null } }));
    const order = await retryFulfillment(deps, 'ord_F1', 'csr:jo');
    expect(order.status).toBe('IN_PROCESS');
    expect(webhook.deliveries).toHaveLength(1);
    expect(order.fulfillment).toMatchObject({ attempts: 10, lastError: null });
    const retry = order.history.find((e) => e.type === 'fulfillment_retry');
    expect(retry).toMatchObject({ actor: 'csr:jo', visibleToCustomer: false });
    expect(order.history.indexOf(retry!)).toBeLessThan(order.history.findIndex((e) => e.type === 'fulfillment_attempt'));
  });

  it('makes a single attempt and answers with the failure recorded', async () => {
    const { deps, orders, webhook, policy } = fulfillmentDeps([http(503)]);
    await orders.create(placed());
    const order = await retryFulfillment(deps, 'ord_F1', 'csr');
    expect(webhook.deliveries).toHaveLength(1);
    expect(policy.waits).toEqual([]);
    expect(order).toMatchObject({ status: 'ORDER_PLACED', fulfillment: { attempts: 1, lastError: 'HTTP 503' } });
  });

  it('refuses an order fulfillment already has (409), a stale version (412) and an unknown id (404)', async () => {
    const { deps, orders } = fulfillmentDeps([http(200)]);
    await orders.create(placed({ id: 'ord_IP', status: 'IN_PROCESS' }));
    await orders.create(
      placed({
        id: 'ord_AP',
        status: 'AWAITING_PAYMENT',
        fulfillment: { attempts: 1, lastAttemptAt: placedAt, lastError: null, handedOffAt: placedAt, externalRef: null },
      }),
    );
    await orders.create(placed({ id: 'ord_V', version: 7 }));
    await expectAppError(retryFulfillment(deps, 'ord_IP', 'csr'), 'invalid_transition');
    await expectAppError(retryFulfillment(deps, 'ord_AP', 'csr'), 'invalid_transition');
    await expectAppError(retryFulfillment(deps, 'ord_V', 'csr', { expectedVersion: 6 }), 'precondition_failed');
    await expectAppError(retryFulfillment(deps, 'ord_NOPE', 'csr'), 'not_found');
    expect(orders.order('ord_V').version).toBe(7);
    expect((await retryFulfillment(deps, 'ord_V', 'csr', { expectedVersion: 7 })).status).toBe('IN_PROCESS');
  });
});

describe('enterFulfillmentManually (fulfillment-manual)', () => {
  it('moves ORDER_PLACED to IN_PROCESS with the reference, audited with the CSR as actor', async () => {
    const { deps, orders, clock } = fulfillmentDeps([http(500)]);
    await orders.create(placed());
    const order = await enterFulfillmentManually(deps, 'ord_F1', '  WMS-42 ', 'csr:jo');
    expect(order.status).toBe('IN_PROCESS');
    expect(order.fulfillment).toMatchObject({ externalRef: 'WMS-42', handedOffAt: clock.now().toISOString() });
    expect(order.history.slice(-2)).toEqual([
      expect.objectContaining({ type: 'fulfillment_manual', actor: 'csr:jo', data: { externalRef: 'WMS-42' }, visibleToCustomer: false }),
      expect.objectContaining({ type: 'status', actor: 'csr:jo', message: 'Order in process', visibleToCustomer: true }),
    ]);
    expect(orders.order('ord_F1')).toEqual(order);
  });

  it('refuses other statuses (409), an empty reference (400) and a stale version (412)', async () => {
    const { deps, orders } = fulfillmentDeps([http(200)]);
    await orders.create(placed({ id: 'ord_AP', status: 'AWAITING_PAYMENT' }));
    await orders.create(placed({ id: 'ord_IP', status: 'IN_PROCESS' }));
    await orders.create(placed({ id: 'ord_OK' }));
    await expectAppError(enterFulfillmentManually(deps, 'ord_AP', 'X', 'csr'), 'invalid_transition');
    await expectAppError(enterFulfillmentManually(deps, 'ord_IP', 'X', 'csr'), 'invalid_transition');
    await expectAppError(enterFulfillmentManually(deps, 'ord_OK', '   ', 'csr'), 'validation_failed');
    await expectAppError(enterFulfillmentManually(deps, 'ord_OK', 'X', 'csr', { expectedVersion: 1 }), 'precondition_failed');
    expect(orders.order('ord_OK').status).toBe('ORDER_PLACED');
  });
});
