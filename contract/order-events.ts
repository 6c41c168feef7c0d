/**
 * Order events on the event bus: the publishers and the rules that trigger the fulfillment push
 * and the order mail match on these, in AWS and in the twin's dispatcher.
 */
export const orderEventSource = 'orders';
export const orderPlacedDetailType = 'OrderPlaced';
/** An order's outbox holds emails to send; the rule triggers the order-mail function. */
export const orderEmailsPendingDetailType = 'OrderEmailsPending';

/**
 * The detail types each rule routes to its target, for the stack's rules and the twin's
 * dispatcher alike. An order is placed with its receipt already in its outbox, so the mail rule
 * takes OrderPlaced too: placing an order publishes one event, not two.
 */
export const orderEventRoutes = {
  fulfillmentPush: [orderPlacedDetailType],
  orderMail: [orderEmailsPendingDetailType, orderPlacedDetailType],
} as const;
