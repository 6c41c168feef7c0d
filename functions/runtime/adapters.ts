import type { KeyringNode } from '@aws-crypto/material-management-node';
import { fulfillmentEnv, linkEnv, mailEnv } from '../../contract/environment.js';
import { cardCvcTable, cardVaultTable, ordersTable } from '../../contract/tables.js';
import type { OrderActionDeps } from '../core/admin/order-actions.js';
import type { StoreSettingsDeps } from '../core/admin/store-settings.js';
import type { CheckoutDeps } from '../core/checkout.js';
import type { StepDeps } from '../core/checkout-steps.js';
import { exponentialBackoff, type FulfillmentDeps } from '../core/fulfillment.js';
import type { IdempotencyStore } from '../core/idempotency.js';
import type { MonitorDeps } from '../core/monitor.js';
import type {
  AuditTrail,
  CheckoutWorkflow,
  Clock,
  Links,
  OrderEvents,
  OrderTotalsReader,
  Pager,
  PaymentMetrics,
  PendingEmailIndex,
  StuckOrdersMetric,
} from '../core/ports.js';
import { defaultSettings, type Settings } from '../core/settings.js';
import { type CardCipher, encryptionSdkCipher } from '../adapters/card-cipher.js';
import { EncryptedCardVault } from '../adapters/card-vault.js';
import { DynamoAttemptCounters } from '../adapters/dynamo/attempt-counters.js';
import { DynamoAuditTrail } from '../adapters/dynamo/audit-trail.js';
import { DynamoCatalog } from '../adapters/dynamo/catalog.js';
import { createDocumentClient, type DocumentClient } from '../adapters/dynamo/client.js';
import { DynamoIdempotencyStore } from '../adapters/dynamo/idempotency-store.js';
import { DynamoNoticeLedger } from '../adapters/dynamo/notice-ledger.js';
import { DynamoOrderTotals } from '../adapters/dynamo/order-totals.js';
import { DynamoOrderRepository } from '../adapters/dynamo/orders-repository.js';
import { DynamoPendingEmailIndex, DynamoPlacedOrderIndex } from '../adapters/dynamo/placed-orders.js';
import { DynamoSettingsStore } from '../adapters/dynamo/settings-store.js';
import { HmacFingerprints } from '../adapters/fingerprints.js';
import { HttpFulfillmentWebhook, unconfiguredWebhook } from '../adapters/fulfillment-webhook.js';
import { randomIds } from '../adapters/ids.js';
import { SesMailer } from '../adapters/ses-mailer.js';
import type { SecretSource } from '../adapters/webhook-secret.js';
import { numberEnv, optionalEnv, requiredEnv } from './environment.js';
import type { PaymentGateways } from './payment-gateways.js';

/**
 * Pieces both composition roots build from: each reads only the environment it needs, so an
 * AWS function's entry that does not use one neither bundles it nor needs its variables.
 */

export const systemClock: Clock = { now: () => new Date() };

/**
 * Links to the customer's tracking view (on the public API), the staff dashboard and the pay
 * page of a declined order (`payPageUrl`, default the store URL itself, with the same query).
 */
export const createLinks = (storeUrl: string, dashboardUrl = `${storeUrl.replace(/\/$/, '')}/dashboard`, payPageUrl = storeUrl): Links => {
  storeUrl = storeUrl.replace(/\/$/, '');
  dashboardUrl = dashboardUrl.replace(/\/$/, '');
  const trackOrder = (orderId: string, token: string) => `${storeUrl}/orders/${encodeURIComponent(orderId)}?token=${encodeURIComponent(token)}`;
  return {
    trackOrder,
    quoteDecision: (orderId, token, decision) => `${trackOrder(orderId, token)}&quote=${decision}`,
    dashboardOrder: (orderId) => `${dashboardUrl}/#/orders/${encodeURIComponent(orderId)}`,
    payOrder: (orderId, token) => `${payPageUrl}?${new URLSearchParams({ order: orderId, token })}`,
  };
};

export const linksFromEnv = (): Links => {
  const storeUrl = requiredEnv(linkEnv.storeUrl);
  return createLinks(storeUrl, optionalEnv(linkEnv.dashboardUrl), optionalEnv(linkEnv.payPage) ?? storeUrl);
};

/** What a store never configured runs on: a deployment's verified sender replaces the demo address. */
export const settingsDefaults = (fromEmail: string | undefined): Settings => ({ ...defaultSettings, fromEmail: fromEmail ?? defaultSettings.fromEmail });

/** The verified SES identity senders must belong to (`MAIL_VERIFIED_IDENTITY`); unset: any sender. */
export const senderIdentityFromEnv = (): StoreSettingsDeps['senderIdentity'] => optionalEnv(mailEnv.verifiedIdentity) ?? null;

