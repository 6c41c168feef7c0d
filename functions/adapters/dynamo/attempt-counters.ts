import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptCounters } from '../../core/ports.js';
import { batchGetAll, type DocumentClient } from './client.js';

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

  /** All keys in one request (the card's and the client's counters are read on every card attempt). */
  async read(keys: readonly string[], now: Date): Promise<number[]> {
    const items = await batchGetAll(this.client, this.tableName, [...new Set(keys)].map(counterKey));
    const counts = new Map(
      items
        // TTL deletion lags (and never happens in DynamoDB Local): an expired counter counts nothing.
        .filter((item) => typeof item.count === 'number' && (item.expiresAt as number) > epochSeconds(now))
        .map((item) => [item.pk as string, item.count as number]),
    );
    return keys.map((key) => counts.get(counterKey(key).pk) ?? 0);
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
