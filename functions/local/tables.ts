import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { IndexDefinition, KeyAttribute, TableDefinition } from '../../contract/tables.js';

const projection = (index: IndexDefinition) =>
  index.projectedAttributes.length
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projectedAttributes] }
    : { ProjectionType: 'KEYS_ONLY' as const };

const attributeDefinitions = (keys: readonly KeyAttribute[]) =>
  [...new Map(keys.map((k) => [k.name, k])).values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type }));

/** Adds indexes a newer definition has and a table kept on disk lacks (DynamoDB backfills them). */
const addMissingIndexes = async (client: DynamoDBClient, definition: TableDefinition, tableName: string, table: TableDescription | undefined) => {
  const existing = new Set((table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of definition.globalSecondaryIndexes.filter((i: IndexDefinition) => !existing.has(i.indexName))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions([index.partitionKey, index.sortKey]),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
              ],
              Projection: projection(index),
            },
          },
        ],
      }),
    );
  }
  if (existing.size === definition.globalSecondaryIndexes.length) return;
  for (let waited = 0; waited < 60_000; waited += 200) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if ((Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the indexes of ${tableName} did not become active within 60 s`);
};

/**
 * Creates a table from its shared definition unless it exists (SPEC §10: created on start if
 * missing); an existing table gets the indexes added since it was created.
 */
export const ensureTable = async (client: DynamoDBClient, definition: TableDefinition, tableName: string) => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(client, definition, tableName, Table);
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const keys = [definition.partitionKey, definition.sortKey, ...definition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions(keys),
      KeySchema: [
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
      ],
      ...(definition.globalSecondaryIndexes.length
        ? {
            GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
              ],
              Projection: projection(index),
            })),
          }
        : {}),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    }),
  );
};
