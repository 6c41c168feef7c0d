import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../core/order.js';
import { type OrderRepository, VersionConflict } from '../../core/ports.js';
import { type DocumentClient, isConditionFailure } from './client.js';

export const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });

/** The item carries the index keys besides the order: `status`/`createdAt` come with it. */
const toItem = (order: Order) => ({ ...orderKey(order.id), entity: 'order', customerEmail: order.customer.email.toLowerCase(), ...order });

export const fromItem = (item: Record<string, unknown>): Order => {
  const { pk: _pk, sk: _sk, entity: _entity, customerEmail: _email, ...order } = item;
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
}
