import { AppError } from './errors.js';
import { actors } from './history.js';
import { cardIsHeld, type Order } from './order.js';
import type { CardVault, Catalog } from './ports.js';
import { type ReceiptDeps, sendOrderReceipts } from './receipts.js';
import { releaseOrderStock, reserveOrderStock } from './stock.js';
import { assertCan, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

export interface OfflineDeps extends ReceiptDeps {
  readonly catalog: Catalog;
  readonly vault: CardVault;
}

const cardGone = () => new AppError('card_no_longer_held', 'The card is no longer held for this order; retry the payment with a card instead.');

const outOfStock = () => new AppError('out_of_stock', 'Some items of this order are no longer in stock.');

/**
 * Submits a declined order offline while its card is still held (SPEC §4.2): stock is
 * reserved again, the card is kept (without expiry: until staff process it) for a manual charge,
 * receipts go out. An expired hold is gone, whatever the vault's TTL has done.
 */
export const submitOffline = async (deps: OfflineDeps, order: Order): Promise<Order> => {
  const now = deps.clock.now();
  if (!(await deps.settings.get()).allowOfflineResubmit) {
    throw new AppError('invalid_transition', 'This store does not take orders offline.');
  }
  assertCan(order, 'submitOffline');
  if (!cardIsHeld(order, now)) throw cardGone();

  const reservation = await reserveOrderStock(deps.catalog, order);
  if (!reservation.ok) throw outOfStock();
  const reserved = { ...order.stock, reserved: true };
  const undoReservation = () => releaseOrderStock(deps.catalog, { ...order, stock: reserved });
  if (!(await deps.vault.keepWithoutCvc(order.id, order.heldCard!.ref, null, now))) {
    await undoReservation();
    throw cardGone();
  }
  let next: Order;
  try {
    // A background write (the pay link's email) may land first: decide again on the order as it is.
    next = await updateOrder(
      deps.orders,
      order.id,
      (current) => {
        assertCan(current, 'submitOffline');
        if (current.heldCard?.ref !== order.heldCard!.ref) throw cardGone();
        return transition(
          current,
          'submitOffline',
          { stock: reserved, payment: { ...current.payment, status: 'OFFLINE' }, heldCard: { ...current.heldCard, expiresAt: null } },
          [{ type: 'status', actor: actors.customer, message: 'Order submitted for offline payment processing', visibleToCustomer: true }],
          now,
        );
      },
      order,
    );
  } catch (error) {
    await undoReservation();
    throw error;
  }
  await sendOrderReceipts(deps, next);
  return (await deps.orders.get(order.id)) ?? next;
};
