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
/** The CVC lives in an item of its own, with a short expiry: it cannot outlive the attempt it was given for. */
const cvcKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CVC#${ref}` });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Longer than the checkout workflow may run (it times out before the API gives up), short enough to be no store. */
export const cvcLifetimeMs = 5 * 60 * 1000;
const isLive = (item: Record<string, unknown> | undefined, now: Date) =>
  item !== undefined && !(typeof item.expiresAt === 'number' && item.expiresAt <= epochSeconds(now));

/**
 * Card data encrypted field-level with the AWS Encryption SDK (KMS in AWS, raw AES locally).
 * Every ciphertext is bound to its order and purpose by encryption context, checked on decrypt.
 * Expiry is checked on every read: TTL deletion lags (and never happens in DynamoDB Local).
 */
export class EncryptedCardVault implements CardVault {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly keyring: KeyringNode,
    private readonly clock: () => Date = () => new Date(),
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
    if (cvc) {
      const cvcExpiry = new Date(Math.min(this.clock().getTime() + cvcLifetimeMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY));
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...cvcKey(orderId, ref), cvc: await this.seal(orderId, 'card-cvc', cvc), expiresAt: epochSeconds(cvcExpiry) },
        }),
      );
    }
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...vaultKey(orderId, ref),
          card: await this.seal(orderId, 'card-hold', JSON.stringify(held)),
          ...(expiresAt ? { expiresAt: epochSeconds(expiresAt) } : {}),
        },
      }),
    );
    return ref;
  }

  async read(orderId: string, ref: string, now: Date): Promise<CardDetails | null> {
    const [{ Item }, { Item: cvcItem }] = await Promise.all([
      this.client.send(new GetCommand({ TableName: this.tableName, Key: vaultKey(orderId, ref), ConsistentRead: true })),
      this.client.send(new GetCommand({ TableName: this.tableName, Key: cvcKey(orderId, ref), ConsistentRead: true })),
    ]);
    if (!Item || !isLive(Item, now)) return null;
    const card = JSON.parse(await this.open(orderId, 'card-hold', Item.card)) as CardDetails;
    return cvcItem && isLive(cvcItem, now) ? { ...card, cvc: await this.open(orderId, 'card-cvc', cvcItem.cvc) } : card;
  }

  async keepWithoutCvc(orderId: string, ref: string, expiresAt: Date | null, now: Date): Promise<boolean> {
    await this.forgetCvc(orderId, ref);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vaultKey(orderId, ref),
          UpdateExpression: expiresAt ? 'SET expiresAt = :expiresAt' : 'REMOVE expiresAt',
          // Only a hold that is still live may be kept: an expired one is gone, whatever TTL has done.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
          ExpressionAttributeValues: { ':now': epochSeconds(now), ...(expiresAt ? { ':expiresAt': epochSeconds(expiresAt) } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async forgetCvc(orderId: string, ref: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: cvcKey(orderId, ref) }));
  }

  async purge(orderId: string, ref: string): Promise<void> {
    await Promise.all([
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: cvcKey(orderId, ref) })),
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: vaultKey(orderId, ref) })),
    ]);
  }
}
