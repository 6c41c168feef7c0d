/** Init reference: the DocumentClient and the Encryption SDK with a KMS keyring, nothing else (the issue measured +81 ms for this). */
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const keyring = new KmsKeyringNode({ generatorKeyId: 'arn:aws:kms:us-east-1:000000000000:key/reference' });
const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

export const handler = async () => [client.config.region(), keyring, encrypt];
