import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoOrderRepository } from '../../functions/adapters/dynamo/orders-repository.js';
import type { Order } from '../../functions/core/order.js';
import { type OrderStatus, orderStatuses } from '../../functions/core/status.js';
import { type OrderAction, transition } from '../../functions/core/transitions.js';
import { updateOrder } from '../../functions/core/update-order.js';
import { anOrder } from '../support/fixtures.js';
import { act, offlineOrder, placeOrder, purchaseOrder, staffApi } from './admin-helpers.js';
import { cardPayment, testCards, twin } from './helpers.js';

const repository = () => new DynamoOrderRepository(createDocumentClient(twin().dynamoDbUrl), 'Orders-local');
const summary = (query: string) => staffApi('csr', 'GET', `/admin/reports/summary?${query}`);
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (day: string, days: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));

/**
 * Days long past that no other test writes to, so their totals hold exactly one test's orders:
 * each test takes its own slot, three days apart so that the days either side stay empty too.
 * The first slot is drawn once per run, so a re-run against the same twin starts elsewhere.
 */
const firstQuietDay = Date.UTC(1971, 0, 1) + randomInt(0, 3_000) * 3 * 86_400_000;
const quietDay = (slot: number) => dayOf(new Date(firstQuietDay + slot * 3 * 86_400_000));

const zeroByStatus = () => Object.fromEntries(orderStatuses.map((s) => [s, { count: 0, totalCents: 0 }]));

/** An order created (and, when its status says so, placed) on `day`. */
const createOn = async (day: string, totalCents: number, status: OrderStatus = 'INCOMPLETE') => {
  const createdAt = `${day}T${String(randomInt(0, 24)).padStart(2, '0')}:00:00.000Z`;
  const order = anOrder({
    id: `ord_REPORT_${randomUUID()}`,
    status,
    createdAt,
    statusSince: createdAt,
    totals: { subtotalCents: totalCents, shippingCents: 0, taxCents: 0, totalCents },
    history: [],
  });
  await repository().create(order);
  return order;
};

const move = (order: Order, ...actions: OrderAction[]) =>
  actions.reduce(async (previous, action) => {
    await previous;
    await updateOrder(repository(), order.id, (current) => transition(current, action, {}, [], new Date()));
  }, Promise.resolve());

