import { AppError } from './errors.js';
import { actors } from './history.js';
import { cardIsHeld, type Order } from './order.js';
import type { CardVault, Catalog, Clock, OrderEvents, OrderRepository, SettingsStore } from './ports.js';
import { announceEmails, queueEmails, receiptKinds } from './receipts.js';
import { releaseOrderStock, reserveOrderStock } from './stock.js';
import { assertCan, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

export interface OfflineDeps {
  readonly orders: OrderRepository;
  readonly settings: SettingsStore;
  readonly catalog: Catalog;
  readonly vault: CardVault;
  /** The receipt and the staff notice go through the order's outbox, announced here. */
  readonly events: OrderEvents;
  readonly clock: Clock;
}

const cardGone = () => new AppError('card_no_longer_held', 'The card is no longer held for this order; retry the payment with a card instead.');

const outOfStock = () => new AppError('out_of_stock', 'Some items of this order are no longer in stock.');

/**
 * Submits a declined order offline while its card is still held (SPEC §4.2): stock is
 * reserved again, the card is kept (without expiry: until staff process it) for a manual charge,
 * and the receipt and staff notice are queued in the same write, sent by the mail function off
 * the customer's wait. An expired hold is gone, whatever the vault's TTL has done.
 */
export const submitOffline = async (deps: OfflineDeps, order: Order): Promise<Order> => {
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  if (!settings.allowOfflineResubmit) {
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
        const emails = queueEmails(current, receiptKinds('OFFLINE_PENDING', settings), now);
        return transition(
          current,
          'submitOffline',
          {
            stock: reserved,
            payment: { ...current.payment, status: 'OFFLINE' },
            heldCard: { ...current.heldCard, expiresAt: null },
            ...emails.changes,
          },
          [{ type: 'status', actor: actors.customer, message: 'Order submitted for offline payment processing', visibleToCustomer: true }, ...emails.entries],
          now,
        );
      },
      order,
    );
  } catch (error) {
    await undoReservation();
    throw error;
  }
  await announceEmails(deps, next);
  return next;
};
