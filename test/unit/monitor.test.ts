import { describe, expect, it } from 'vitest';
import { PowertoolsStuckOrdersMetric } from '../../functions/adapters/metrics.js';
import { webhookSignature } from '../../functions/adapters/fulfillment-webhook.js';
import { runScheduledMonitor, runStuckOrderMonitor, sendOfflineBacklogDigest } from '../../functions/core/monitor.js';
import type { Order } from '../../functions/core/order.js';
import { anOrder } from '../support/fixtures.js';
import { monitorDeps } from '../support/ports.js';

const minutes = (n: number) => n * 60_000;
const days = (n: number) => n * 86_400_000;
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

const placedOrder = (id: string, since: string, overrides: Partial<Order> = {}) =>
  anOrder({ id, status: 'ORDER_PLACED', statusSince: since, customer: { email: `${id}@example.com`, name: `Buyer ${id}`, phone: null }, ...overrides });

describe('runStuckOrderMonitor', () => {
  it('lists ORDER_PLACED orders older than stuckAfterSeconds, counted from when they entered ORDER_PLACED', async () => {
    const { deps, orders, clock } = monitorDeps({ stuckAfterSeconds: 900 });
    const now = clock.now();
    await orders.create(placedOrder('ord_OLD', ago(now, minutes(20))));
    await orders.create(placedOrder('ord_EDGE', ago(now, minutes(15))));
    // Created days ago, approved a minute ago: not stuck yet.
    await orders.create(placedOrder('ord_APPROVED', ago(now, minutes(1)), { createdAt: ago(now, days(3)) }));
    await orders.create(anOrder({ id: 'ord_MOVED', status: 'IN_PROCESS', statusSince: ago(now, days(1)) }));
    const report = await runStuckOrderMonitor(deps, now);
    expect(report.stuck).toEqual([
      { orderId: 'ord_OLD', since: ago(now, minutes(20)), paged: true },
      { orderId: 'ord_EDGE', since: ago(now, minutes(15)), paged: true },
    ]);
    expect(report.pagedNow).toBe(2);
  });

  it('reads only the placed-order index, never a listing of all orders', async () => {
    const { deps, orders, clock } = monitorDeps();
    await orders.create(placedOrder('ord_A', ago(clock.now(), days(1))));
    orders.calls.length = 0;
    await runStuckOrderMonitor(deps, clock.now());
    expect(orders.calls).not.toContain('list');
    expect(orders.calls).toContain('listPlacedUpTo');
  });

  it('pages each stuck order once with what a CSR needs, and keeps listing it until it moves', async () => {
    const { deps, orders, clock, pager, stuckOrdersMetric } = monitorDeps({ stuckAfterSeconds: 600 });
    const since = ago(clock.now(), minutes(42));
    await orders.create(
      placedOrder('ord_P1', since, {
        totals: { subtotalCents: 12345, shippingCents: 0, taxCents: 0, totalCents: 12345 },
        fulfillment: { attempts: 9, lastAttemptAt: since, lastError: 'HTTP 500: upstream down', handedOffAt: null, externalRef: null },
      }),
    );
    const first = await runStuckOrderMonitor(deps, clock.now());
    expect(first).toEqual({ stuck: [{ orderId: 'ord_P1', since, paged: true }], pagedNow: 1 });
    expect(pager.pages).toHaveLength(1);
    const { from, message } = pager.pages[0]!;
    expect(from).toBe('orders@example.com');
    expect(message.to).toEqual(['csr1@example.com', 'csr2@example.com']);
    expect(message.subject).toBe('Stuck order ord_P1: 42 min in Order Placed');
    for (const part of [
      'ord_P1',
      'Buyer ord_P1 <ord_P1@example.com>',
      '$123.45',
      '42 minutes',
      'HTTP 500: upstream down',
      'https://shop.test/dashboard/#/orders/ord_P1',
    ]) {
      expect(message.text).toContain(part);
    }
    expect(message.html).toContain('href="https://shop.test/dashboard/#/orders/ord_P1"');
    const paged = orders.order('ord_P1').history.filter((e) => e.type === 'paged');
    expect(paged).toEqual([
      expect.objectContaining({ at: clock.now().toISOString(), actor: 'system', visibleToCustomer: false, data: { since, minutesStuck: 42 } }),
    ]);

    clock.advance(minutes(5));
    const second = await runStuckOrderMonitor(deps, clock.now());
    expect(second).toEqual({ stuck: [{ orderId: 'ord_P1', since, paged: true }], pagedNow: 0 });
    expect(pager.pages).toHaveLength(1);
    expect(stuckOrdersMetric.values).toEqual([1, 1]);

    const moved = orders.order('ord_P1');
    // Staff moved it on meanwhile.
    orders.stored.set('ord_P1', { ...moved, status: 'IN_PROCESS', statusSince: clock.now().toISOString(), version: moved.version + 1 });
    expect(await runStuckOrderMonitor(deps, clock.now())).toEqual({ stuck: [], pagedNow: 0 });
    expect(stuckOrdersMetric.values).toEqual([1, 1, 0]);
  });

  it('records a page that could not be handed over, lists the order unpaged, and pages it on the next run', async () => {
    const { deps, orders, clock, pager } = monitorDeps();
    await orders.create(placedOrder('ord_F', ago(clock.now(), days(1))));
    pager.failWith = Object.assign(new Error('throttled'), { name: 'ThrottledException' });
    const first = await runStuckOrderMonitor(deps, clock.now());
    expect(first.stuck).toEqual([expect.objectContaining({ orderId: 'ord_F', paged: false })]);
    expect(first.pagedNow).toBe(0);
    expect(orders.order('ord_F').history.at(-1)).toMatchObject({ type: 'page_failed', data: { error: 'ThrottledException' } });
    pager.failWith = null;
    const second = await runStuckOrderMonitor(deps, clock.now());
    expect(second).toMatchObject({ stuck: [{ orderId: 'ord_F', paged: true }], pagedNow: 1 });
    expect(pager.pages).toHaveLength(1);
  });

  it('pages once when two runs overlap', async () => {
    const { deps, orders, clock, pager } = monitorDeps();
    for (const id of ['ord_C1', 'ord_C2', 'ord_C3']) await orders.create(placedOrder(id, ago(clock.now(), days(1))));
    const [a, b] = await Promise.all([runStuckOrderMonitor(deps, clock.now()), runStuckOrderMonitor(deps, clock.now())]);
    expect(a.pagedNow + b.pagedNow).toBe(3);
    expect(pager.pages.map((p) => p.message.subject).sort()).toEqual(['ord_C1', 'ord_C2', 'ord_C3'].map((id) => `Stuck order ${id}: 1440 min in Order Placed`));
    for (const id of ['ord_C1', 'ord_C2', 'ord_C3']) expect(orders.order(id).history.filter((e) => e.type === 'paged')).toHaveLength(1);
  });

  it('drops an order that moved between the index read and the page', async () => {
    const { deps, orders, clock, pager } = monitorDeps();
    await orders.create(placedOrder('ord_R', ago(clock.now(), days(1))));
    const listPlacedUpTo = orders.listPlacedUpTo.bind(orders);
    orders.listPlacedUpTo = async (query) => {
      const page = await listPlacedUpTo(query);
      const current = orders.order('ord_R');
      orders.stored.set('ord_R', { ...current, status: 'IN_PROCESS', version: current.version + 1 });
      return page;
    };
    expect(await runStuckOrderMonitor(deps, clock.now())).toEqual({ stuck: [], pagedNow: 0 });
    expect(pager.pages).toEqual([]);
  });

  it('walks every page of the index', async () => {
    const { deps, orders, clock } = monitorDeps();
    for (let i = 0; i < 230; i++) await orders.create(placedOrder(`ord_M${String(i).padStart(3, '0')}`, ago(clock.now(), days(1) + i)));
    const report = await runStuckOrderMonitor(deps, clock.now());
    expect(report.stuck).toHaveLength(230);
    expect(report.stuck[0]!.orderId).toBe('ord_M229');
  });
});

