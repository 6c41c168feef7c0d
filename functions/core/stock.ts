import type { Order } from './order.js';
import type { Catalog, Reservation } from './ports.js';

/**
 * An order's stock is reserved and released in rounds: the token names the round, so a
 * repeated call (a re-run step) is a no-op, and a release moves the order to the next round.
 */
const stockToken = (order: Order, purpose: 'reserve' | 'release') => `${order.id}.${order.stock.round}.${purpose}`;

/** Quote lines price a service, not catalog goods: they hold no stock. */
const stockLines = (order: Order) => order.items.filter((i) => i.kind !== 'quote').map(({ sku, quantity }) => ({ sku, quantity }));

export const reserveOrderStock = async (catalog: Catalog, order: Order): Promise<Reservation> => {
  const lines = stockLines(order);
  return lines.length ? catalog.reserve(lines, stockToken(order, 'reserve')) : { ok: true };
};

/** Releases the order's stock once; the caller writes the returned state with the order's next version. */
export const releaseOrderStock = async (catalog: Catalog, order: Order): Promise<Order['stock']> => {
  if (!order.stock.reserved) return order.stock;
  const lines = stockLines(order);
  if (lines.length) await catalog.release(lines, stockToken(order, 'release'));
  return { reserved: false, round: order.stock.round + 1 };
};
