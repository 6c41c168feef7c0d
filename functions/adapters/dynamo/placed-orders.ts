import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderPage, PendingEmailIndex, PlacedOrderIndex } from '../../core/ports.js';
import type { DocumentClient } from './client.js';
import { decodeCursor, encodeCursor, ordersOfPage } from './orders-repository.js';

/**
 * Orders in ORDER_PLACED through the `byStatus` index (contract/tables.ts): a query reads only
 * orders waiting for their hand-off, however large the table grows, and keeps those placed
 * before the cutoff on the index, by the `statusSince` it holds (an order is placed after it is
 * created, so the creation time bounds the partition read too).
 */
export class DynamoPlacedOrderIndex implements PlacedOrderIndex {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async listPlacedUpTo(query: { placedUpTo: string; limit: number; cursor?: string | null }): Promise<OrderPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: '#status = :placed AND createdAt <= :upTo',
        // An order without `statusSince` counts from its creation (enteredStatusAt).
        FilterExpression: 'attribute_not_exists(statusSince) OR statusSince <= :upTo',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':placed': 'ORDER_PLACED', ':upTo': query.placedUpTo },
        ScanIndexForward: true,
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(query.cursor),
      }),
    );
    return { orders: await ordersOfPage(this.client, this.tableName, page.Items), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }
}

/** Orders with emails waiting in their outbox, through the sparse `byPendingEmail` index. */
export class DynamoPendingEmailIndex implements PendingEmailIndex {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async listWithPendingEmails(query: { limit: number; cursor?: string | null }): Promise<OrderPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byPendingEmail',
        KeyConditionExpression: 'outbox = :pending',
        ExpressionAttributeValues: { ':pending': 'pending' },
        ScanIndexForward: true,
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(query.cursor),
      }),
    );
    return { orders: await ordersOfPage(this.client, this.tableName, page.Items), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }
}
