import { describe, expect, it } from 'vitest';
import { HmacFingerprints } from '../../functions/adapters/fingerprints.js';
import type { CardDetails } from '../../functions/core/card.js';
import { RateLimited } from '../../functions/core/errors.js';
import { checkout, type CheckoutDeps, type CheckoutRequest, retryPayment } from '../../functions/core/checkout.js';
import { submitOffline } from '../../functions/core/offline.js';
import type { Order } from '../../functions/core/order.js';
import { createCheckoutSteps } from '../../functions/core/checkout-steps.js';
import { type AuthorizationResult, type CheckoutRun, type CheckoutRunResult, GatewayUnavailable, type Product } from '../../functions/core/ports.js';
import { createLinks } from '../../functions/runtime/adapters.js';
import { record, transition } from '../../functions/core/transitions.js';
import { applyLinked } from '../support/memory-orders.js';
import { MemoryCatalog, MemoryCounters, MemoryOrders, MemorySettings, MemoryVault, RecordingEvents, TestClock } from '../support/ports.js';

const product: Product = { sku: 'WIDGET-1', name: 'Widget', priceCents: 1000, kind: 'standard', stock: 10 };
const card: CardDetails = { number: '4000000000000002', expMonth: 12, expYear: 2031, cvc: '123', holderName: 'Ann Lee' };
const request: CheckoutRequest = {
  customer: { email: 'ann@example.com', name: 'Ann Lee' },
  billingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  items: [{ sku: 'WIDGET-1', quantity: 1 }],
  payment: { method: 'card', card },
  onDecline: 'ask',
};

type Workflow = (run: CheckoutRun, orders: MemoryOrders, clock: TestClock, vault: MemoryVault) => Promise<CheckoutRunResult>;

/** The workflow declining the card, as its steps record it: held by the authorize step, kept without its CVC by the outcome step. */
const declines: Workflow = async (run, orders, clock, vault) => {
  const order = orders.order(run.orderId);
  await vault.holdAttemptCard(run.orderId, run.cardRef!, (await vault.read(run.orderId, run.cardRef!, clock.now()))!);
  const expiresAt = new Date(clock.now().getTime() + 30 * 60_000);
  await vault.keepWithoutCvc(run.orderId, run.cardRef!, expiresAt, clock.now());
  const payment = {
    ...order.payment,
    status: 'DECLINED' as const,
    declineReason: 'card_declined' as const,
    decision: { attempt: run.attempt, approved: false },
  };
  const heldCard = { ref: run.cardRef!, heldAt: clock.now().toISOString(), expiresAt: expiresAt.toISOString() };
  await orders.save(record(order, { payment, heldCard }, [], clock.now()), order);
  return { status: 'succeeded', outOfStock: [] };
};

const setup = (workflow: Workflow) => {
  const orders = new MemoryOrders();
  const vault = new MemoryVault();
  const clock = new TestClock();
  const settings = new MemorySettings();
  const counters = new MemoryCounters();
  const attempts: boolean[] = [];
  let gatewayRuns = 0;
  let ids = 0;
  const deps: CheckoutDeps = {
    orders,
    vault,
    clock,
    settings,
    counters,
    fingerprints: new HmacFingerprints(async () => 'test secret'),
    paymentMetrics: { recordAttempt: async ({ declined }) => void attempts.push(declined) },
    catalog: {
      list: async () => [product],
      get: async (skus) => new Map(skus.filter((s) => s === product.sku).map((s) => [s, product])),
      put: async () => undefined,
      update: async () => null,
      reserve: async () => ({ ok: true }),
      release: async () => undefined,
    },
    ids: { orderId: () => `ord_${++ids}`, token: () => 'token' },
    gateway: { name: 'sandbox' },
    workflow: {
      run: async (run) => {
        gatewayRuns += 1;
        return workflow(run, orders, clock, vault);
      },
    },
  };
  return { deps, orders, vault, clock, settings, counters, attempts, gatewayRuns: () => gatewayRuns };
};

