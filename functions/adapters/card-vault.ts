import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CardDetails } from '../core/card.js';
import type { CardVault, LinkedWrite } from '../core/ports.js';
import type { CardCipher } from './card-cipher.js';
import { type DocumentClient, isConditionFailure, linkedWrite } from './dynamo/client.js';

/**
 * For functions that only delete held cards (the admin API): no key, so nothing to seal or
 * open with, and no Encryption SDK in their bundle.
 */
export const noCardKey: CardCipher = {
  seal: () => Promise.reject(new Error('this function has no card key: it may delete held cards, never seal them')),
  open: () => Promise.reject(new Error('this function has no card key: it may delete held cards, never open them')),
};

const vaultKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CARD#${ref}` });
/** The CVC lives in an item of its own, in a table without backups, with a short expiry: it cannot outlive the attempt it was given for. */
const cvcKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CVC#${ref}` });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Longer than the checkout workflow may run (it times out before the API gives up), short enough to be no store. */
export const cvcLifetimeMs = 5 * 60 * 1000;
const isLive = (item: Record<string, unknown> | undefined, now: Date) =>
  item !== undefined && !(typeof item.expiresAt === 'number' && item.expiresAt <= epochSeconds(now));

/** The vault's two tables: held cards, and the CVCs of cards being authorized (no backups). */
export interface VaultTables {
  readonly cards: string;
  readonly cvcs: string;
}

/**
 * Held cards in their own table, encrypted field-level by the cipher (the AWS Encryption SDK:
 * KMS in AWS, raw AES locally), each ciphertext bound to its order and purpose. Expiry is checked on every read: TTL deletion lags (and never happens in DynamoDB Local).
 */
export class EncryptedCardVault implements CardVault {
  constructor(
    private readonly client: DocumentClient,
    private readonly tables: VaultTables,
    private readonly cipher: CardCipher,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async prepareHold(orderId: string, card: CardDetails, expiresAt: Date | null): Promise<{ ref: string; writes: LinkedWrite[] }> {
    const ref = randomUUID();
    const { cvc, ...held } = card;
    // Two data keys (one per purpose), asked for at once.
    const [sealedCard, sealedCvc] = await Promise.all([
      this.cipher.seal(orderId, 'card-hold', JSON.stringify(held)),
      cvc ? this.cipher.seal(orderId, 'card-cvc', cvc) : null,
    ]);
    const cardItem = { ...vaultKey(orderId, ref), card: sealedCard, ...(expiresAt ? { expiresAt: epochSeconds(expiresAt) } : {}) };
    const writes = [linkedWrite({ Put: { TableName: this.tables.cards, Item: cardItem } })];
    if (sealedCvc) {
      const cvcExpiry = new Date(Math.min(this.clock().getTime() + cvcLifetimeMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY));
      writes.push(linkedWrite({ Put: { TableName: this.tables.cvcs, Item: { ...cvcKey(orderId, ref), cvc: sealedCvc, expiresAt: epochSeconds(cvcExpiry) } } }));
    }
    return { ref, writes };
  }

  async read(orderId: string, ref: string, now: Date): Promise<CardDetails | null> {
    // Card and CVC are read and opened side by side (two KMS decrypts at once).
    const [card, cvc] = await Promise.all([
      this.readHeld(orderId, ref, now),
      this.client
        .send(new GetCommand({ TableName: this.tables.cvcs, Key: cvcKey(orderId, ref), ConsistentRead: true }))
        .then(({ Item }) => (Item && isLive(Item, now) ? this.cipher.open(orderId, 'card-cvc', Item.cvc) : null)),
    ]);
    if (!card) return null;
    return cvc ? { ...card, cvc } : card;
  }

  async readHeld(orderId: string, ref: string, now: Date): Promise<CardDetails | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.cards, Key: vaultKey(orderId, ref), ConsistentRead: true }));
    if (!Item || !isLive(Item, now)) return null;
    return JSON.parse(await this.cipher.open(orderId, 'card-hold', Item.card)) as CardDetails;
  }

  async keepWithoutCvc(orderId: string, ref: string, expiresAt: Date | null, now: Date): Promise<boolean> {
    await this.forgetCvc(orderId, ref);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.cards,
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
    await this.client.send(new DeleteCommand({ TableName: this.tables.cvcs, Key: cvcKey(orderId, ref) }));
  }

  /** The CVC and the card: what a purge deletes, with an order's write or on its own. */
  private purgeDeletes(orderId: string, ref: string) {
    return [
      { TableName: this.tables.cvcs, Key: cvcKey(orderId, ref) },
      { TableName: this.tables.cards, Key: vaultKey(orderId, ref) },
    ];
  }

  purgeWrites(orderId: string, ref: string): LinkedWrite[] {
    return this.purgeDeletes(orderId, ref).map((Delete) => linkedWrite({ Delete }));
  }

  async purge(orderId: string, ref: string): Promise<void> {
    await Promise.all(this.purgeDeletes(orderId, ref).map((item) => this.client.send(new DeleteCommand(item))));
  }
}
