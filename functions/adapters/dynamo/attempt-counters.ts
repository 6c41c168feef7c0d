import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptCounters } from '../../core/ports.js';
import type { DocumentClient } from './client.js';

const counterKey = (key: string) => ({ pk: `COUNTER#${key}`, sk: 'COUNTER' });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Counters as items in the orders table, each with its expiry (`expiresAt`, the table's TTL
 * attribute). Keys are keyed fingerprints, never a card number or an address in the clear.
 */
export class DynamoAttemptCounters implements AttemptCounters {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async read(keys: readonly string[], now: Date): Promise<number[]> {
    return Promise.all(
      keys.map(async (key) => {
        const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: counterKey(key), ConsistentRead: true }));
        // TTL deletion lags (and never happens in DynamoDB Local): an expired counter counts nothing.
        return Item && typeof Item.count === 'number' && Item.expiresAt > epochSeconds(now) ? Item.count : 0;
      }),
    );
  }

  async increment(keys: readonly string[], expiresAt: Date): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: counterKey(key),
            UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':expiresAt': epochSeconds(expiresAt) },
          }),
        ),
      ),
    );
  }
}