const holdExpiresAt = (order: Order) => order.heldCard?.expiresAt;
const expectRealHold = (order: Order, clock: TestClock) => {
  expect(holdExpiresAt(order)).toEqual(expect.any(String));
  expect(Date.parse(holdExpiresAt(order)!)).toBeGreaterThan(clock.now().getTime());
};

/** A declined order to retry on: its card held with a real expiry, the CVC already gone. */
const declinedOrder = async () => {
  const s = setup(declines);
  const result = await checkout(s.deps, request);
  expect(result.kind).toBe('declined');
  return { ...s, order: s.orders.order(result.order.id) };
};

describe('a checkout started while its idempotency key is claimed', () => {
  it("writes nothing, card included, when the key turns out to be another request's", async () => {
    const { deps, orders, vault, gatewayRuns } = setup(declines);
    const notOurs = new Error("the key is another request's");
    await expect(checkout(deps, request, undefined, async () => Promise.reject(notOurs))).rejects.toBe(notOurs);
    expect(orders.stored.size).toBe(0);
    expect(vault.cards.size + vault.attempts.size).toBe(0);
    expect(gatewayRuns()).toBe(0);
  });

  it('creates the order only once the key is claimed', async () => {
    const { deps, orders } = setup(declines);
    let claim!: () => void;
    const claimed = new Promise<void>((resolve) => {
      claim = resolve;
    });
    const result = checkout(deps, request, undefined, () => claimed);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(orders.stored.size).toBe(0);
    claim();
    expect((await result).kind).toBe('declined');
    expect(orders.stored.size).toBe(1);
  });
});

describe('no CVC after the attempt, whatever the workflow does (PCI DSS 3.3.1.2)', () => {
  const endings: [string, Workflow][] = [
    ['fails', async () => ({ status: 'failed', error: 'States.TaskFailed' })],
    ['times out', async () => ({ status: 'failed', error: 'States.Timeout' })],
    [
      'throws (StartSyncExecution refused)',
      async () => {
        throw new Error('ThrottlingException');
      },
    ],
  ];

  const expectNothingHeld = (vault: MemoryVault, order: Order) => {
    expect(vault.attempts.size + vault.cards.size).toBe(0);
    expect(order.heldCard).toBeNull();
  };

  it.each(endings)('a new checkout whose workflow %s keeps neither the CVC nor the card, and the order says so', async (_name, workflow) => {
    const { deps, orders, vault } = setup(workflow);
    await expect(checkout(deps, request)).rejects.toThrow();
    const [order] = [...orders.stored.values()];
    expectNothingHeld(vault, order!);
  });

  it.each([...endings, ['reports out of stock', async () => ({ status: 'succeeded', outOfStock: ['WIDGET-1'] }) as const] as [string, Workflow]])(
    'a retry whose workflow %s keeps neither the new card nor its CVC, and the order says so',
    async (_name, workflow) => {
      const { deps, orders, vault, clock, order } = await declinedOrder();
      expect(vault.attempts.size).toBe(0);
      expectRealHold(order, clock);
      (deps as { workflow: CheckoutDeps['workflow'] }).workflow = { run: (run) => workflow(run, orders, clock, vault) };
      await expect(retryPayment(deps, order, { card: { ...card, number: '4242424242424242' }, onDecline: 'ask' })).rejects.toThrow();
      expectNothingHeld(vault, orders.order(order.id));
    },
  );

  it('an attempt an outcome step ended is left as that step decided', async () => {
    const { deps, orders, vault, clock } = setup(async (run, o, c, v) => {
      await declines(run, o, c, v);
      throw new Error('the API gave up after the outcome step ran');
    });
    await expect(checkout(deps, request)).rejects.toThrow();
    const [order] = [...orders.stored.values()];
    expect(vault.attempts.size).toBe(0);
    expect([...vault.cards.keys()]).toEqual([order!.heldCard!.ref]);
    expectRealHold(order!, clock);
  });

  it('an out-of-stock new checkout keeps nothing at all', async () => {
    const { deps, orders, vault } = setup(async () => Promise.reject(new Error('the workflow must not run')));
    orders.shortSkus.add('WIDGET-1');
    await expect(checkout(deps, request)).rejects.toMatchObject({ code: 'out_of_stock' });
    expect(vault.cards.size + vault.attempts.size).toBe(0);
    expect(orders.stored.size).toBe(0);
  });

  it('submitOffline after the hold expired answers card_no_longer_held and keeps nothing', async () => {
    const { deps, vault, clock, order } = await declinedOrder();
    clock.advance(31 * 60_000);
    await expect(submitOffline({ ...deps, events: new RecordingEvents() }, order)).rejects.toMatchObject({ code: 'card_no_longer_held' });
    expect(await vault.readHeld(order.id, order.heldCard!.ref, clock.now())).toBeNull();
  });
});

