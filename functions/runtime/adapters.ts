import type { KeyringNode } from '@aws-crypto/client-node';
import { linkEnv } from '../../contract/environment.js';
import { cardVaultTable, ordersTable } from '../../contract/tables.js';
import type { OrderActionDeps } from '../core/admin/order-actions.js';
import type { CheckoutDeps } from '../core/checkout.js';
import type { StepDeps } from '../core/checkout-steps.js';
import { exponentialBackoff, type FulfillmentDeps, type FulfillmentPolicy } from '../core/fulfillment.js';
import type { IdempotencyStore } from '../core/idempotency.js';
import type { MonitorDeps } from '../core/monitor.js';
import type { AuditTrail, CheckoutWorkflow, Clock, FulfillmentWebhook, Links, OrderEvents, OrderTotalsReader, Pager, PaymentMetrics, PendingEmailIndex, StuckOrdersMetric } from '../core/ports.js';
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
import type { PaymentGateways } from './payment-gateways.js';

export type Adapters = CheckoutDeps &
  StepDeps &
  FulfillmentDeps &
  MonitorDeps & {
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

const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};

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

export const linksFromEnv = (): Links =>
  createLinks(process.env.STORE_URL ?? '', process.env.DASHBOARD_URL, process.env[linkEnv.payPage] || process.env.STORE_URL || '');

const numberEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`environment variable ${name} must be a non-negative number`);
  return value;
};

/** `FULFILLMENT_WEBHOOK_URL` unset: the hand-off is accepted at once (SPEC §9). */
const webhookFromEnv = (secret: SecretSource): FulfillmentWebhook => {
  const url = process.env.FULFILLMENT_WEBHOOK_URL;
  return url ? new HttpFulfillmentWebhook(url, secret, numberEnv('FULFILLMENT_TIMEOUT_MS', 5000)) : unconfiguredWebhook;
};

const fulfillmentPolicyFromEnv = (): FulfillmentPolicy => ({
  maxAttempts: Math.max(1, numberEnv('FULFILLMENT_ATTEMPTS', 3)),
  backoffMs: exponentialBackoff(numberEnv('FULFILLMENT_BACKOFF_MS', 1000)),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

/**
 * The adapters both runtimes share. Table names, endpoints and links come from the
 * environment; what differs per runtime (key, workflow) comes from its composition root.
 */
export const createAdapters = (choices: RuntimeChoices): Adapters => {
  const client = choices.client ?? createDocumentClient();
  const orderTableName = requiredEnv(ordersTable.envVar);
  const clock = choices.clock ?? { now: () => new Date() };
  let workflow: CheckoutWorkflow | undefined;
  return {
    orders: new DynamoOrderRepository(client, orderTableName),
    catalog: new DynamoCatalog(client, orderTableName),
    settings: new DynamoSettingsStore(client, orderTableName),
    idempotency: new DynamoIdempotencyStore(client, orderTableName),
    totals: new DynamoOrderTotals(client, orderTableName),
    audit: new DynamoAuditTrail(client, orderTableName),
    vault: new EncryptedCardVault(client, requiredEnv(cardVaultTable.envVar), choices.keyring, () => clock.now()),
    fingerprints: new HmacFingerprints(choices.fingerprintSecret),
    counters: new DynamoAttemptCounters(client, orderTableName),
    paymentMetrics: choices.paymentMetrics,
    gateway: choices.gateways.configured,
    gatewayFor: choices.gateways.named,
    mailer: new SesMailer(),
    links: linksFromEnv(),
    clock,
    ids: randomIds,
    events: choices.events,
    webhook: webhookFromEnv(choices.webhookSecret),
    fulfillmentPolicy: fulfillmentPolicyFromEnv(),
    placedOrders: new DynamoPlacedOrderIndex(client, orderTableName),
    pendingEmails: new DynamoPendingEmailIndex(client, orderTableName),
    pager: choices.pager,
    stuckOrdersMetric: choices.stuckOrdersMetric,
    ledger: new DynamoNoticeLedger(client, orderTableName, () => clock.now()),
    get workflow() {
      workflow ??= choices.workflow();
      return workflow;
    },
  };
};
