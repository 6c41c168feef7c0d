import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CardDetails } from '../core/card.js';
import type { CardVault, LinkedWrite } from '../core/ports.js';
import type { CardCipher } from './card-cipher.js';
import { cancellationCodes, type DocumentClient, isConditionFailure, linkedWrite, transactWrite } from './dynamo/client.js';

/**
 * For functions that only delete held cards (the admin API): no key, so nothing to seal or
 * open with, and no Encryption SDK in their bundle.
 */
export const noCardKey: CardCipher = {
  seal: () => Promise.reject(new Error('this function has no card key: it may delete held cards, never seal them')),
  open: () => Promise.reject(new Error('this function has no card key: it may delete held cards, never open them')),
};

const vaultKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CARD#${ref}` });
/**
 * A card being authorized lives, with its CVC, in one item of the attempt table (no backups,
 * a short expiry): it cannot outlive the attempt it was given for, and an approved card never
 * reaches the backed-up vault table.
 */
const attemptKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `ATTEMPT#${ref}` });
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Longer than the checkout workflow may run (it times out before the API gives up), short enough to be no store. */
export const attemptLifetimeMs = 5 * 60 * 1000;
const isLive = (item: Record<string, unknown> | undefined, now: Date) =>
  item !== undefined && !(typeof item.expiresAt === 'number' && item.expiresAt <= epochSeconds(now));

/** The vault's two tables: held cards, and the cards (with their CVCs) of authorizations under way (no backups). */
export interface VaultTables {
  readonly cards: string;
  readonly cvcs: string;
}

/**
 * Cards encrypted field-level by the cipher (the AWS Encryption SDK: KMS in AWS, raw AES
 * locally), each ciphertext bound to its order and purpose: while it is authorized, the card
 * and its CVC as one ciphertext (one data key to ask for, one to open) in the attempt table;
 * once an authorization did not go through, the card alone in the vault table, held for the
 * outcome that keeps it. Expiry is checked on every read: TTL deletion lags (and never happens
 * in DynamoDB Local).
 */
export class EncryptedCardVault implements CardVault {
  constructor(
    private readonly client: DocumentClient,
    private readonly tables: VaultTables,
    private readonly cipher: CardCipher,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async prepareAttempt(orderId: string, card: CardDetails): Promise<{ ref: string; writes: LinkedWrite[] }> {
    const ref = randomUUID();
    const sealed = await this.cipher.seal(orderId, 'card-attempt', JSON.stringify(card));
    const item = { ...attemptKey(orderId, ref), card: sealed, expiresAt: this.attemptEnd() };
    return { ref, writes: [linkedWrite({ Put: { TableName: this.tables.cvcs, Item: item } })] };
  }

  async read(orderId: string, ref: string, now: Date): Promise<CardDetails | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.cvcs, Key: attemptKey(orderId, ref), ConsistentRead: true }));
    if (!Item || !isLive(Item, now)) return null;
    return JSON.parse(await this.cipher.open(orderId, 'card-attempt', Item.card)) as CardDetails;
  }

  async holdAttemptCard(orderId: string, ref: string, card: CardDetails): Promise<void> {
    const { cvc: _cvc, ...held } = card;
    const sealed = await this.cipher.seal(orderId, 'card-hold', JSON.stringify(held));
    // Held as long as an attempt lasts, until the outcome step sets the hold's own expiry.
    await this.client.send(new PutCommand({ TableName: this.tables.cards, Item: { ...vaultKey(orderId, ref), card: sealed, expiresAt: this.attemptEnd() } }));
  }

  /** When an attempt started now expires, in epoch seconds. */
  private attemptEnd(): number {
    return epochSeconds(new Date(this.clock().getTime() + attemptLifetimeMs));
  }

  async readHeld(orderId: string, ref: string, now: Date): Promise<CardDetails | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.cards, Key: vaultKey(orderId, ref), ConsistentRead: true }));
    if (!Item || !isLive(Item, now)) return null;
    return JSON.parse(await this.cipher.open(orderId, 'card-hold', Item.card)) as CardDetails;
  }

  async keepWithoutCvc(orderId: string, ref: string, expiresAt: Date | null, now: Date): Promise<boolean> {
    await this.client.send(new DeleteCommand({ TableName: this.tables.cvcs, Key: attemptKey(orderId, ref) }));
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

  async forgetAttempt(orderId: string, ref: string): Promise<void> {
    // One transaction: the attempt only if it is still there, and its hold with it. An outcome
    // step that ended the attempt deleted it and decided what is held. Sent again after its
    // answer was lost, the transaction replays as a no-op (its ClientRequestToken), where a
    // second single delete would find the attempt gone and leave the hold.
    try {
      await transactWrite(this.client, {
        TransactItems: [
          { Delete: { TableName: this.tables.cvcs, Key: attemptKey(orderId, ref), ConditionExpression: 'attribute_exists(pk)' } },
          { Delete: { TableName: this.tables.cards, Key: vaultKey(orderId, ref) } },
        ],
      });
    } catch (error) {
      if (cancellationCodes(error)[0] !== 'ConditionalCheckFailed') throw error;
    }
  }

  /** The attempt and the held card: what a purge deletes, with an order's write or on its own. */
  private purgeDeletes(orderId: string, ref: string) {
    return [
      { TableName: this.tables.cvcs, Key: attemptKey(orderId, ref) },
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
