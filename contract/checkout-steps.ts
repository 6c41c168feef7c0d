/**
 * The checkout workflow's task steps. Each is a Lambda in AWS and a local handler in the
 * twin; the state name, the Lambda's handler export and the use case share the name.
 */
export const checkoutSteps = ['reserveStock', 'authorizePayment', 'placeOrder', 'holdCardOffline', 'markIncomplete', 'compensateCheckout'] as const;

export type CheckoutStep = (typeof checkoutSteps)[number];

import { workflowErrorNames } from '../functions/core/ports.js';

/** Error name the authorize step throws for a transient gateway failure; the workflow retries it. */
export const gatewayUnavailableError = workflowErrorNames.gatewayUnavailable;
