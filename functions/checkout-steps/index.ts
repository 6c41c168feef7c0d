import { awsBase, awsCardVault, awsGateways, awsOrderEvents } from '../runtime/aws.js';
import { createCheckoutStepHandlers } from './handler.js';

// One Lambda per step, all from this bundle; each step's role grants only what that step touches.
export const { reserveStock, authorizePayment, placeOrder, holdCardOffline, markIncomplete, compensateCheckout } = createCheckoutStepHandlers({
  ...awsBase(),
  ...awsCardVault(),
  ...awsGateways(),
  ...awsOrderEvents(),
});
