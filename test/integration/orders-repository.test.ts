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
