import { kmsKeyring } from '../adapters/card-vault.js';
import { StepFunctionsCheckoutWorkflow } from '../adapters/sfn-checkout-workflow.js';
import { cognitoKeys, createStaffAuthenticator, type StaffAuthenticator } from '../http/auth.js';
import { type Adapters, createAdapters } from './adapters.js';

let adapters: Adapters | undefined;

/** The AWS composition root: KMS for card keys, Step Functions for the checkout workflow. */
export const awsAdapters = (): Adapters =>
  (adapters ??= createAdapters({
    keyring: kmsKeyring(process.env.CARD_KEY_ARN ?? ''),
    workflow: () => new StepFunctionsCheckoutWorkflow(process.env.CHECKOUT_STATE_MACHINE_ARN ?? ''),
  }));

/** Staff tokens are the Cognito user pool's ID tokens for the dashboard client, checked against the pool's JWKS. */
export const awsStaffAuthenticator = (): StaffAuthenticator => {
  const { STAFF_TOKEN_ISSUER: issuer, STAFF_TOKEN_AUDIENCE: audience } = process.env;
  if (!issuer || !audience) throw new Error('environment variables STAFF_TOKEN_ISSUER and STAFF_TOKEN_AUDIENCE must be set');
  return createStaffAuthenticator({ issuer, audience, keys: cognitoKeys(issuer) });
};