/** Everything kept in the orders table (single-table design), on one client. */
export const orderTableStores = (client: DocumentClient, clock: Clock, defaults: Settings) => {
  const table = requiredEnv(ordersTable.envVar);
  return {
    orders: new DynamoOrderRepository(client, table),
    catalog: new DynamoCatalog(client, table),
    settings: new DynamoSettingsStore(client, table, defaults),
    idempotency: new DynamoIdempotencyStore(client, table),
    totals: new DynamoOrderTotals(client, table),
    audit: new DynamoAuditTrail(client, table),
    placedOrders: new DynamoPlacedOrderIndex(client, table),
    pendingEmails: new DynamoPendingEmailIndex(client, table),
    ledger: new DynamoNoticeLedger(client, table, () => clock.now()),
    counters: new DynamoAttemptCounters(client, table),
  };
};

export const cardVault = (client: DocumentClient, cipher: CardCipher, clock: Clock) =>
  new EncryptedCardVault(client, { cards: requiredEnv(cardVaultTable.envVar), cvcs: requiredEnv(cardCvcTable.envVar) }, cipher, () => clock.now());

/** Keyed fingerprints of cards, clients and requests (SPEC §12), keyed by the secret when first taken. */
export const fingerprints = (secret: SecretSource) => ({ fingerprints: new HmacFingerprints(secret) });

/** The fulfillment webhook (`FULFILLMENT_WEBHOOK_URL` unset: the hand-off is accepted at once, SPEC §9) and its retries. */
export const fulfillmentFromEnv = (secret: SecretSource): Pick<FulfillmentDeps, 'webhook' | 'fulfillmentPolicy'> => {
  const url = optionalEnv(fulfillmentEnv.webhookUrl);
  return {
    webhook: url ? new HttpFulfillmentWebhook(url, secret, numberEnv(fulfillmentEnv.timeoutMs, 5000)) : unconfiguredWebhook,
    fulfillmentPolicy: {
      maxAttempts: Math.max(1, numberEnv(fulfillmentEnv.attempts, 3)),
      backoffMs: exponentialBackoff(numberEnv(fulfillmentEnv.backoffMs, 1000)),
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
  };
};

export type Adapters = CheckoutDeps &
  StepDeps &
  FulfillmentDeps &
  MonitorDeps &
  StoreSettingsDeps & {
    readonly idempotency: IdempotencyStore;
    readonly pendingEmails: PendingEmailIndex;
    readonly totals: OrderTotalsReader;
    readonly audit: AuditTrail;
    readonly gatewayFor: OrderActionDeps['gatewayFor'];
  };

export interface RuntimeChoices {
  readonly keyring: KeyringNode;
  /** Resolved lazily: the local workflow runner needs the step handlers built from these adapters. */
  readonly workflow: () => CheckoutWorkflow;
  readonly clock?: Clock;
  readonly events: OrderEvents;
  readonly pager: Pager;
  readonly stuckOrdersMetric: StuckOrdersMetric;
  readonly paymentMetrics: PaymentMetrics;
  /** The fulfillment webhook's HMAC secret, read when the first push is signed. */
  readonly webhookSecret: SecretSource;
  /** The secret keying card, client and idempotency fingerprints, read when the first is taken. */
  readonly fingerprintSecret: SecretSource;
  /** The configured payment gateway, and the one that authorized an earlier order. */
  readonly gateways: PaymentGateways;
  /** The one DynamoDB client every adapter shares; made from the environment when not given. */
  readonly client?: DocumentClient;
}

/**
 * The local twin's adapters: every function's in one process. Table names, endpoints and
 * links come from the environment; the key, workflow and the rest from the twin.
 */
export const createAdapters = (choices: RuntimeChoices): Adapters => {
  const client = choices.client ?? createDocumentClient();
  const clock = choices.clock ?? systemClock;
  let workflow: CheckoutWorkflow | undefined;
  return {
    ...orderTableStores(client, clock, settingsDefaults(optionalEnv(mailEnv.from))),
    vault: cardVault(client, encryptionSdkCipher(choices.keyring), clock),
    ...fingerprints(choices.fingerprintSecret),
    paymentMetrics: choices.paymentMetrics,
    gateway: choices.gateways.configured,
    gatewayFor: choices.gateways.named,
    mailer: new SesMailer(),
    links: linksFromEnv(),
    clock,
    ids: randomIds,
    events: choices.events,
    ...fulfillmentFromEnv(choices.webhookSecret),
    pager: choices.pager,
    stuckOrdersMetric: choices.stuckOrdersMetric,
    senderIdentity: senderIdentityFromEnv(),
    get workflow() {
      workflow ??= choices.workflow();
      return workflow;
    },
  };
};
