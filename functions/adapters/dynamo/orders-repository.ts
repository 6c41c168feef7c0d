import {
  DeleteCommand,
  type DeleteCommandInput,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { totalsAdjustments } from '../../core/admin/reports.js';
import { AppError } from '../../core/errors.js';
import type { Order } from '../../core/order.js';
import {
  type LinkedWrite,
  type OrderPage,
  type OrderQuery,
  type OrderRepository,
  type Reservation,
  type StockLine,
  VersionConflict,
} from '../../core/ports.js';
import { shortLines, stockReservationItems } from './catalog.js';
import {
  batchGetAll,
  cancellationCodes,
  type DocumentClient,
  isConditionFailure,
  itemOnConditionFailure,
  ownedPut,
  transactItems,
  transactWrite,
} from './client.js';
import { deflated, inflated } from './deflated.js';
import { totalsUpdates } from './order-totals.js';

export const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });

/**
 * The item carries the index keys besides the order: `status`/`createdAt`/`statusSince` come
 * with it, and `outbox` only while emails wait (the sparse `byPendingEmail` index). Every write
 * puts the whole item, so the key disappears when the last email is sent. The history, the part
 * of an order that only grows (every attempt, email, note and hand-off appends to it) and half of
 * a placed order's size, is stored deflated.
 */
export const toItem = (order: Order) => ({
  ...orderKey(order.id),
  entity: 'order',
  customerEmail: order.customer.email.toLowerCase(),
  ...(order.emailOutbox?.length ? { outbox: 'pending' } : {}),
  ...order,
  history: deflated(JSON.stringify(order.history)),
});

export const fromItem = (item: Record<string, unknown>): Order => {
  const { pk: _pk, sk: _sk, entity: _entity, customerEmail: _email, outbox: _outbox, writeId: _writeId, history, ...order } = item;
  const stored = inflated(history);
  return { ...order, history: typeof stored === 'string' ? JSON.parse(stored) : stored } as unknown as Order;
};

type OrderWrite = { Put: PutCommandInput } | { Delete: DeleteCommandInput };

/**
 * Orders in the single table. Every write that creates, removes or moves an order between
 * statuses updates the daily totals (order-totals.ts) in the same transaction, so the
 * reports stay exact without ever reading the orders.
 */
export class DynamoOrderRepository implements OrderRepository {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async create(order: Order): Promise<void> {
    await this.write(order.id, { Put: { TableName: this.tableName, Item: toItem(order), ConditionExpression: 'attribute_not_exists(pk)' } }, null, order);
  }

  async createReserving(order: Order, lines: readonly StockLine[], linked: readonly LinkedWrite[] = []): Promise<Reservation> {
    if (!order.stock.reserved) throw new Error('an order created with its stock must say so');
    const create = { Put: { TableName: this.tableName, Item: toItem(order), ConditionExpression: 'attribute_not_exists(pk)' } };
    const totals = totalsUpdates(this.tableName, totalsAdjustments(null, order));
    try {
      await transactWrite(this.client, {
        TransactItems: [create, ...totals, ...stockReservationItems(this.tableName, lines), ...transactItems(linked)],
      });
      return { ok: true };
    } catch (error) {
      const shortSkus = shortLines(error, lines, 1 + totals.length);
      if (shortSkus) return { ok: false, shortSkus };
      if (cancellationCodes(error)[0] === 'ConditionalCheckFailed') throw new AppError('conflict', `Order ${order.id} already exists.`);
      throw error;
    }
  }

  async get(id: string): Promise<Order | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: orderKey(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async save(next: Order, previous: Order, linked: readonly LinkedWrite[] = []): Promise<void> {
    await this.write(
      next.id,
      {
        Put: {
          TableName: this.tableName,
          Item: toItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': previous.version },
        },
      },
      previous,
      next,
      linked,
    );
  }

  async discard(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(id);
      if (!current) return;
      try {
        await this.write(
          id,
          {
            Delete: {
              TableName: this.tableName,
              Key: orderKey(id),
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': current.version },
            },
          },
          current,
          null,
        );
        return;
      } catch (error) {
        if (!(error instanceof VersionConflict) || attempt >= 5) throw error;
      }
    }
  }

