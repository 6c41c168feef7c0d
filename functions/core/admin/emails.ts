import { compose, orderSummary, paymentLine } from '../emails.js';
import { formatMoney } from '../format.js';
import type { Order, Quote, Shipment } from '../order.js';
import type { Email } from '../ports.js';
import type { Settings } from '../settings.js';
import { paidPaymentStatuses, paymentStatusLabels } from '../status.js';

/** Customer emails sent by back-office actions (SPEC §8); card details never beyond brand + last 4. */

const greeting = (order: Order) => `Hello ${order.customer.name},`;
const trackLink = (trackUrl: string) => [{ label: 'Track your order', url: trackUrl }];

/** After an offline order was charged by hand in the virtual terminal and approved. */
export const paymentReceipt = (order: Order, settings: Settings, trackUrl: string): Email =>
  compose(
    [order.customer.email],
    `${settings.storeName}: payment received for order ${order.id}`,
    [
      greeting(order),
      `We have received the payment for your order ${order.id}: ${formatMoney(order.totals.totalCents, order.currency)}. Your order is now being prepared.`,
      [paymentLine(order), `Payment: ${paymentStatusLabels[order.payment.status]}`].filter(Boolean).join('\n'),
      orderSummary(order),
    ],
    trackLink(trackUrl),
  );

export const shippingNotice = (order: Order, shipment: Shipment, settings: Settings, trackUrl: string): Email =>
  compose(
    [order.customer.email],
    `${settings.storeName}: order ${order.id} has shipped`,
    [greeting(order), `Your order ${order.id} is on its way.`, `Carrier: ${shipment.carrier}\nTracking number: ${shipment.trackingNumber}`],
    trackLink(trackUrl),
  );

export const customerNote = (order: Order, message: string, settings: Settings, trackUrl: string): Email =>
  compose([order.customer.email], `${settings.storeName}: an update on order ${order.id}`, [greeting(order), message], trackLink(trackUrl));

export const quoteOffer = (order: Order, quote: Quote, settings: Settings, links: { accept: string; reject: string }): Email =>
  compose(
    [order.customer.email],
    `${settings.storeName}: your quote for order ${order.id}`,
    [
      greeting(order),
      `We have evaluated your item (order ${order.id}). The quote is ${formatMoney(quote.amountCents, order.currency)}.`,
      quote.description,
      'Accept the quote to place the order, or reject it and we will close this one.',
    ],
    [
      { label: 'Accept the quote', url: links.accept },
      { label: 'Reject the quote', url: links.reject },
    ],
  );

/** The cancellation notice; the staff's reason is internal and is not quoted to the customer. */
export const cancellationNotice = (order: Order, settings: Settings, trackUrl: string): Email => {
  const money =
    order.payment.status === 'VOIDED'
      ? 'The authorization on your card has been released; you will not be charged.'
      : paidPaymentStatuses.includes(order.payment.status)
        ? 'The payment you made will be refunded.'
        : null;
  return compose(
    [order.customer.email],
    `${settings.storeName}: order ${order.id} canceled`,
    [greeting(order), `Your order ${order.id} has been canceled.`, ...(money ? [money] : []), 'Reply to this email if you have any questions.'],
    trackLink(trackUrl),
  );
};
