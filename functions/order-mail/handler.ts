import type { EventBridgeEvent } from 'aws-lambda';
import { AppError } from '../core/errors.js';
import type { OrderEmailsPendingEvent, OrderPlacedEvent } from '../core/ports.js';
import { type ReceiptDeps, sendPendingEmails } from '../core/receipts.js';
import { logger } from '../http/logger.js';

/** Thrown so that the event source retries the drain later; the failures are on the order's timeline. */
export class EmailsNotSent extends Error {
  override readonly name = 'EmailsNotSent';
}

/**
 * The `order-mail` function, triggered by `OrderEmailsPending` and by `OrderPlaced` (a placed
 * order's receipt is in its outbox): drains the order's outbox.
 * Emails that could not be sent stay pending; throwing lets the event source try again later.
 */
export const createOrderMailHandler = (deps: ReceiptDeps) => async (event: EventBridgeEvent<string, OrderEmailsPendingEvent | OrderPlacedEvent>) => {
  const orderId = event.detail?.orderId;
  if (typeof orderId !== 'string' || orderId === '') {
    logger.error('order mail: event without an order id', { eventId: event.id });
    return;
  }
  try {
    if (!(await sendPendingEmails(deps, orderId))) throw new EmailsNotSent(`order ${orderId}: some emails are still pending`);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') {
      logger.error('order mail: order not found', { orderId });
      return;
    }
    throw error;
  }
};
