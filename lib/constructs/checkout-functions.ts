import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { type CheckoutStep, checkoutSteps } from '../../contract/checkout-steps.js';
import { NodeFunction } from './node-function.js';
import type { DataTables } from './tables.js';

type Access = 'ordersReadWrite' | 'vaultReadWrite' | 'decryptCards' | 'sendEmail';

/** What each step may touch; only the authorize step ever sees a decrypted card. */
export const checkoutStepAccess: Record<CheckoutStep, readonly Access[]> = {
  reserveStock: ['ordersReadWrite', 'vaultReadWrite'],
  authorizePayment: ['ordersReadWrite', 'vaultReadWrite', 'decryptCards'],
  placeOrder: ['ordersReadWrite', 'vaultReadWrite'],
  holdCardOffline: ['ordersReadWrite', 'vaultReadWrite'],
  markIncomplete: ['ordersReadWrite', 'vaultReadWrite'],
  compensateCheckout: ['ordersReadWrite', 'vaultReadWrite'],
};

export interface CheckoutFunctionsProps {
  readonly tables: DataTables;
  readonly cardKey: IKey;
  readonly mailIdentity: IEmailIdentity;
  readonly environment: Record<string, string>;
}

/** One Lambda per checkout step, each exporting its handler under the step's name. */
export class CheckoutFunctions extends Construct {
  readonly steps: Record<CheckoutStep, NodeFunction>;

  constructor(scope: Construct, id: string, props: CheckoutFunctionsProps) {
    super(scope, id);
    const grant: Record<Access, (fn: NodeFunction) => void> = {
      ordersReadWrite: (fn) => props.tables.grantOrdersReadWrite(fn),
      vaultReadWrite: (fn) => props.tables.cardVault.grantReadWriteData(fn),
      decryptCards: (fn) => props.cardKey.grantDecrypt(fn),
      sendEmail: (fn) => props.mailIdentity.grantSendEmail(fn),
    };
    const build = (step: CheckoutStep) => {
      const fn = new NodeFunction(this, step, {
        entry: 'functions/checkout-steps/index.ts',
        handler: step,
        description: `Checkout workflow step ${step}`,
        environment: props.environment,
        timeout: Duration.seconds(15),
      });
      for (const access of checkoutStepAccess[step]) grant[access](fn);
      return [step, fn] as const;
    };
    this.steps = Object.fromEntries(checkoutSteps.map(build)) as Record<CheckoutStep, NodeFunction>;
  }
}
