import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NoticeLedger } from '../../core/ports.js';
import { type DocumentClient, isConditionFailure, itemOnConditionFailure, ownedPut } from './client.js';

const noticeKey = (key: string) => ({ pk: 'NOTICE', sk: key });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Notices sent once per period, as items in the orders table. A conditional put makes exactly
 * one caller the sender; TTL (`expiresAt`) clears old records, and reads check expiry because
 * TTL lags (and DynamoDB Local never deletes).
 */
export class DynamoNoticeLedger implements NoticeLedger {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async has(key: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: noticeKey(key), ConsistentRead: true }));
    return Item !== undefined && (typeof Item.expiresAt !== 'number' || Item.expiresAt > epochSeconds(this.now()));
  }

  async claim(key: string, expiresAt: Date): Promise<boolean> {
    const { put, landed } = ownedPut({
      TableName: this.tableName,
      Item: { ...noticeKey(key), claimedAt: this.now().toISOString(), expiresAt: epochSeconds(expiresAt) },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': epochSeconds(this.now()) },
    });
    try {
      await this.client.send(new PutCommand(put));
      return true;
    } catch (error) {
      // Its own claim sent again is still its claim: the notice must go out.
      if (isConditionFailure(error)) return landed(itemOnConditionFailure(error));
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: noticeKey(key) }));
  }
}
