import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoOrderRepository } from '../../functions/adapters/dynamo/orders-repository.js';
import { VersionConflict } from '../../functions/core/ports.js';
import { anOrder } from '../support/fixtures.js';
import { twin, uniqueEmail } from './helpers.js';

const repository = () => new DynamoOrderRepository(createDocumentClient(twin().dynamoDbUrl), 'Orders-local');

describe('order listing through the indexes', () => {
  it('pages newest first by email, by status and email, and by creation window', async () => {
    const orders = repository();
    const email = uniqueEmail();
    const created = Array.from({ length: 5 }, (_, i) =>
      anOrder({
        id: `ord_LIST_${email}_${i}`,
        createdAt: new Date(Date.UTC(2031, 0, 1, 0, i)).toISOString(),
        status: i % 2 ? 'OFFLINE_PENDING' : 'ORDER_PLACED',
        customer: { email: email.toUpperCase(), name: 'List Test', phone: null },
      }),
    );
    for (const order of created) await orders.create(order);

    const first = await orders.list({ email, limit: 2 });
    expect(first.orders.map((o) => o.id)).toEqual([created[4]!.id, created[3]!.id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await orders.list({ email, limit: 2, cursor: first.nextCursor });
    expect(second.orders.map((o) => o.id)).toEqual([created[2]!.id, created[1]!.id]);

    const offline = await orders.list({ status: 'OFFLINE_PENDING', email, limit: 100 });
    expect(offline.orders.map((o) => o.id)).toEqual([created[3]!.id, created[1]!.id]);

    const window = await orders.list({ email, createdFrom: created[1]!.createdAt, createdBefore: created[3]!.createdAt, limit: 10 });
    expect(window.orders.map((o) => o.id)).toEqual([created[2]!.id, created[1]!.id]);

    await expect(orders.list({ email, limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('a lost write', () => {
  it('brings back the order as stored, from a single put and from a transaction moving the totals', async () => {
    const orders = repository();
    const email = uniqueEmail();
    const placed = anOrder({ id: `ord_RACE_${email}`, status: 'ORDER_PLACED', version: 1, customer: { email, name: 'Race Test', phone: null } });
    await orders.create(placed);
    const winner = { ...placed, version: 2, emailsSent: ['receipt' as const] };
    await orders.save(winner, placed);
    const stored = await orders.get(placed.id);

    // Same status: a single put. A new status moves the daily totals: a transaction.
    for (const late of [
      { ...placed, version: 2 },
      { ...placed, status: 'IN_PROCESS' as const, version: 2 },
    ]) {
      const lost = await orders.save(late, placed).then(
        () => null,
        (error: unknown) => error,
      );
      expect(lost).toBeInstanceOf(VersionConflict);
      expect((lost as VersionConflict).current).toEqual(stored);
    }
  });
});

/**
 * A client that sends every request a second time once it landed, as the SDK does when a
 * request's answer is lost (a reset connection, a timeout): the caller hears the second answer.
 */
const answerLostThenResent = () => {
  const client = createDocumentClient(twin().dynamoDbUrl);
  client.middlewareStack.add(
    (next) => async (args) => {
      await next(args);
      return next(args);
    },
    { step: 'build', name: 'answerLostThenResent' },
  );
  return new DynamoOrderRepository(client, 'Orders-local');
};

describe('a write sent again after its answer was lost', () => {
  it('succeeds, and the order is stored once, as written: a creation, a put and a transaction', async () => {
    const orders = answerLostThenResent();
    const email = uniqueEmail();
    const placed = anOrder({ id: `ord_RESENT_${email}`, status: 'ORDER_PLACED', version: 1, customer: { email, name: 'Resent Test', phone: null } });
    await orders.create(placed);
    // Same status: a single put. A new status moves the daily totals: a transaction.
    const noted = { ...placed, version: 2, emailsSent: ['receipt' as const] };
    await orders.save(noted, placed);
    const inProcess = { ...noted, status: 'IN_PROCESS' as const, version: 3 };
    await orders.save(inProcess, noted);
    expect(await repository().get(placed.id)).toEqual(inProcess);
  });

  it('still loses to another writer of the very same revision', async () => {
    const orders = repository();
    const email = uniqueEmail();
    const placed = anOrder({ id: `ord_TWIN_${email}`, status: 'ORDER_PLACED', version: 1, customer: { email, name: 'Twin Test', phone: null } });
    await orders.create(placed);
    const claim = { ...placed, version: 2, emailsSent: ['receipt' as const] };
    await orders.save(claim, placed);
    // Two drains that decided the same claim at the same millisecond: one of them must lose.
    await expect(orders.save(claim, placed)).rejects.toBeInstanceOf(VersionConflict);
    await expect(orders.create(placed)).rejects.toMatchObject({ code: 'conflict' });
  });
});
