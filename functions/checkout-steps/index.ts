import { awsAdapters } from '../runtime/aws.js';
import { createCheckoutStepHandlers } from './handler.js';

// One Lambda per step (least privilege); each binds one of these exports.
export const { reserveStock, authorizePayment, placeOrder, holdCardOffline, markIncomplete, compensateCheckout } =
  createCheckoutStepHandlers(awsAdapters());
