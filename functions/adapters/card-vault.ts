import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type KeyringNode,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CardDetails } from '../core/card.js';
import type { CardVault } from '../core/ports.js';
import { type DocumentClient, isConditionFailure } from './dynamo/client.js';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** Committing, unsigned suite: smaller and faster than the signed default, still key-committing. */
const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

type Purpose = 'card-hold' | 'card-cvc';

export const kmsKeyring = (keyArn: string): KeyringNode => new KmsKeyringNode({ generatorKeyId: keyArn });

export const rawAesKeyring = (key: Uint8Array): KeyringNode =>
  new RawAesKeyringNode({
    keyName: 'local-card-key',
    keyNamespace: 'orders-local',
    unencryptedMasterKey: key,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

const vaultKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CARD#${ref}` });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Card data encrypted field-level with the AWS Encryption SDK (KMS in AWS, raw AES locally).
 * Every ciphertext is bound to its order and purpose by encryption context, checked on decrypt.
 */
export class EncryptedCardVault implements CardVault {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly keyring: KeyringNode,
  ) {}

  private async seal(orderId: string, purpose: Purpose, plaintext: string): Promise<Uint8Array> {
    const { result } = await encrypt(this.keyring, plaintext, { encryptionContext: { orderId, purpose }, suiteId });
    return result;
  }

  /** The SDK does not compare the context for us: a ciphertext moved to another order must not open. */
  private async open(orderId: string, purpose: Purpose, ciphertext: Uint8Array): Promise<string> {
    const { plaintext, messageHeader } = await decrypt(this.keyring, ciphertext);
    const context = messageHeader.encryptionContext;
    if (context.orderId !== orderId || context.purpose !== purpose) {
      throw new Error('card ciphertext does not belong to this order');
    }
    return plaintext.toString('utf8');
  }

  async hold(orderId: string, card: CardDetails, expiresAt: Date | null): Promise<string> {
    const ref = randomUUID();
    const { cvc, ...held } = card;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...vaultKey(orderId, ref),
          card: await this.seal(orderId, 'card-hold', JSON.stringify(held)),
          ...(cvc ? { cvc: await this.seal(orderId, 'card-cvc', cvc) } : {}),
          ...(expiresAt ? { expiresAt: epochSeconds(expiresAt) } : {}),
        },
      }),
    );
    return ref;
  }

  async read(orderId: string, ref: string, now: Date): Promise<CardDetails | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: vaultKey(orderId, ref), ConsistentRead: true }));
    // TTL deletion lags (and never happens in DynamoDB Local): an expired hold is gone.
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt <= epochSeconds(now))) return null;
    const card = JSON.parse(await this.open(orderId, 'card-hold', Item.card)) as CardDetails;
    return Item.cvc ? { ...card, cvc: await this.open(orderId, 'card-cvc', Item.cvc) } : card;
  }

  async keepWithoutCvc(orderId: string, ref: string, expiresAt: Date | null): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vaultKey(orderId, ref),
          UpdateExpression: expiresAt ? 'REMOVE cvc SET expiresAt = :expiresAt' : 'REMOVE cvc, expiresAt',
          ConditionExpression: 'attribute_exists(pk)',
          ...(expiresAt ? { ExpressionAttributeValues: { ':expiresAt': epochSeconds(expiresAt) } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async purge(orderId: string, ref: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: vaultKey(orderId, ref) }));
  }
}
