import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../core/errors.js';
import type { AuditEvent, AuditEventPage, AuditTrail } from '../../core/ports.js';
import { type DocumentClient, isConditionFailure } from './client.js';

/**
 * The staff audit trail in the orders table, one partition per UTC day, sorted by time.
 * Items are only ever put under a fresh key (`attribute_not_exists`): nothing here updates or
 * deletes one, and no item carries a TTL.
 */
const auditKey = (at: string, unique: string) => ({ pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${unique}` });

const toEvent = (item: Record<string, unknown>): AuditEvent => {
  const { pk: _pk, sk: _sk, ...event } = item;
  return event as unknown as AuditEvent;
};

export class DynamoAuditTrail implements AuditTrail {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...auditKey(event.at, randomUUID()), ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The key is this write's own: only this very put, sent again after its answer was lost, holds it.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async list(query: { readonly day: string; readonly limit: number; readonly cursor?: string | null }): Promise<AuditEventPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${query.day}` },
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: query.cursor ? decodeCursor(query.cursor, query.day) : undefined,
      }),
    );
    return {
      events: (page.Items ?? []).map(toEvent),
      nextCursor: page.LastEvaluatedKey ? String(page.LastEvaluatedKey.sk) : null,
    };
  }
}

/** The cursor is the last item's sort key; it must belong to the requested day. */
const decodeCursor = (cursor: string, day: string) => {
  if (!cursor.startsWith(`${day}T`)) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
  return { pk: `AUDIT#${day}`, sk: cursor };
};
