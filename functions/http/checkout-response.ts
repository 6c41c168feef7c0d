import type { CheckoutResult } from '../core/checkout.js';
import { toOrderView } from '../core/order.js';
import { declineMessages } from '../core/payments.js';

/** The wire shape of a checkout answer (SPEC §5.1): 201 with the outcome, or 402 with the next actions. */
export const checkoutResponse = (result: CheckoutResult) =>
  result.kind === 'created'
    ? { status: 201, body: { order: toOrderView(result.order, 'customer'), trackingToken: result.order.trackingToken, outcome: result.outcome } }
    : {
        status: 402,
        body: {
          error: {
            code: 'payment_declined',
            message:
              result.declineReason === 'gateway_unavailable' ? 'The payment could not be processed right now; no money was taken.' : 'The card was declined.',
            declineReason: result.declineReason,
            // What to tell the customer, in words: storefronts show it as it is.
            declineMessage: declineMessages[result.declineReason],
          },
          order: toOrderView(result.order, 'customer'),
          trackingToken: result.order.trackingToken,
          actions: result.actions,
        },
      };