describe('report summary (GET /admin/reports/summary)', () => {
  it('adds up the orders of a day by status from totals kept with every write', async () => {
    const day = quietDay(0);
    const [a, , c, d, e, , g] = await Promise.all([
      createOn(day, 1000, 'ORDER_PLACED'),
      createOn(day, 2000, 'ORDER_PLACED'),
      createOn(day, 700),
      createOn(day, 5000),
      createOn(day, 300),
      createOn(day, 4000, 'AWAITING_PAYMENT'),
      createOn(day, 800),
    ]);
    await move(a!, 'note');
    await move(c!, 'holdOffline');
    await move(d!, 'authorizationApproved', 'cancel');
    await move(e!, 'authorizationDeclined');
    await repository().discard(g!.id);

    const expected = {
      orderCount: 4,
      revenueCents: 1000 + 2000 + 700 + 4000,
      byStatus: {
        ...zeroByStatus(),
        ORDER_PLACED: { count: 2, totalCents: 3000 },
        OFFLINE_PENDING: { count: 1, totalCents: 700 },
        AWAITING_PAYMENT: { count: 1, totalCents: 4000 },
        CANCELLED: { count: 1, totalCents: 5000 },
        INCOMPLETE: { count: 1, totalCents: 300 },
      },
      offlinePendingCount: 1,
      // Placed on a quiet day long past and never handed off: older than any stuckAfterSeconds the settings allow.
      stuckCount: 2,
    };
    const exact = await summary(`from=${day}&to=${day}`);
    expect(exact.status).toBe(200);
    expect(exact.body).toEqual(expected);
    expect((await summary(`from=${addDays(day, -1)}&to=${addDays(day, 1)}`)).body).toEqual(expected);
    expect((await summary(`from=${addDays(day, 1)}&to=${addDays(day, 1)}`)).body).toEqual({
      orderCount: 0,
      revenueCents: 0,
      byStatus: zeroByStatus(),
      offlinePendingCount: 0,
      stuckCount: 0,
    });
  });

  it('stays exact when many orders of one day change at once', async () => {
    const day = quietDay(1);
    const orders = await Promise.all(Array.from({ length: 12 }, (_, i) => createOn(day, 100 * (i + 1))));
    await Promise.all(
      orders.map((order, i) => move(order, ...(i % 3 === 0 ? (['authorizationApproved', 'cancel'] as const) : (['authorizationApproved'] as const)))),
    );
    const { body } = await summary(`from=${day}&to=${day}`);
    const cancelled = orders.filter((_, i) => i % 3 === 0);
    const placed = orders.filter((_, i) => i % 3 !== 0);
    const sum = (list: Order[]) => list.reduce((total, order) => total + order.totals.totalCents, 0);
    expect(body.byStatus.CANCELLED).toEqual({ count: cancelled.length, totalCents: sum(cancelled) });
    expect(body.byStatus.ORDER_PLACED).toEqual({ count: placed.length, totalCents: sum(placed) });
    expect(body.byStatus.INCOMPLETE).toEqual({ count: 0, totalCents: 0 });
    expect(body).toMatchObject({ orderCount: placed.length, revenueCents: sum(placed) });
  });

  it('matches a recount of the orders created through the API, with a canceled order out of the revenue', async () => {
    const created = await Promise.all([
      placeOrder(),
      offlineOrder(),
      purchaseOrder(),
      placeOrder({ payment: cardPayment(testCards.insufficientFunds) }),
      placeOrder(),
    ]);
    const cancelledId = created[4].order.id;
    expect((await act('csr', cancelledId, 'cancel', { reason: 'Duplicate order', notifyCustomer: false })).status).toBe(200);
    const from = dayOf(new Date(Math.min(...created.map(({ order }) => Date.parse(order.createdAt)))));
    const to = dayOf(new Date());
    const query = `from=${from}&to=${to}`;

    // Other tests write orders meanwhile: compare once two reports around the recount agree.
    for (let attempt = 1; attempt <= 40; attempt++) {
      const before = (await summary(query)).body;
      const recounted = await recount(`${from}T00:00:00.000Z`, `${addDays(to, 1)}T00:00:00.000Z`);
      const after = (await summary(query)).body;
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      const byStatus = zeroByStatus();
      for (const order of recounted) {
        byStatus[order.status]!.count += 1;
        byStatus[order.status]!.totalCents += order.totals.totalCents;
      }
      const sales = recounted.filter((order) => order.status !== 'CANCELLED' && order.status !== 'INCOMPLETE');
      expect(before).toMatchObject({
        byStatus,
        orderCount: sales.length,
        revenueCents: sales.reduce((total, order) => total + order.totals.totalCents, 0),
        offlinePendingCount: byStatus.OFFLINE_PENDING!.count,
      });
      const statusOf = new Map(recounted.map((order) => [order.id, order.status]));
      expect(created.map(({ order }) => statusOf.get(order.id))).toEqual(['ORDER_PLACED', 'OFFLINE_PENDING', 'AWAITING_PAYMENT', 'INCOMPLETE', 'CANCELLED']);
      return;
    }
    throw new Error('the order totals never held still long enough to compare');
  });

  it('validates the range', async () => {
    for (const query of ['from=2026-13-01', 'to=yesterday', 'from=2026-05-02&to=2026-05-01', 'month=5']) {
      const response = await summary(query);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
  });
});

/** Every order created in [from, before), read through the creation index. */
const recount = async (from: string, before: string) => {
  const orders: Order[] = [];
  let cursor: string | null = null;
  do {
    const page = await repository().list({ createdFrom: from, createdBefore: before, limit: 100, cursor });
    orders.push(...page.orders);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
};
