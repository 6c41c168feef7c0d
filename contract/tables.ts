/**
 * Table definitions, declared once: the CDK stack builds DynamoDB tables from them and the
 * local twin creates the same tables in DynamoDB Local.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /**
   * Attributes the index holds besides the keys (none: keys only). Readers fetch the orders by
   * key: an index that held whole orders would be rewritten, at the order's size, on every
   * order write, while a keys-only entry changes only when its keys do.
   */
  readonly projectedAttributes: readonly string[];
}

export interface TableDefinition {
  /** Construct id in the stack and the suffix of the local table name. */
  readonly id: string;
  /** Environment variable through which handlers learn the physical table name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly timeToLiveAttribute: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Continuous backups (35 days of point-in-time recovery): off only where data must not outlive its item. */
  readonly pointInTimeRecovery: boolean;
}

/**
 * Orders, products, settings and idempotency records share one table (single-table design).
 * Only order items carry `status`, `customerEmail` and `entity`, so the indexes are sparse.
 * `byStatus` also holds when each order entered its status (`statusSince`, which changes only
 * with the status, so it rewrites no entry that the status change does not): the stuck-order
 * monitor reads the ORDER_PLACED partition, filtered there to the orders placed before its
 * cutoff, so what it reads grows with the orders awaiting their hand-off, never with the table.
 * `outbox` is set only while an order has emails waiting to be sent, so `byPendingEmail` holds
 * exactly those: the scheduled run drains what the event-driven drain left (a mail server that
 * was down).
 */
export const ordersTable = {
  id: 'Orders',
  envVar: 'ORDERS_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: 'byStatus',
      partitionKey: { name: 'status', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      projectedAttributes: ['statusSince'],
    },
    { indexName: 'byEmail', partitionKey: { name: 'customerEmail', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' }, projectedAttributes: [] },
    { indexName: 'byCreated', partitionKey: { name: 'entity', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' }, projectedAttributes: [] },
    { indexName: 'byPendingEmail', partitionKey: { name: 'outbox', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' }, projectedAttributes: [] },
  ],
  pointInTimeRecovery: true,
} as const satisfies TableDefinition;

/** The card tables' items: keyed by order, expiring on their own, read only by key. */
const cardItems = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [],
} as const;

/** Held cards (an authorization did not go through), encrypted, kept apart from orders (SPEC §7.6); TTL is only the physical clean-up. */
export const cardVaultTable = { id: 'CardVault', envVar: 'CARD_VAULT_TABLE', ...cardItems, pointInTimeRecovery: true } as const satisfies TableDefinition;

/**
 * A card being authorized with its CVC, encrypted, one item per attempt with a minutes-long TTL,
 * deleted when the attempt ends. Its own table so that no backup keeps it: a CVC must not be
 * stored after the authorization (SPEC §7.2, PCI DSS 3.3.1.2), and point-in-time recovery
 * would keep every deleted CVC restorable for 35 days; nor does a backup keep an approved
 * card, which is never held.
 */
export const cardCvcTable = { id: 'CardCvc', envVar: 'CARD_CVC_TABLE', ...cardItems, pointInTimeRecovery: false } as const satisfies TableDefinition;

export const tables: readonly TableDefinition[] = [ordersTable, cardVaultTable, cardCvcTable];
