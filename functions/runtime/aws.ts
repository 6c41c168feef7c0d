import { kmsKeyring } from '../adapters/card-vault.js';
import { StepFunctionsCheckoutWorkflow } from '../adapters/sfn-checkout-workflow.js';
import { type Adapters, createAdapters } from './adapters.js';

let adapters: Adapters | undefined;

/** The AWS composition root: KMS for card keys, Step Functions for the checkout workflow. */
export const awsAdapters = (): Adapters =>
  (adapters ??= createAdapters({
    keyring: kmsKeyring(process.env.CARD_KEY_ARN ?? ''),
    workflow: () => new StepFunctionsCheckoutWorkflow(process.env.CHECKOUT_STATE_MACHINE_ARN ?? ''),
  }));
