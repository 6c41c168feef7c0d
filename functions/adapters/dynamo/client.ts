import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DocumentClient per process; `DYNAMODB_ENDPOINT` points it at DynamoDB Local in the twin. */
export const createDocumentClient = (endpoint = process.env.DYNAMODB_ENDPOINT) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {}), {
    marshallOptions: { removeUndefinedValues: true },
  });

export type DocumentClient = ReturnType<typeof createDocumentClient>;

export const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';
