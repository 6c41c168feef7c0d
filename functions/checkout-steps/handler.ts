import { type CheckoutState, createCheckoutSteps, type StepDeps } from '../core/checkout-steps.js';
import type { CheckoutStep } from '../../contract/checkout-steps.js';
import { logger } from '../http/logger.js';

/**
 * Lambda handlers for the checkout steps. The state they receive holds ids and earlier
 * results only; each logs its step and order id, never the state itself.
 */
export const createCheckoutStepHandlers = (deps: StepDeps) => {
  // Every step the workflow declares has its use case.
  const steps = createCheckoutSteps(deps) satisfies Record<CheckoutStep, (state: CheckoutState) => Promise<unknown>>;
  return Object.fromEntries(
    Object.entries(steps).map(([name, step]) => [
      name,
      async (state: CheckoutState) => {
        logger.info('checkout step', { step: name, orderId: state.orderId });
        return step(state);
      },
    ]),
  ) as { [K in keyof typeof steps]: (state: CheckoutState) => ReturnType<(typeof steps)[K]> };
};
