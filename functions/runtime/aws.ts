import { kmsKeyring } from '../adapters/card-vault.js';
import { EventBridgeOrderEvents } from '../adapters/order-events.js';
import { SnsPager } from '../adapters/pager.js';
import { StepFunctionsCheckoutWorkflow } from '../adapters/sfn-checkout-workflow.js';
import { PowertoolsPaymentMetrics, PowertoolsStuckOrdersMetric } from '../adapters/metrics.js';
import { secretFromLambdaExtension } from '../adapters/webhook-secret.js';
import { cardSecurityEnv, paymentEnv } from '../../contract/environment.js';
import { metricsNamespace } from '../../contract/metrics.js';
import { cognitoKeys, createStaffAuthenticator, type StaffAuthenticator } from '../http/auth.js';
import { type Adapters, createAdapters } from './adapters.js';
import { configuredGatewayName, credentialsFromSecret, paymentGateways } from './payment-gateways.js';

let adapters: Adapters | undefined;

const metricNamespace = () => process.env.METRICS_NAMESPACE ?? metricsNamespace;
const metricDimensions = () => ({ Stack: process.env.METRICS_STACK ?? 'orders' });

/**
 * The AWS composition root: KMS for card keys, Step Functions for the checkout workflow,
 * EventBridge for order events, SNS for pages, embedded-format CloudWatch metrics (Powertools),
 * and the webhook and fingerprint secrets and the payment gateway's credentials from Secrets
 * Manager. The gateway is the one the deployment chose (no default: sandbox only when chosen).
 * Each function is given only the settings it uses.
 */
export const awsAdapters = (): Adapters =>
  (adapters ??= createAdapters({
    keyring: kmsKeyring(process.env.CARD_KEY_ARN ?? ''),
    workflow: () => new StepFunctionsCheckoutWorkflow(process.env.CHECKOUT_STATE_MACHINE_ARN ?? ''),
    events: new EventBridgeOrderEvents(process.env.ORDER_EVENTS_BUS ?? ''),
    pager: new SnsPager(process.env.PAGES_TOPIC_ARN ?? ''),
    stuckOrdersMetric: new PowertoolsStuckOrdersMetric(metricNamespace(), metricDimensions()),
    paymentMetrics: new PowertoolsPaymentMetrics(metricNamespace(), metricDimensions()),
    webhookSecret: secretFromLambdaExtension(process.env.FULFILLMENT_WEBHOOK_SECRET_ARN ?? ''),
    fingerprintSecret: secretFromLambdaExtension(process.env[cardSecurityEnv.fingerprintSecretArn] ?? '', cardSecurityEnv.fingerprintSecretArn),
    gateways: paymentGateways(
      () => configuredGatewayName(process.env),
      credentialsFromSecret(secretFromLambdaExtension(process.env[paymentEnv.secretArn] ?? '', paymentEnv.secretArn)),
    ),
  }));

/** Staff tokens are the Cognito user pool's ID tokens for the dashboard client, checked against the pool's JWKS. */
export const awsStaffAuthenticator = (): StaffAuthenticator => {
  const { STAFF_TOKEN_ISSUER: issuer, STAFF_TOKEN_AUDIENCE: audience } = process.env;
  if (!issuer || !audience) throw new Error('environment variables STAFF_TOKEN_ISSUER and STAFF_TOKEN_AUDIENCE must be set');
  return createStaffAuthenticator({ issuer, audience, keys: cognitoKeys(issuer) });
};