  async list(query: OrderQuery): Promise<OrderPage> {
    const page = await this.client.send(new QueryCommand({ ...this.indexQuery(query), Limit: query.limit, ExclusiveStartKey: decodeCursor(query.cursor) }));
    const orders = await ordersOfPage(this.client, this.tableName, page.Items);
    // A customer's orders come by email; the status is filtered on the orders read (a page may hold fewer, as with a filter).
    return {
      orders: query.email && query.status ? orders.filter((order) => order.status === query.status) : orders,
      nextCursor: encodeCursor(page.LastEvaluatedKey),
    };
  }

  /**
   * The order write alone when the totals do not move and nothing is linked (most writes:
   * history, emails, stock flags), else the order write, the totals and the linked writes in one
   * transaction.
   */
  private async write(id: string, item: OrderWrite, previous: Order | null, next: Order | null, linked: readonly LinkedWrite[] = []): Promise<void> {
    const totals = totalsUpdates(this.tableName, totalsAdjustments(previous, next));
    // A lost race also brings back the order as it is now: the writer decides again without reading it.
    const owned = 'Put' in item ? ownedPut(item.Put) : null;
    const orderWrite = owned ? { Put: owned.put } : item;
    try {
      if (totals.length || linked.length) await transactWrite(this.client, { TransactItems: [orderWrite, ...totals, ...transactItems(linked)] });
      else if (owned) await this.client.send(new PutCommand(owned.put));
      else if ('Delete' in item) await this.client.send(new DeleteCommand(item.Delete));
    } catch (error) {
      if (isConditionFailure(error) || cancellationCodes(error)[0] === 'ConditionalCheckFailed') {
        const stored = itemOnConditionFailure(error);
        if (owned?.landed(stored)) return;
        throw previous
          ? new VersionConflict(`order ${id} changed concurrently`, stored && fromItem(stored))
          : new AppError('conflict', `Order ${id} already exists.`);
      }
      throw error;
    }
  }

  private indexQuery(query: OrderQuery): QueryCommandInput {
    // A customer's orders are few: by email first, so a page is not spent on other customers'
    // orders of that status.
    const [indexName, keyName, keyValue] = query.email
      ? ['byEmail', 'customerEmail', query.email.toLowerCase()]
      : query.status
        ? ['byStatus', 'status', query.status]
        : ['byCreated', 'entity', 'order'];
    const range = rangeCondition(query);
    return {
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `#key = :key${range.expression}`,
      ExpressionAttributeNames: { '#key': keyName },
      ExpressionAttributeValues: { ':key': keyValue, ...range.values },
      ScanIndexForward: false,
    };
  }
}

const rangeCondition = (query: OrderQuery): { expression: string; values: Record<string, string> } => {
  if (query.createdFrom && query.createdBefore) {
    return { expression: ' AND createdAt BETWEEN :from AND :before', values: { ':from': query.createdFrom, ':before': beforeInclusive(query.createdBefore) } };
  }
  if (query.createdFrom) return { expression: ' AND createdAt >= :from', values: { ':from': query.createdFrom } };
  if (query.createdBefore) return { expression: ' AND createdAt < :before', values: { ':before': query.createdBefore } };
  return { expression: '', values: {} };
};

/** BETWEEN is inclusive; the greatest timestamp string below `before` keeps the upper bound exclusive. */
const beforeInclusive = (before: string) => new Date(Date.parse(before) - 1).toISOString();

/**
 * The orders an index page names, read from the table (strongly consistent) in the page's order:
 * the indexes hold keys, not orders (contract/tables.ts). An order gone meanwhile is left out.
 */
export const ordersOfPage = async (client: DocumentClient, tableName: string, items: readonly Record<string, unknown>[] | undefined): Promise<Order[]> => {
  if (!items?.length) return [];
  const stored = await batchGetAll(
    client,
    tableName,
    items.map(({ pk, sk }) => ({ pk, sk })),
  );
  const found = new Map(stored.map((item) => [item.pk, item]));
  return items.flatMap(({ pk }) => {
    const item = found.get(pk);
    return item ? [fromItem(item)] : [];
  });
};

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null);

export const decodeCursor = (cursor: string | null | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key;
  } catch {
    // fall through to the validation error
  }
  throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
};