describe('the daily offline digest', () => {
  const offline = (id: string, now: Date, waitingMs: number, heldMs = waitingMs) =>
    anOrder({
      id,
      status: 'OFFLINE_PENDING',
      createdAt: ago(now, Math.max(waitingMs, heldMs)),
      statusSince: ago(now, waitingMs),
      customer: { email: `${id}@example.com`, name: `Buyer ${id}`, phone: null },
      payment: { ...anOrder().payment, status: 'OFFLINE', card: { brand: 'mastercard', bin: '555555', last4: '4444', expMonth: 1, expYear: 2031 } },
      heldCard: { ref: `ref-${id}`, heldAt: ago(now, heldMs), expiresAt: null },
    });

  it('sends the staff one digest a day of offline orders waiting over 24 h, flagging cards held over 30 days', async () => {
    const { deps, orders, clock, mailer } = monitorDeps();
    const now = clock.now();
    await orders.create(offline('ord_D1', now, days(2)));
    await orders.create(offline('ord_D2', now, days(31)));
    await orders.create(offline('ord_FRESH', now, minutes(30)));
    // Created long ago, but offline only for an hour: not in the backlog yet.
    await orders.create(offline('ord_LATE', now, minutes(60), days(3)));

    expect(await sendOfflineBacklogDigest(deps, now)).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    const { email } = mailer.sent[0]!;
    expect(email.to).toEqual(['csr1@example.com', 'csr2@example.com']);
    expect(email.subject).toBe('Demo Store: 2 offline orders waiting more than 24 h');
    expect(email.text).toContain('ord_D1: Buyer ord_D1 <ord_D1@example.com>, $39.98, Mastercard ending in 4444, waiting 48 h');
    expect(email.text).toContain('https://shop.test/dashboard/#/orders/ord_D2');
    expect(email.text).toMatch(/Cards held longer than 30 days[\s\S]*ord_D2: card held 31 days/);
    expect(email.text).not.toMatch(/ord_D1: card held/);
    expect(email.text).not.toContain('ord_FRESH');
    expect(email.text).not.toContain('ord_LATE');
    expect(email.text).not.toContain('555555');
    expect(orders.order('ord_D2').history.filter((e) => e.type === 'card_hold_flagged')).toEqual([
      expect.objectContaining({ actor: 'system', data: { heldDays: 31 } }),
    ]);
    expect(orders.order('ord_D1').history.some((e) => e.type === 'card_hold_flagged')).toBe(false);

    clock.advance(minutes(5));
    expect(await sendOfflineBacklogDigest(deps, clock.now())).toBe('already_sent');
    clock.advance(days(1));
    expect(await sendOfflineBacklogDigest(deps, clock.now())).toBe('sent');
    expect(mailer.sent).toHaveLength(2);
    expect(orders.order('ord_D2').history.filter((e) => e.type === 'card_hold_flagged')).toHaveLength(1);
  });

  it('sends nothing and claims nothing while no offline order has waited 24 h', async () => {
    const { deps, orders, clock, mailer, ledger } = monitorDeps();
    await orders.create(offline('ord_N', clock.now(), minutes(10)));
    expect(await sendOfflineBacklogDigest(deps, clock.now())).toBe('nothing_waiting');
    expect(mailer.sent).toEqual([]);
    expect(ledger.keys.size).toBe(0);
  });

  it('releases the day when the mail fails, so the next run sends it; the stuck report still comes back', async () => {
    const { deps, orders, clock, mailer, ledger } = monitorDeps();
    await orders.create(offline('ord_E', clock.now(), days(2)));
    await orders.create(placedOrder('ord_S', ago(clock.now(), days(1))));
    mailer.failWith = Object.assign(new Error('ses down'), { name: 'ServiceUnavailable' });
    const run = await runScheduledMonitor(deps, clock.now());
    expect(run.digest).toEqual({ failed: 'ServiceUnavailable' });
    expect(run.report).toMatchObject({ stuck: [{ orderId: 'ord_S', paged: true }], pagedNow: 1 });
    expect(ledger.keys.size).toBe(0);
    mailer.failWith = null;
    expect((await runScheduledMonitor(deps, clock.now())).digest).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('adapters without I/O', () => {
  it('signs the raw body as sha256=<hex HMAC-SHA256>', () => {
    // RFC 4231 test case 2.
    expect(webhookSignature('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('writes the StuckOrders metric in CloudWatch embedded metric format', async () => {
    const lines: string[] = [];
    await new PowertoolsStuckOrdersMetric('OrderBackend', { Stack: 'OrdersStack' }, (line) => lines.push(line)).record(3, new Date('2026-03-02T10:00:00Z'));
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        _aws: {
          Timestamp: Date.parse('2026-03-02T10:00:00Z'),
          CloudWatchMetrics: [{ Namespace: 'OrderBackend', Dimensions: [['Stack']], Metrics: [{ Name: 'StuckOrders', Unit: 'Count' }] }],
        },
        Stack: 'OrdersStack',
        StuckOrders: 3,
      },
    ]);
  });
});
