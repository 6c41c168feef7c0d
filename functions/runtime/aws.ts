import { cardSecurityEnv, fulfillmentEnv, mailEnv, metricsEnv, paymentEnv, resourceEnv, staffTokenEnv } from '../../contract/environment.js';
import { metricsNamespace } from '../../contract/metrics.js';
import { encryptionSdkCipher, kmsKeyring } from '../adapters/card-cipher.js';
import { noCardKey } from '../adapters/card-vault.js';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { randomIds } from '../adapters/ids.js';
import { EventBridgeOrderEvents } from '../adapters/order-events.js';
import { SnsPager } from '../adapters/pager.js';
import { SesMailer } from '../adapters/ses-mailer.js';
import { StepFunctionsCheckoutWorkflow } from '../adapters/sfn-checkout-workflow.js';
import { PowertoolsPaymentMetrics, PowertoolsStuckOrdersMetric } from '../adapters/metrics.js';
import { secretFromLambdaExtension } from '../adapters/webhook-secret.js';
import { cognitoKeys, createStaffAuthenticator, type StaffAuthenticator } from '../http/auth.js';
import {
  cardVault,
  fingerprints,
  fulfillmentFromEnv,
  linksFromEnv,
  orderTableStores,
  senderIdentityFromEnv,
  settingsDefaults,
  systemClock,
} from './adapters.js';
import { optionalEnv, requiredEnv } from './environment.js';
import { configuredGatewayName } from './gateway-settings.js';
import { credentialsFromSecret, paymentGateways } from './payment-gateways.js';

/**
 * The AWS composition root, in pieces: each function's entry (functions/<name>/index.ts) takes
 * only the pieces its handler uses, so its bundle holds only those adapters and its
 * environment needs only their variables. Every piece reads its variables when the entry
 * loads: a variable the stack forgot fails the cold start, not the first request.
 */

const client = createDocumentClient();

/** Orders-table stores, the clock, ids and links: what every function uses. */
export const awsBase = () => ({
  ...orderTableStores(client, systemClock, settingsDefaults(requiredEnv(mailEnv.from))),
  clock: systemClock,
  ids: randomIds,
  links: linksFromEnv(),
});

/** The vault with the KMS card key (functions granted encrypt or decrypt on it). */
export const awsCardVault = () => ({ vault: cardVault(client, encryptionSdkCipher(kmsKeyring(requiredEnv(resourceEnv.cardKeyArn))), systemClock) });

/** The vault without a key: deleting held cards is all the admin API does with it. */
export const awsCardPurger = () => ({ vault: cardVault(client, noCardKey, systemClock) });

export const awsMailer = () => ({ mailer: new SesMailer() });

export const awsSenderIdentity = () => ({ senderIdentity: senderIdentityFromEnv() });

export const awsWorkflow = () => ({ workflow: new StepFunctionsCheckoutWorkflow(requiredEnv(resourceEnv.checkoutStateMachineArn)) });

export const awsOrderEvents = () => ({ events: new EventBridgeOrderEvents(requiredEnv(resourceEnv.orderEventsBus)) });

/** The namespace and dimensions of the stack's metrics, which its alarms watch. */
const metricsTarget = () => ({ namespace: optionalEnv(metricsEnv.namespace) ?? metricsNamespace, dimensions: { Stack: requiredEnv(metricsEnv.stack) } });

/** Paging and the StuckOrders metric: the monitor, and the admin API's on-demand run. */
export const awsMonitoring = () => {
  const { namespace, dimensions } = metricsTarget();
  return { pager: new SnsPager(requiredEnv(resourceEnv.pagesTopicArn)), stuckOrdersMetric: new PowertoolsStuckOrdersMetric(namespace, dimensions) };
};

/** Card-testing defences (SPEC §12): decline counters, keyed fingerprints, and the attempt metrics of the decline-ratio alarm. */
export const awsCardTesting = () => {
  const { namespace, dimensions } = metricsTarget();
  return { ...awsFingerprints(), paymentMetrics: new PowertoolsPaymentMetrics(namespace, dimensions) };
};

/** The webhook hand-off; its HMAC key comes from Secrets Manager through the Lambda extension. */
export const awsFulfillment = () =>
  fulfillmentFromEnv(secretFromLambdaExtension(requiredEnv(fulfillmentEnv.webhookSecretArn), fulfillmentEnv.webhookSecretArn));

/** Keyed fingerprints of cards and requests (SPEC §12); the key from Secrets Manager when first needed. */
export const awsFingerprints = () =>
  fingerprints(secretFromLambdaExtension(requiredEnv(cardSecurityEnv.fingerprintSecretArn), cardSecurityEnv.fingerprintSecretArn));

/**
 * The gateway the deployment chose (`PAYMENT_GATEWAY`, SPEC §11, checked when the entry loads),
 * and the one that authorized an earlier order for its capture or void; the credentials come
 * from the stack's secret when a gateway is first called.
 */
export const awsGateways = () => {
  const configured = configuredGatewayName(process.env);
  const gateways = paymentGateways(() => configured, credentialsFromSecret(secretFromLambdaExtension(requiredEnv(paymentEnv.secretArn), paymentEnv.secretArn)));
  return { gateway: gateways.configured, gatewayFor: gateways.named };
};

/** Only which gateway: orders created while it is the sandbox are test orders (the storefront never calls it). */
export const awsGatewayName = () => ({ gateway: { name: configuredGatewayName(process.env) } });

/** Staff tokens are the Cognito user pool's ID tokens for the dashboard client, checked against the pool's JWKS. */
export const awsStaffAuthenticator = (): { authenticate: StaffAuthenticator } => {
  const issuer = requiredEnv(staffTokenEnv.issuer);
  return { authenticate: createStaffAuthenticator({ issuer, audience: requiredEnv(staffTokenEnv.audience), keys: cognitoKeys(issuer) }) };
};
