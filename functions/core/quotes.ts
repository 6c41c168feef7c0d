import { admitCardAttempt } from './card-testing.js';
import { assertPayable, type CheckoutDeps, type CheckoutPayment, type CheckoutResult, type OrderDraft, placeNewOrder } from './checkout.js';
import type { Order } from './order.js';
import { returnOrderStock, stockAfterRelease } from './stock.js';
import { actors } from './history.js';
import { assertCan, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * The customer accepts the quote: the zero-price order is cancelled as superseded and a new
 * order for the quoted amount is checked out, the two linked both ways. The original is
 * cancelled first, by a versioned write, so a double submit cannot create two orders.
 */
export const acceptQuote = async (
  deps: CheckoutDeps,
  order: Order,
  request: { readonly payment: CheckoutPayment | null; readonly onDecline: 'ask' | 'offline'; readonly clientIp?: string | null },
): Promise<CheckoutResult> => {
  const now = deps.clock.now();
  const newId = deps.ids.orderId();
  const quote = order.quote;
  const draft: OrderDraft = {
    customer: order.customer,
    billingAddress: order.billingAddress,
    shippingAddress: order.shippingAddress,
    items: [
      {
        sku: order.items[0]!.sku,
        name: quote?.description ?? 'Quoted repair',
        kind: 'quote',
        quantity: 1,
        unitPriceCents: quote?.amountCents ?? 0,
        lineTotalCents: quote?.amountCents ?? 0,
      },
    ],
    payment: request.payment,
    onDecline: request.onDecline,
    notes: order.notes,
    supersedes: order.id,
    origin: { actor: actors.customer, message: `Quote for order ${order.id} accepted`, clientIp: request.clientIp ?? null },
  };
  assertCan(order, 'acceptQuote');
  const totals = await assertPayable(deps, draft, now);
  // Over the card-testing limits the quote stays open: refused before the original is touched.
  if (totals.totalCents > 0 && request.payment?.method === 'card') await admitCardAttempt(deps, request.payment.card, request.clientIp ?? null, 1);
  // A background write (an email recorded, say) may land first: decide again on the order as it
  // is. A second accept of the same quote then finds it superseded and answers 409.
  await updateOrder(
    deps.orders,
    order.id,
    (current) =>
      transition(
        current,
        'acceptQuote',
        { supersededBy: newId, stock: stockAfterRelease(current) },
        [
          {
            type: 'quote_accepted',
            actor: actors.customer,
            message: `Quote accepted; continued as order ${newId}`,
            visibleToCustomer: true,
            data: { supersededBy: newId },
          },
        ],
        now,
      ),
    order,
  );
  await returnOrderStock(deps.catalog, order);
  return placeNewOrder(deps, draft, { id: newId });
};

export const rejectQuote = async (deps: CheckoutDeps, order: Order): Promise<Order> => {
  // Decided again on a concurrent write, as an accept is: a second reject answers 409.
  const next = await updateOrder(
    deps.orders,
    order.id,
    (current) =>
      transition(
        current,
        'rejectQuote',
        { stock: stockAfterRelease(current) },
        [{ type: 'quote_rejected', actor: actors.customer, message: 'Quote declined by the customer', visibleToCustomer: true }],
        deps.clock.now(),
      ),
    order,
  );
  await returnOrderStock(deps.catalog, order);
  return next;
};