describe('retrying a declined card while other writes land on the order', () => {
  const approves: Workflow = async (run, orders, clock, vault) => {
    const order = orders.order(run.orderId);
    await vault.purge(run.orderId, run.cardRef!);
    const payment = { ...order.payment, status: 'AUTHORIZED' as const, decision: { attempt: run.attempt, approved: true } };
    await orders.save(transition(order, 'authorizationApproved', { payment, heldCard: null }, [], clock.now()), order);
    return { status: 'succeeded', outOfStock: [] };
  };

  it('decides again when an email was recorded first, holding only the new card', async () => {
    const { deps, orders, vault, clock, order } = await declinedOrder();
    (deps as { workflow: CheckoutDeps['workflow'] }).workflow = { run: (run) => approves(run, orders, clock, vault) };
    orders.beforeNextSave((current) => record(current, { emailsSent: ['pay_link'] }, [], clock.now()));
    const result = await retryPayment(deps, order, { card: { ...card, number: '4242424242424242' }, onDecline: 'ask' });
    expect(result.order).toMatchObject({ status: 'ORDER_PLACED', emailsSent: ['pay_link'], payment: { attempt: 2 } });
    expect(vault.cards.size + vault.attempts.size).toBe(0);
  });

  it('answers conflict when another attempt started first, and holds nothing for it', async () => {
    const { deps, orders, vault, clock, order } = await declinedOrder();
    orders.beforeNextSave((current) => record(current, { payment: { ...current.payment, attempt: current.payment.attempt + 1 } }, [], clock.now()));
    await expect(retryPayment(deps, order, { card: { ...card, number: '4242424242424242' }, onDecline: 'ask' })).rejects.toMatchObject({ code: 'conflict' });
    expect([...vault.cards.keys()]).toEqual([order.heldCard!.ref]);
  });
});

