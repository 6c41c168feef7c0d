import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../core/order.js';
import { AppError } from '../../core/errors.js';
import { enteredStatusAt } from '../../core/fulfillment.js';
import { type OrderPage, type OrderQuery, type OrderRepository, VersionConflict } from '../../core/ports.js';
import { type DocumentClient, isConditionFailure } from './client.js';

export const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });

/**
 * The item carries the index keys besides the order: `status`/`createdAt` come with it, and
 * `placedAt` only while the order is in ORDER_PLACED (the sparse `byPlacedAt` index). Every
 * write puts the whole item, so the key disappears when the order moves on.
 */
export const toItem = (order: Order) => ({
  ...orderKey(order.id),
  entity: 'order',
  customerEmail: order.customer.email.toLowerCase(),
  ...(order.status === 'ORDER_PLACED' ? { placedAt: enteredStatusAt(order) } : {}),
  ...order,
});

export const fromItem = (item: Record<string, unknown>): Order => {
  const { pk: _pk, sk: _sk, entity: _entity, customerEmail: _email, placedAt: _placedAt, ...order } = item;
  return order as unknown as Order;
};

export class DynamoOrderRepository implements OrderRepository {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async create(order: Order): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: toItem(order), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async get(id: string): Promise<Order | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: orderKey(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async save(next: Order): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': next.version - 1 },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new VersionConflict(`order ${next.id} changed concurrently`);
      throw error;
    }
  }

  async discard(id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: orderKey(id) }));
  }

  async list(query: OrderQuery): Promise<OrderPage> {
    const [indexName, keyName, keyValue] = query.status
      ? ['byStatus', 'status', query.status]
      : query.email
        ? ['byEmail', 'customerEmail', query.email.toLowerCase()]
        : ['byCreated', 'entity', 'order'];
    const range = rangeCondition(query);
    const values: Record<string, unknown> = { ':key': keyValue, ...range.values };
    let filter: string | undefined;
    if (query.status && query.email) {
      filter = 'customerEmail = :email';
      values[':email'] = query.email.toLowerCase();
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `#key = :key${range.expression}`,
      ExpressionAttributeNames: { '#key': keyName },
      ExpressionAttributeValues: values,
      ...(filter ? { FilterExpression: filter } : {}),
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor),
    };
    const page = await this.client.send(new QueryCommand(input));
    return { orders: (page.Items ?? []).map(fromItem), nextCursor: encodeCursor(page.LastEvaluatedKey) };
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

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

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
