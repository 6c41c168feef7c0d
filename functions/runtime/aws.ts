import { cardSecurityEnv, fulfillmentEnv, mailEnv, metricsEnv, type PaymentGatewayName, paymentEnv, resourceEnv, staffTokenEnv } from '../../contract/environment.js';
import { metricsNamespace } from '../../contract/metrics.js';
import type { PaymentGateway } from '../core/ports.js';
import { encryptionSdkCipher, kmsKeyring } from '../adapters/card-cipher.js';
import { noCardKey } from '../adapters/card-vault.js';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { randomIds } from '../adapters/ids.js';
import { EventBridgeOrderEvents } from '../adapters/order-events.js';
import { SnsPager } from '../adapters/pager.js';
import { SandboxGateway } from '../adapters/sandbox-gateway.js';
import { SesMailer } from '../adapters/ses-mailer.js';
import { StepFunctionsCheckoutWorkflow } from '../adapters/sfn-checkout-workflow.js';
import { PowertoolsPaymentMetrics, PowertoolsStuckOrdersMetric } from '../adapters/metrics.js';
import { type SecretSource, secretFromLambdaExtension } from '../adapters/webhook-secret.js';
import { cognitoKeys, createStaffAuthenticator, type StaffAuthenticator } from '../http/auth.js';
import { cardVault, fingerprints, fulfillmentFromEnv, linksFromEnv, orderTableStores, senderIdentityFromEnv, settingsDefaults, systemClock } from './adapters.js';
import { optionalEnv, requiredEnv } from './environment.js';

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
export const awsFulfillment = () => fulfillmentFromEnv(secretFromLambdaExtension(requiredEnv(fulfillmentEnv.webhookSecretArn), fulfillmentEnv.webhookSecretArn));

/** Keyed fingerprints of cards and requests (SPEC §12); the key from Secrets Manager when first needed. */
export const awsFingerprints = () =>
  fingerprints(secretFromLambdaExtension(requiredEnv(cardSecurityEnv.fingerprintSecretArn), cardSecurityEnv.fingerprintSecretArn));

/**
 * Adapters by `PAYMENT_GATEWAY`, given the credentials secret (JSON, read when first needed).
 * The sandbox needs none: the stack only deploys it when chosen explicitly.
 */
const gatewayAdapters: Partial<Record<PaymentGatewayName, (credentials: SecretSource) => PaymentGateway>> = {
  sandbox: () => new SandboxGateway(),
};

/** The gateway the deployment chose (SPEC §11). */
export const awsGateway = (): { gateway: PaymentGateway } => {
  const name = requiredEnv(paymentEnv.gateway);
  const adapter = gatewayAdapters[name as PaymentGatewayName];
  if (!adapter) throw new Error(`${paymentEnv.gateway}=${name} is not a payment gateway of this build (${Object.keys(gatewayAdapters).join(', ')})`);
  return { gateway: adapter(secretFromLambdaExtension(requiredEnv(paymentEnv.secretArn), paymentEnv.secretArn)) };
};

/** Staff tokens are the Cognito user pool's ID tokens for the dashboard client, checked against the pool's JWKS. */
export const awsStaffAuthenticator = (): { authenticate: StaffAuthenticator } => {
  const issuer = requiredEnv(staffTokenEnv.issuer);
  return { authenticate: createStaffAuthenticator({ issuer, audience: requiredEnv(staffTokenEnv.audience), keys: cognitoKeys(issuer) }) };
};
