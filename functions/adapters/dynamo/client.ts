import { randomUUID } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  type PutCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { LinkedWrite } from '../../core/ports.js';

/**
 * The SDK's logger middleware redacts every command's input and output for `logger.info` before
 * calling it, even when the logger discards them (a walk over the whole item, on every request):
 * with no `info` and `error` it skips both. Nothing here logs through the SDK.
 */
const noSdkLogging = { debug: () => undefined, warn: () => undefined } as unknown as NonNullable<DynamoDBClientConfig['logger']>;

/** One DocumentClient per process; `DYNAMODB_ENDPOINT` points it at DynamoDB Local in the twin. */
export const createDocumentClient = (endpoint = process.env.DYNAMODB_ENDPOINT) =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...(endpoint ? { endpoint } : {}), logger: noSdkLogging }), {
    marshallOptions: { removeUndefinedValues: true },
  });

export type DocumentClient = ReturnType<typeof createDocumentClient>;

export const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The item a write whose condition failed brought back (`ReturnValuesOnConditionCheckFailure`),
 * from a single write or the first item of a transaction (where the conditional write goes), or
 * null. DynamoDB returns it in its attribute-value form, even through the DocumentClient.
 */
export const itemOnConditionFailure = (error: unknown): Record<string, unknown> | null => {
  const failure = error as { Item?: Record<string, AttributeValue>; CancellationReasons?: { Item?: Record<string, AttributeValue> }[] };
  const item = failure.Item ?? failure.CancellationReasons?.[0]?.Item;
  return item ? unmarshall(item) : null;
};

/**
 * A conditional put that can tell its own write. The SDK sends a request again when its answer
 * is lost: a transaction is then a no-op (the SDK gives it a ClientRequestToken), but a single
 * put fails its condition against itself. Each put carries an id of its own and asks for the
 * stored item on failure; `landed` says whether that item is this very put.
 */
export const ownedPut = (input: PutCommandInput) => {
  const writeId = randomUUID();
  return {
    put: { ...input, Item: { ...input.Item, writeId }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const },
    landed: (stored: Record<string, unknown> | null): boolean => stored?.writeId === writeId,
  };
};

const maxConflictRetries = 8;

/**
 * A transaction that may meet another one on an item both write (a day's totals, a product's
 * stock): DynamoDB cancels one of them with `TransactionConflict`, which is retried here after
 * a short jittered wait. Condition failures are left to the caller.
 */
export const transactWrite = async (client: DocumentClient, input: TransactWriteCommandInput): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= maxConflictRetries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
};

export const cancellationCodes = (error: unknown): (string | undefined)[] =>
  (error as Error).name === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code)
    : [];

const isTransactionConflict = (error: unknown) =>
  (error as Error).name === 'TransactionConflictException' || cancellationCodes(error).includes('TransactionConflict');

/** Strongly consistent reads of up to any number of keys, 100 per request, unprocessed keys asked again. */
export const batchGetAll = async (client: DocumentClient, tableName: string, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (pending?.length) {
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(Responses?.[tableName] ?? []));
      pending = UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
};

/** One item of a DynamoDB transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** In this runtime a write linked to an order's (core's opaque `LinkedWrite`) is a transaction item. */
export const linkedWrite = (item: TransactItem): LinkedWrite => item as unknown as LinkedWrite;
export const transactItems = (writes: readonly LinkedWrite[]): TransactItem[] => writes as unknown as TransactItem[];
