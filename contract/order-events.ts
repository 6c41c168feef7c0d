/**
 * Order events on the event bus: the publisher (the placeOrder step) and the rule that
 * triggers the fulfillment push match on these, in AWS and in the twin's dispatcher.
 */
export const orderEventSource = 'orders';
export const orderPlacedDetailType = 'OrderPlaced';
/** An order's outbox holds emails to send; the rule triggers the order-mail function. */
export const orderEmailsPendingDetailType = 'OrderEmailsPending';
