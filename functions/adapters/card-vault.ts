import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CardDetails } from '../core/card.js';
import type { CardVault } from '../core/ports.js';
import type { CardCipher } from './card-cipher.js';
import { type DocumentClient, isConditionFailure } from './dynamo/client.js';

/**
 * For functions that only delete held cards (the admin API): no key, so nothing to seal or
 * open with, and no Encryption SDK in their bundle.
 */
export const noCardKey: CardCipher = {
  seal: () => Promise.reject(new Error('this function has no card key: it may delete held cards, never seal them')),
  open: () => Promise.reject(new Error('this function has no card key: it may delete held cards, never open them')),
};

const vaultKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CARD#${ref}` });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Held cards in their own table, encrypted field-level by the cipher (the AWS Encryption SDK:
 * KMS in AWS, raw AES locally), each ciphertext bound to its order and purpose.
 */
export class EncryptedCardVault implements CardVault {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly cipher: CardCipher,
  ) {}

  async hold(orderId: string, card: CardDetails, expiresAt: Date | null): Promise<string> {
    const ref = randomUUID();
    const { cvc, ...held } = card;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...vaultKey(orderId, ref),
          card: await this.cipher.seal(orderId, 'card-hold', JSON.stringify(held)),
          ...(cvc ? { cvc: await this.cipher.seal(orderId, 'card-cvc', cvc) } : {}),
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
    const card = JSON.parse(await this.cipher.open(orderId, 'card-hold', Item.card)) as CardDetails;
    return Item.cvc ? { ...card, cvc: await this.cipher.open(orderId, 'card-cvc', Item.cvc) } : card;
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
