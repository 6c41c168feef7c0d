import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { encryptionSdkCipher } from '../../functions/adapters/card-cipher.js';
import { rawAesKeyring } from '../../functions/local/card-key.js';
import { attemptLifetimeMs, EncryptedCardVault } from '../../functions/adapters/card-vault.js';
import { createDocumentClient, transactItems } from '../../functions/adapters/dynamo/client.js';
import { twin } from './helpers.js';

const card = { number: '5555555555554444', expMonth: 12, expYear: 2031, cvc: '321', holderName: 'Ann Lee' };
const tables = { cards: 'CardVault-local', cvcs: 'CardCvc-local' };
const setup = () => {
  const client = createDocumentClient(twin().dynamoDbUrl);
  const vault = new EncryptedCardVault(client, tables, encryptionSdkCipher(rawAesKeyring(randomBytes(32))));
  /** Takes a card for an attempt the way an order write does: its prepared writes in one transaction. */
  const startAttempt = async (orderId: string, given: typeof card) => {
    const { ref, writes } = await vault.prepareAttempt(orderId, given);
    await client.send(new TransactWriteCommand({ TransactItems: transactItems(writes) }));
    return ref;
  };
  return { client, vault, startAttempt };
};
const now = new Date();

const { cvc: _cvc, ...withoutCvc } = card;
const attemptKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `ATTEMPT#${ref}` });
const heldKey = (orderId: string, ref: string) => ({ pk: `ORDER#${orderId}`, sk: `CARD#${ref}` });

describe('card vault (Encryption SDK, raw AES keyring)', () => {
  it('reads an attempt card with its CVC, holds it without, and keeps it once the attempt ends', async () => {
    const { vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A1', card);
    expect(await vault.read('ord_A1', ref, now)).toEqual(card);
    await vault.holdAttemptCard('ord_A1', ref, card);
    expect(await vault.keepWithoutCvc('ord_A1', ref, null, now)).toBe(true);
    expect(await vault.read('ord_A1', ref, now)).toBeNull();
    expect(await vault.readHeld('ord_A1', ref, new Date(now.getTime() + 24 * 3600_000))).toEqual(withoutCvc);
  });

  it('refuses a ciphertext moved to another order (encryption context is checked)', async () => {
    const { client, vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A2', card);
    const { Item: attempt } = await client.send(new GetCommand({ TableName: tables.cvcs, Key: attemptKey('ord_A2', ref) }));
    await client.send(new PutCommand({ TableName: tables.cvcs, Item: { ...attempt, pk: 'ORDER#ord_B2' } }));
    await expect(vault.read('ord_B2', ref, now)).rejects.toThrow(/does not belong to this order/);
    await vault.holdAttemptCard('ord_A2', ref, card);
    const { Item: held } = await client.send(new GetCommand({ TableName: tables.cards, Key: heldKey('ord_A2', ref) }));
    await client.send(new PutCommand({ TableName: tables.cards, Item: { ...held, pk: 'ORDER#ord_B2' } }));
    await expect(vault.readHeld('ord_B2', ref, now)).rejects.toThrow(/does not belong to this order/);
  });

  it('treats an expired attempt or hold as gone even though DynamoDB Local never deletes it', async () => {
    const { vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A3', card);
    expect(await vault.read('ord_A3', ref, now)).not.toBeNull();
    expect(await vault.read('ord_A3', ref, new Date(Date.now() + attemptLifetimeMs + 1000))).toBeNull();
    await vault.holdAttemptCard('ord_A3', ref, card);
    expect(await vault.keepWithoutCvc('ord_A3', ref, new Date(now.getTime() + 60_000), now)).toBe(true);
    expect(await vault.readHeld('ord_A3', ref, new Date(now.getTime() + 61_000))).toBeNull();
  });

  it('keeps an attempt card and its CVC in one item of the table without backups, expiring within minutes; the backed-up vault holds nothing of it', async () => {
    const { client, vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A5', card);
    const { Items: vaultItems } = await client.send(
      new QueryCommand({ TableName: tables.cards, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ORDER#ord_A5' } }),
    );
    expect(vaultItems).toEqual([]);
    const { Item } = await client.send(new GetCommand({ TableName: tables.cvcs, Key: attemptKey('ord_A5', ref) }));
    expect(Item!.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + attemptLifetimeMs / 1000);
    expect((await vault.read('ord_A5', ref, now))?.cvc).toBe('321');
    expect(await vault.read('ord_A5', ref, new Date(Date.now() + attemptLifetimeMs + 1000))).toBeNull();
  });

  it('forgets an attempt no outcome ended, card and any hold of it included, and leaves one an outcome ended', async () => {
    const { client, vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A8', card);
    await vault.holdAttemptCard('ord_A8', ref, card);
    await vault.forgetAttempt('ord_A8', ref);
    expect((await client.send(new GetCommand({ TableName: tables.cvcs, Key: attemptKey('ord_A8', ref) }))).Item).toBeUndefined();
    expect(await vault.readHeld('ord_A8', ref, now)).toBeNull();

    const kept = await startAttempt('ord_A9', card);
    await vault.holdAttemptCard('ord_A9', kept, card);
    await vault.keepWithoutCvc('ord_A9', kept, null, now);
    await vault.forgetAttempt('ord_A9', kept);
    expect(await vault.readHeld('ord_A9', kept, now)).toEqual(withoutCvc);
  });

  it('holds no card for staff while it is only being authorized', async () => {
    const { vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A7', card);
    expect(await vault.readHeld('ord_A7', ref, now)).toBeNull();
    expect((await vault.read('ord_A7', ref, now))?.cvc).toBe('321');
  });

  it('keeps a card only while its hold is live', async () => {
    const { vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A6', card);
    await vault.holdAttemptCard('ord_A6', ref, card);
    expect(await vault.keepWithoutCvc('ord_A6', ref, null, new Date(Date.now() + attemptLifetimeMs + 1000))).toBe(false);
    expect(await vault.keepWithoutCvc('ord_A6', ref, null, now)).toBe(true);
    expect(await vault.readHeld('ord_A6', ref, new Date(now.getTime() + 24 * 3600_000))).toEqual(withoutCvc);
  });

  it('forgets a purged card and its attempt', async () => {
    const { client, vault, startAttempt } = setup();
    const ref = await startAttempt('ord_A4', card);
    await vault.holdAttemptCard('ord_A4', ref, card);
    await vault.purge('ord_A4', ref);
    expect(await vault.read('ord_A4', ref, now)).toBeNull();
    expect(await vault.readHeld('ord_A4', ref, now)).toBeNull();
    expect((await client.send(new GetCommand({ TableName: tables.cvcs, Key: attemptKey('ord_A4', ref) }))).Item).toBeUndefined();
  });
});
