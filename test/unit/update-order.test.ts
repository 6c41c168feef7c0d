import { describe, expect, it } from 'vitest';
import { record } from '../../functions/core/transitions.js';
import { updateOrder } from '../../functions/core/update-order.js';
import { anOrder } from '../support/fixtures.js';
import { MemoryOrders } from '../support/memory-orders.js';

const now = new Date('2026-01-02T00:00:00.000Z');

describe('updateOrder after a lost race', () => {
  it('decides again on the order the failed write brought back, without reading it again', async () => {
    const order = anOrder({ status: 'ORDER_PLACED', version: 3 });
    const orders = new MemoryOrders([order]);
    orders.beforeNextSave((current) => record(current, { emailsSent: ['receipt'] }, [], now));
    const seen: number[] = [];

    const saved = await updateOrder(
      orders,
      order.id,
      (current) => {
        seen.push(current.version);
        return record(current, { payment: { ...current.payment, invoiceNumber: 'INV-1' } }, [], now);
      },
      order,
    );

    expect(seen).toEqual([3, 4]);
    expect(orders.calls).toEqual(['save', 'save']);
    expect(saved).toMatchObject({ version: 5, emailsSent: ['receipt'], payment: { invoiceNumber: 'INV-1' } });
    expect(orders.stored.get(order.id)).toEqual(saved);
  });

  it('reads the order again when the failed write could not bring it back', async () => {
    const order = anOrder({ status: 'ORDER_PLACED', version: 3 });
    const orders = new MemoryOrders([order]);
    orders.stored.delete(order.id);
    await expect(updateOrder(orders, order.id, (current) => record(current, {}, [], now), order)).rejects.toMatchObject({ code: 'not_found' });
    expect(orders.calls).toEqual(['save', 'get']);
  });
});
