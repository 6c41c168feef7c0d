import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../core/idempotency.js';
import { type DocumentClient, isConditionFailure, itemOnConditionFailure, ownedPut } from './client.js';
import { deflated, inflated } from './deflated.js';

const keyOf = (key: string) => ({ pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Idempotency records in the orders table: a fingerprint, a state and the first response (its body deflated); TTL 24 h. */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(key: string, fingerprint: string, now: Date, expiresAt: Date, staleBefore: Date): Promise<IdempotencyClaim> {
    const { put, landed } = ownedPut({
      TableName: this.tableName,
      Item: { ...keyOf(key), fingerprint, state: 'in_progress', claimedAt: now.toISOString(), expiresAt: epochSeconds(expiresAt) },
      // Free when absent, expired (TTL lags) or abandoned mid-flight by a request that died.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :inProgress AND claimedAt < :stale)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':now': epochSeconds(now), ':inProgress': 'in_progress', ':stale': staleBefore.toISOString() },
    });
    try {
      await this.client.send(new PutCommand(put));
      return { kind: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The record that holds the key comes back with the failure: no read.
      const held = itemOnConditionFailure(error);
      if (landed(held)) return { kind: 'claimed' };
      if (!held) return this.claim(key, fingerprint, now, expiresAt, staleBefore);
      const fingerprintHeld = held.fingerprint as string;
      if (held.state !== 'completed') return { kind: 'in_progress', fingerprint: fingerprintHeld };
      const response = held.response as StoredResponse;
      return { kind: 'completed', fingerprint: fingerprintHeld, response: { ...response, body: inflated(response.body) } as StoredResponse };
    }
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(key),
        UpdateExpression: 'SET #state = :completed, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        // The body deflated: the record's write is then one unit, not two.
        ExpressionAttributeValues: { ':completed': 'completed', ':response': { ...response, body: deflated(response.body) } },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(key) }));
  }
}
