import { checkout, type CheckoutDeps, type CheckoutRequest } from '../checkout.js';
import { AppError } from '../errors.js';
import type { Order } from '../order.js';

export interface RecordedPayment {
  readonly method: 'recorded';
  readonly authorizationCode: string;
  readonly note?: string | null;
}

/**
 * A paper order taken at a live event and already charged in the virtual terminal: checked
 * out like any other (priced from the catalog, stock reserved, receipt sent) and placed as
 * ORDER_PLACED with payment "Approved (M)". No card is involved.
 */
export const recordPaidOrder = async (
  deps: CheckoutDeps,
  request: Omit<CheckoutRequest, 'payment' | 'onDecline'> & { readonly payment: RecordedPayment },
  actor: string,
): Promise<Order> => {
  const { note, ...payment } = request.payment;
  const result = await checkout(
    deps,
    { ...request, payment, onDecline: 'ask' },
    { actor, message: `Order recorded by ${actor}; paid in the virtual terminal (authorization ${payment.authorizationCode})${note ? ` — ${note}` : ''}` },
  );
  if (result.kind !== 'created') throw new AppError('internal', 'The recorded order could not be placed.');
  return result.order;
};
