import type { EventBridgeEvent } from 'aws-lambda';
import { AppError } from '../core/errors.js';
import { type FulfillmentDeps, pushToFulfillment } from '../core/fulfillment.js';
import type { OrderPlacedEvent } from '../core/ports.js';
import { logger } from '../http/logger.js';

export type OrderPlacedNotification = EventBridgeEvent<'OrderPlaced', OrderPlacedEvent>;

/** Thrown so that the event source (EventBridge → Lambda async invoke) retries, then dead-letters. */
export class FulfillmentPushFailed extends Error {
  override readonly name = 'FulfillmentPushFailed';
}

/**
 * The `fulfillment-push` function, triggered by `OrderPlaced`: pushes the order with the
 * use case's retries. A failure that may pass is thrown for the event source to retry later;
 * one that will not (a 4xx) is recorded and left to the monitor and the CSRs.
 */
export const createFulfillmentPushHandler = (deps: FulfillmentDeps) => async (event: OrderPlacedNotification) => {
  const orderId = event.detail?.orderId;
  if (typeof orderId !== 'string' || orderId === '') {
    logger.error('fulfillment push: event without an order id', { eventId: event.id });
    return;
  }
  try {
    const result = await pushToFulfillment(deps, orderId);
    const attempts = result.order.fulfillment?.attempts ?? 0;
    logger.info('fulfillment push', { orderId, outcome: result.outcome, attempts, status: result.order.status });
    if (result.outcome === 'failed' && result.retryable) {
      throw new FulfillmentPushFailed(`order ${orderId}: ${result.order.fulfillment?.lastError ?? 'hand-off failed'}`);
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') {
      logger.error('fulfillment push: order not found', { orderId });
      return;
    }
    throw error;
  }
};
