import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type CheckoutStep, checkoutSteps } from '../../contract/checkout-steps.js';
import { type Access, type AccessResources, accessEnvironment, grantAccess, readsSecrets } from './access.js';
import { secretsExtension } from './fulfillment.js';
import { NodeFunction } from './node-function.js';

/**
 * What each step may touch (functions/core/checkout-steps.ts): only authorizePayment opens a
 * card, and only with its CVC; the steps after it delete or keep the card; reserveStock has
 * no rights on the vault at all.
 */
export const checkoutStepAccess: Record<CheckoutStep, readonly Access[]> = {
  reserveStock: ['orders'],
  authorizePayment: ['orders', 'openCards', 'callGateway'],
  // The outcome steps queue the order's emails and announce them (and OrderPlaced) on the bus.
  placeOrder: ['orders', 'purgeCards', 'publishOrderEvents'],
  holdCardOffline: ['orders', 'keepCards', 'publishOrderEvents'],
  markIncomplete: ['orders', 'keepCards', 'publishOrderEvents'],
  compensateCheckout: ['orders', 'purgeCards'],
};

/**
 * The customer waits on every step, and cold init and card crypto are CPU-bound: Lambda's CPU
 * grows with memory, so the steps get twice what their 62 MB resident set needs by far
 * (bench/bundles.ts; README: Lean functions).
 */
const memorySize = 1024;

export interface CheckoutFunctionsProps {
  readonly resources: AccessResources;
  /** What every function reads (tables, sender, links). */
  readonly environment: Record<string, string>;
}

/**
 * One Lambda per checkout step, all from one bundle that exports each step under its name.
 * The bundle builds every step's adapters when it loads, so every step gets the variables
 * of all of them; the rights stay per step.
 */
export class CheckoutFunctions extends Construct {
  readonly steps: Record<CheckoutStep, NodeFunction>;

  constructor(scope: Construct, id: string, props: CheckoutFunctionsProps) {
    super(scope, id);
    const allAccess = [...new Set(Object.values(checkoutStepAccess).flat())];
    const environment = { ...props.environment, ...accessEnvironment(props.resources, allAccess) };
    const build = (step: CheckoutStep) => {
      const fn = new NodeFunction(this, step, {
        entry: 'functions/checkout-steps/index.ts',
        handler: step,
        description: `Checkout workflow step ${step}`,
        environment,
        timeout: Duration.seconds(15),
        budget: 'cardsOrGateway',
        memorySize,
        paramsAndSecrets: readsSecrets(props.resources, checkoutStepAccess[step]) ? secretsExtension() : undefined,
      });
      grantAccess(fn, checkoutStepAccess[step], props.resources);
      return [step, fn] as const;
    };
    this.steps = Object.fromEntries(checkoutSteps.map(build)) as Record<CheckoutStep, NodeFunction>;
  }
}
