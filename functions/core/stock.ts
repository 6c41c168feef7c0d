import type { Order } from './order.js';
import type { Catalog, Reservation } from './ports.js';

/**
 * An order's stock is reserved and released in rounds: the token names the round, so a
 * repeated call (a re-run step) is a no-op, and a release moves the order to the next round.
 */
const stockToken = (order: Order, purpose: 'reserve' | 'release') => `${order.id}.${order.stock.round}.${purpose}`;

/** Quote lines price a service, not catalog goods: they hold no stock. */
export const stockLines = (order: Order) => order.items.filter((i) => i.kind !== 'quote').map(({ sku, quantity }) => ({ sku, quantity }));

export const reserveOrderStock = async (catalog: Catalog, order: Order): Promise<Reservation> => {
  const lines = stockLines(order);
  return lines.length ? catalog.reserve(lines, stockToken(order, 'reserve')) : { ok: true };
};

/** The order's stock state once its reservation is given back. */
export const stockAfterRelease = (order: Order): Order['stock'] => (order.stock.reserved ? { reserved: false, round: order.stock.round + 1 } : order.stock);

/** Gives the order's reserved stock back to the catalog; repeated within minutes, a no-op. */
export const returnOrderStock = async (catalog: Catalog, order: Order): Promise<void> => {
  const lines = stockLines(order);
  if (order.stock.reserved && lines.length) await catalog.release(lines, stockToken(order, 'release'));
};

/**
 * Releases the order's stock before a write that may be re-decided (a step, a staff action):
 * the caller writes the returned state with the order's next version; a re-run is deduplicated.
 */
export const releaseOrderStock = async (catalog: Catalog, order: Order): Promise<Order['stock']> => {
  await returnOrderStock(catalog, order);
  return stockAfterRelease(order);
};