describe('card-testing limits (SPEC §12)', () => {
  it('answers rate_limited with Retry-After once a card has too many declines, before the gateway', async () => {
    const { deps, settings, gatewayRuns, attempts, orders } = setup(declines);
    settings.value = { ...settings.value, declinesPerCardPerHour: 2 };
    for (let i = 0; i < 2; i++) expect((await checkout(deps, request, { actor: 'customer', message: 'x', clientIp: `10.0.0.${i}` })).kind).toBe('declined');
    const runs = gatewayRuns();
    const stored = orders.stored.size;
    await expect(checkout(deps, request, { actor: 'customer', message: 'x', clientIp: '10.0.0.9' })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: expect.any(Number),
    });
    expect(gatewayRuns()).toBe(runs);
    expect(orders.stored.size).toBe(stored);
    expect(attempts).toEqual([true, true]);
    // Another card is not held back by this one's declines.
    expect((await checkout(deps, { ...request, payment: { method: 'card', card: { ...card, number: '4000000000009995' } } })).kind).toBe('declined');
  });

  it('counts declines per client address too, and lets the window lapse', async () => {
    const { deps, settings, clock } = setup(declines);
    settings.value = { ...settings.value, declinesPerIpPerHour: 1 };
    const from = { actor: 'customer', message: 'x', clientIp: '10.0.0.1' };
    await checkout(deps, request, from);
    const other = { ...request, payment: { method: 'card' as const, card: { ...card, number: '4000000000009995' } } };
    const limited = await checkout(deps, other, from).then(
      () => null,
      (error: unknown) => error,
    );
    expect(limited).toBeInstanceOf(RateLimited);
    const { retryAfterSeconds: retryAfter } = limited as RateLimited;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await checkout(deps, other, { ...from, clientIp: '10.0.0.2' })).kind).toBe('declined');
    clock.advance(retryAfter * 1000);
    expect((await checkout(deps, other, from)).kind).toBe('declined');
  });

  it('caps the attempts on one order', async () => {
    const { deps, settings, orders, order } = await declinedOrder();
    settings.value = { ...settings.value, paymentAttemptsPerOrder: 2 };
    const retried = await retryPayment(deps, order, { card, onDecline: 'ask' });
    expect(retried.kind).toBe('declined');
    const again = orders.order(order.id);
    await expect(retryPayment(deps, again, { card, onDecline: 'ask' })).rejects.toMatchObject({ code: 'rate_limited' });
    expect(orders.order(order.id).version).toBe(again.version);
  });
});

describe('the authorize step holds a card only when it did not go through', () => {
  const authorizeWith = async (answer: () => Promise<AuthorizationResult>) => {
    const vault = new MemoryVault();
    const clock = new TestClock();
    const { ref, writes } = await vault.prepareAttempt('ord_1', card);
    applyLinked(writes);
    const steps = createCheckoutSteps({
      orders: new MemoryOrders(),
      catalog: new MemoryCatalog([]),
      settings: new MemorySettings(),
      vault,
      gateway: { name: 'sandbox', authorize: answer, capture: async () => ({ ok: true, reference: 'C' }), void: async () => ({ ok: true, reference: 'V' }) },
      links: createLinks('https://shop.test'),
      clock,
      events: new RecordingEvents(),
    });
    const state = {
      orderId: 'ord_1',
      cardRef: ref,
      onDecline: 'ask' as const,
      attempt: 1,
      reservation: { reserved: true, paymentMethod: 'card' as const, outOfStock: [], amountCents: 1000, currency: 'USD' },
    };
    const result = await steps.authorizePayment(state).catch((error: Error) => error);
    return { result, held: await vault.readHeld('ord_1', ref, clock.now()), attempt: await vault.read('ord_1', ref, clock.now()) };
  };
  const { cvc: _cvc, ...withoutCvc } = card;

  it('holds nothing for an approved card', async () => {
    const { result, held, attempt } = await authorizeWith(async () => ({ approved: true, authorizationCode: 'A1', transactionId: 'T1' }));
    expect(result).toMatchObject({ approved: true });
    expect(held).toBeNull();
    expect(attempt?.cvc).toBe('123');
  });

  it('holds a declined card without its CVC', async () => {
    const { result, held } = await authorizeWith(async () => ({ approved: false, declineReason: 'card_declined', gatewayCode: '2' }));
    expect(result).toMatchObject({ approved: false });
    expect(held).toEqual(withoutCvc);
  });

  it('holds the card when the gateway is unavailable, and lets the workflow retry', async () => {
    const { result, held } = await authorizeWith(async () => Promise.reject(new GatewayUnavailable('timed out')));
    expect(result).toBeInstanceOf(GatewayUnavailable);
    expect(held).toEqual(withoutCvc);
  });

  it('holds nothing when the step fails otherwise (compensation deletes the attempt)', async () => {
    const { result, held } = await authorizeWith(async () => Promise.reject(new Error('bug')));
    expect(result).toBeInstanceOf(Error);
    expect(held).toBeNull();
  });
});
