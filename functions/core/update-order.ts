import { notFound } from './errors.js';
import type { Order } from './order.js';
import { type LinkedWrite, type OrderRepository, VersionConflict } from './ports.js';
import type { OrderRevision } from './transitions.js';

const maxAttempts = 5;

/**
 * Read-modify-write for automated steps: `change` returns the next order, or null when the
 * order is already where it should be (which is what makes repeated steps idempotent).
 * A concurrent writer makes it decide again on the order as stored (the lost write brings it
 * back when the store can, else it is read again). `known` is the order as the caller
 * just read or wrote it: the first attempt starts from it instead of reading again. `linked`
 * writes land with the order's write (none when nothing is written).
 */
export const updateOrder = async (
  orders: OrderRepository,
  id: string,
  change: (order: Order) => OrderRevision | null | Promise<OrderRevision | null>,
  known?: Order,
  linked: readonly LinkedWrite[] = [],
): Promise<Order> => {
  let latest = known ?? null;
  for (let attempt = 1; ; attempt++) {
    const current = latest ?? (await orders.get(id));
    if (!current) throw notFound();
    const next = await change(current);
    if (!next) return current;
    try {
      await orders.save(next, current, linked);
      return next;
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= maxAttempts) throw error;
      latest = error.current;
    }
  }
};
