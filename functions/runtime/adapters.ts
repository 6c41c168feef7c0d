import type { KeyringNode } from '@aws-crypto/client-node';
import { cardVaultTable, ordersTable } from '../../lib/tables.js';
import type { CheckoutDeps } from '../core/checkout.js';
import type { StepDeps } from '../core/checkout-steps.js';
import type { AuditTrail, CheckoutWorkflow, Clock, Links, OrderTotalsReader } from '../core/ports.js';
import { EncryptedCardVault } from '../adapters/card-vault.js';
import { DynamoAuditTrail } from '../adapters/dynamo/audit-trail.js';
import { DynamoCatalog } from '../adapters/dynamo/catalog.js';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { DynamoOrderTotals } from '../adapters/dynamo/order-totals.js';
import { DynamoOrderRepository } from '../adapters/dynamo/orders-repository.js';
import { DynamoSettingsStore } from '../adapters/dynamo/settings-store.js';
import { randomIds } from '../adapters/ids.js';
import { SandboxGateway } from '../adapters/sandbox-gateway.js';
import { SesMailer } from '../adapters/ses-mailer.js';

export type Adapters = CheckoutDeps & StepDeps & { readonly totals: OrderTotalsReader; readonly audit: AuditTrail };

export interface RuntimeChoices {
  readonly keyring: KeyringNode;
  /** Resolved lazily: the local workflow runner needs the step handlers built from these adapters. */
  readonly workflow: () => CheckoutWorkflow;
  readonly clock?: Clock;
}

const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};

export const linksFromEnv = (): Links => {
  const storeUrl = (process.env.STORE_URL ?? '').replace(/\/$/, '');
  const dashboardUrl = (process.env.DASHBOARD_URL ?? `${storeUrl}/dashboard`).replace(/\/$/, '');
  const trackOrder = (orderId: string, token: string) => `${storeUrl}/orders/${encodeURIComponent(orderId)}?token=${encodeURIComponent(token)}`;
  return {
    trackOrder,
    quoteDecision: (orderId, token, decision) => `${trackOrder(orderId, token)}&quote=${decision}`,
    dashboardOrder: (orderId) => `${dashboardUrl}/#/orders/${encodeURIComponent(orderId)}`,
  };
};

/**
 * The adapters both runtimes share. Table names, endpoints and links come from the
 * environment; what differs per runtime (key, workflow) comes from its composition root.
 */
export const createAdapters = (choices: RuntimeChoices): Adapters => {
  const client = createDocumentClient();
  const orderTableName = requiredEnv(ordersTable.envVar);
  let workflow: CheckoutWorkflow | undefined;
  return {
    orders: new DynamoOrderRepository(client, orderTableName),
    catalog: new DynamoCatalog(client, orderTableName),
    settings: new DynamoSettingsStore(client, orderTableName),
    totals: new DynamoOrderTotals(client, orderTableName),
    audit: new DynamoAuditTrail(client, orderTableName),
    vault: new EncryptedCardVault(client, requiredEnv(cardVaultTable.envVar), choices.keyring),
    gateway: new SandboxGateway(),
    mailer: new SesMailer(),
    links: linksFromEnv(),
    clock: choices.clock ?? { now: () => new Date() },
    ids: randomIds,
    get workflow() {
      return (workflow ??= choices.workflow());
    },
  };
};
