import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { linkEnv, mailEnv, paymentEnv, resourceEnv } from '../../contract/environment.js';
import { cardCvcTable, cardVaultTable, ordersTable } from '../../contract/tables.js';
import type { CardKey, CardPurpose } from './card-key.js';
import type { CheckoutWorkflow } from './checkout-workflow.js';
import type { Fulfillment } from './fulfillment.js';
import type { StuckOrderMonitor } from './monitor.js';
import type { NodeFunction } from './node-function.js';
import type { PaymentSecrets } from './payment-secrets.js';
import type { StaffAuth } from './staff-auth.js';
import type { DataTables, VaultRights } from './tables.js';

/**
 * What a function may touch, named once: the access tables of the checkout steps and the API
 * functions are lists of these, and each grants exactly the IAM rights (and sets the
 * environment) that its code needs.
 */
export type Access =
  /** The orders table and its indexes (audit items append-only). */
  | 'orders'
  /**
   * Take a card for an attempt: encrypt it with its CVC into the attempt table; end the attempt
   * (keeping a held card without its CVC, or forgetting an attempt no outcome ended); delete a held card.
   */
  | 'sealCards'
  /** Read a card with its CVC to authorize it; hold it, without its CVC, when it did not go through. */
  | 'openCards'
  /** Read a held card (never its CVC) to reveal or charge it; delete it once charged. */
  | 'openHeldCards'
  /** Keep a held card without its CVC (offline, incomplete): the attempt item is deleted. */
  | 'keepCards'
  /** Delete held cards and their CVCs (placed, cancelled, approved, compensated). */
  | 'purgeCards'
  | 'sendEmail'
  | 'startCheckout'
  | 'callGateway'
  /** Know which gateway is configured (a sandbox order is a test order), without calling it. */
  | 'knowGateway'
  /** Keyed fingerprints of cards and requests (SPEC §12). */
  | 'fingerprint'
  /** Publish the PaymentAttempts and PaymentDeclines metrics the decline-ratio alarm watches. */
  | 'paymentMetrics'
  | 'publishOrderEvents'
  /** Publish `OrderEmailsPending` alone: an order's outbox has emails for the mail function. */
  | 'announceEmails'
  | 'pushFulfillment'
  | 'runMonitor'
  | 'verifyStaffTokens'
  /** Change the sender setting, within the verified SES identity. */
  | 'checkSender';

export interface AccessResources {
  readonly tables: DataTables;
  readonly cardKey: CardKey;
  readonly mail: { readonly identity: IEmailIdentity; readonly verifiedIdentity: string };
  readonly secrets: PaymentSecrets;
  readonly fulfillment: Fulfillment;
  readonly monitor: StuckOrderMonitor;
  readonly checkout?: CheckoutWorkflow;
  readonly staffAuth?: StaffAuth;
}

