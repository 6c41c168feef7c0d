import { type CheckoutState, createCheckoutSteps, type StepDeps } from '../core/checkout-steps.js';
import { logger } from '../http/logger.js';

/**
 * Lambda handlers for the checkout steps. The state they receive holds ids and earlier
 * results only; each logs its step and order id, never the state itself.
 */
export const createCheckoutTaskHandlers = (deps: StepDeps) => {
  const steps = createCheckoutSteps(deps);
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
