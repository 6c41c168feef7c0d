import { AppError, notFound } from '../errors.js';
import { cardIsHeld, type Order } from '../order.js';
import type { CardVault, Clock, OrderRepository } from '../ports.js';
import { record } from '../transitions.js';
import { updateOrder } from '../update-order.js';

export interface CardRevealDeps {
  readonly orders: OrderRepository;
  readonly vault: CardVault;
  readonly clock: Clock;
}

/** What an admin needs to charge the card in the gateway's virtual terminal (no CVC is ever held). */
export interface RevealedCard {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly holderName: string;
}

const noCardOnFile = () => new AppError('no_card_on_file', 'No card is held for this order.');

/** A card may be revealed while the order waits for a manual charge, or is incomplete with its hold still running. */
export const revealableRef = (order: Order, now: Date): string | null =>
  order.heldCard && (order.status === 'OFFLINE_PENDING' || order.status === 'INCOMPLETE') && cardIsHeld(order, now) ? order.heldCard.ref : null;

/**
 * Decrypts the held card for an admin (SPEC §5.2, §7.4). The card is returned only after the
 * reveal, with its actor and reason, is on the order's timeline.
 */
export const revealCard = async (
  deps: CardRevealDeps,
  request: { readonly orderId: string; readonly actor: string; readonly reason: string },
): Promise<RevealedCard> => {
  const order = await deps.orders.get(request.orderId);
  if (!order) throw notFound();
  const ref = revealableRef(order, deps.clock.now());
  if (!ref) throw noCardOnFile();
  const card = await deps.vault.readHeld(order.id, ref, deps.clock.now());
  if (!card) throw noCardOnFile();
  await updateOrder(deps.orders, order.id, (current) => {
    // Approved or canceled meanwhile: the card is no longer anyone's business.
    if (revealableRef(current, deps.clock.now()) !== ref) throw noCardOnFile();
    return record(
      current,
      {},
      [
        {
          type: 'card_revealed',
          actor: request.actor,
          message: `Card revealed to ${request.actor}: ${request.reason}`,
          visibleToCustomer: false,
          data: { reason: request.reason },
        },
      ],
      deps.clock.now(),
    );
  });
  return { number: card.number, expMonth: card.expMonth, expYear: card.expYear, holderName: card.holderName };
};
