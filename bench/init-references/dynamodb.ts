/** Init reference: a function that only constructs a DynamoDB DocumentClient (the issue measured +34 ms for this). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => client.config.region();