interface Rule {
  readonly grant: (fn: NodeFunction) => void;
  /** Variables the code behind this access reads. */
  readonly environment: () => Record<string, string>;
  /** Reads a secret at run time through the Parameters and Secrets extension. */
  readonly readsSecrets?: boolean;
}

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} must exist before a function is granted access to it`);
  return value;
};

type KeyUse = { readonly use: 'seal' | 'open'; readonly purposes: readonly CardPurpose[] };

const vault = (r: AccessResources, rights: VaultRights, ...keyUses: readonly KeyUse[]): Rule => ({
  grant: (fn) => {
    r.tables.grantVault(fn, rights);
    for (const { use, purposes } of keyUses) r.cardKey.allow(fn.role!, use, purposes);
  },
  environment: () => ({
    [cardVaultTable.envVar]: r.tables.cardVault.tableName,
    [cardCvcTable.envVar]: r.tables.cardCvc.tableName,
    ...(keyUses.length ? { [resourceEnv.cardKeyArn]: r.cardKey.key.keyArn } : {}),
  }),
});

const orderEventsEnvironment = (r: AccessResources) => ({ [resourceEnv.orderEventsBus]: r.fulfillment.bus.eventBusName });

const rules = (r: AccessResources): Record<Access, Rule> => ({
  orders: { grant: (fn) => r.tables.grantOrdersReadWrite(fn), environment: () => ({}) },
  sealCards: vault(
    r,
    { cards: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], cvcs: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    { use: 'seal', purposes: ['card-attempt'] },
  ),
  openCards: vault(
    r,
    { cards: ['dynamodb:PutItem'], cvcs: ['dynamodb:GetItem'] },
    { use: 'open', purposes: ['card-attempt'] },
    { use: 'seal', purposes: ['card-hold'] },
  ),
  openHeldCards: vault(r, { cards: ['dynamodb:GetItem', 'dynamodb:DeleteItem'], cvcs: ['dynamodb:DeleteItem'] }, { use: 'open', purposes: ['card-hold'] }),
  keepCards: vault(r, { cards: ['dynamodb:UpdateItem'], cvcs: ['dynamodb:DeleteItem'] }),
  purgeCards: vault(r, { cards: ['dynamodb:DeleteItem'], cvcs: ['dynamodb:DeleteItem'] }),
  sendEmail: { grant: (fn) => r.mail.identity.grantSendEmail(fn), environment: () => ({}) },
  startCheckout: {
    grant: (fn) => required(r.checkout, 'the checkout workflow').stateMachine.grantStartSyncExecution(fn),
    environment: () => ({ [resourceEnv.checkoutStateMachineArn]: required(r.checkout, 'the checkout workflow').stateMachine.stateMachineArn }),
  },
  callGateway: { grant: (fn) => r.secrets.grantGateway(fn), environment: () => r.secrets.gatewayEnvironment, readsSecrets: true },
  knowGateway: { grant: () => undefined, environment: () => ({ [paymentEnv.gateway]: r.secrets.gateway }) },
  fingerprint: { grant: (fn) => r.secrets.grantFingerprint(fn), environment: () => r.secrets.fingerprintEnvironment, readsSecrets: true },
  paymentMetrics: { grant: () => undefined, environment: () => r.monitor.metricsEnvironment },
  publishOrderEvents: { grant: (fn) => r.fulfillment.grantPublish(fn), environment: () => orderEventsEnvironment(r) },
  announceEmails: { grant: (fn) => r.fulfillment.grantAnnounceEmails(fn), environment: () => orderEventsEnvironment(r) },
  pushFulfillment: { grant: (fn) => r.fulfillment.grantPush(fn), environment: () => ({}), readsSecrets: true },
  runMonitor: { grant: (fn) => r.monitor.grantRun(fn, { tables: r.tables, mailIdentity: r.mail.identity }), environment: () => ({}) },
  verifyStaffTokens: { grant: () => undefined, environment: () => required(r.staffAuth, 'staff sign-in').tokenEnvironment },
  checkSender: { grant: () => undefined, environment: () => ({ [mailEnv.verifiedIdentity]: r.mail.verifiedIdentity }) },
});

/** What every function reads: the orders table, the default sender, and the links in emails. */
export const baseEnvironment = (tables: DataTables, links: { storeUrl: string; dashboardUrl: string }, fromEmail: string): Record<string, string> => ({
  [ordersTable.envVar]: tables.orders.tableName,
  [mailEnv.from]: fromEmail,
  [linkEnv.storeUrl]: links.storeUrl,
  [linkEnv.dashboardUrl]: links.dashboardUrl,
});

export const accessEnvironment = (r: AccessResources, accesses: readonly Access[]): Record<string, string> => {
  const granted = rules(r);
  return Object.assign({}, ...accesses.map((access) => granted[access].environment()));
};

/** Whether the function needs the Parameters and Secrets extension. */
export const readsSecrets = (r: AccessResources, accesses: readonly Access[]): boolean => {
  const granted = rules(r);
  return accesses.some((access) => granted[access].readsSecrets);
};

/** Grants each access to the function (its environment is set by the caller, see `accessEnvironment`). */
export const grantAccess = (fn: NodeFunction, accesses: readonly Access[], r: AccessResources): void => {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const granted = rules(r);
  for (const access of accesses) granted[access].grant(fn);
};
