import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { encryptionSdkCipher, rawAesKeyring } from '../../functions/adapters/card-cipher.js';
import { cvcLifetimeMs, EncryptedCardVault } from '../../functions/adapters/card-vault.js';
import { createDocumentClient, transactItems } from '../../functions/adapters/dynamo/client.js';
import { twin } from './helpers.js';

const card = { number: '5555555555554444', expMonth: 12, expYear: 2031, cvc: '321', holderName: 'Ann Lee' };
const tables = { cards: 'CardVault-local', cvcs: 'CardCvc-local' };
const setup = () => {
  const client = createDocumentClient(twin().dynamoDbUrl);
  const vault = new EncryptedCardVault(client, tables, encryptionSdkCipher(rawAesKeyring(randomBytes(32))));
  /** Holds a card the way an order write does: its prepared writes in one transaction. */
  const hold = async (orderId: string, held: typeof card, expiresAt: Date | null) => {
    const { ref, writes } = await vault.prepareHold(orderId, held, expiresAt);
    await client.send(new TransactWriteCommand({ TransactItems: transactItems(writes) }));
    return ref;
  };
  return { client, vault, hold };
};
const now = new Date();

describe('card vault (Encryption SDK, raw AES keyring)', () => {
  it('round-trips a card and drops the CVC on request', async () => {
    const { vault, hold } = setup();
    const ref = await hold('ord_A1', card, null);
    expect(await vault.read('ord_A1', ref, now)).toEqual(card);
    await vault.keepWithoutCvc('ord_A1', ref, null, now);
    const { cvc: _cvc, ...withoutCvc } = card;
    expect(await vault.read('ord_A1', ref, now)).toEqual(withoutCvc);
  });

  it('refuses a ciphertext moved to another order (encryption context is checked)', async () => {
    const { client, vault, hold } = setup();
    const ref = await hold('ord_A2', card, null);
    const { Item } = await client.send(new GetCommand({ TableName: 'CardVault-local', Key: { pk: 'ORDER#ord_A2', sk: `CARD#${ref}` } }));
    await client.send(new PutCommand({ TableName: 'CardVault-local', Item: { ...Item, pk: 'ORDER#ord_B2' } }));
    await expect(vault.read('ord_B2', ref, now)).rejects.toThrow(/does not belong to this order/);
  });

  it('treats an expired hold as gone even though DynamoDB Local never deletes it', async () => {
    const { vault, hold } = setup();
    const ref = await hold('ord_A3', card, new Date(now.getTime() + 60_000));
    expect(await vault.read('ord_A3', ref, now)).not.toBeNull();
    expect(await vault.read('ord_A3', ref, new Date(now.getTime() + 61_000))).toBeNull();
  });

  it('keeps the CVC in an item of its own, in the table without backups, that expires within minutes, and reads it only while live', async () => {
    const { client, vault, hold } = setup();
    const ref = await hold('ord_A5', card, new Date(now.getTime() + 30 * 60_000));
    expect((await client.send(new GetCommand({ TableName: tables.cards, Key: { pk: 'ORDER#ord_A5', sk: `CVC#${ref}` } }))).Item).toBeUndefined();
    const { Item } = await client.send(new GetCommand({ TableName: tables.cvcs, Key: { pk: 'ORDER#ord_A5', sk: `CVC#${ref}` } }));
    expect(Item!.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + cvcLifetimeMs / 1000);
    expect((await vault.read('ord_A5', ref, now))?.cvc).toBe('321');
    const { cvc: _cvc, ...withoutCvc } = card;
    expect(await vault.read('ord_A5', ref, new Date(Date.now() + cvcLifetimeMs + 1000))).toEqual(withoutCvc);
    await vault.forgetCvc('ord_A5', ref);
    expect((await client.send(new GetCommand({ TableName: tables.cvcs, Key: { pk: 'ORDER#ord_A5', sk: `CVC#${ref}` } }))).Item).toBeUndefined();
    expect(await vault.read('ord_A5', ref, now)).toEqual(withoutCvc);
  });

  it('reads a held card for staff without its CVC, even while the attempt still has one', async () => {
    const { vault, hold } = setup();
    const ref = await hold('ord_A7', card, null);
    const { cvc: _cvc, ...withoutCvc } = card;
    expect(await vault.readHeld('ord_A7', ref, now)).toEqual(withoutCvc);
    expect((await vault.read('ord_A7', ref, now))?.cvc).toBe('321');
  });

  it('keeps a card only while its hold is live', async () => {
    const { vault, hold } = setup();
    const ref = await hold('ord_A6', card, new Date(now.getTime() + 60_000));
    expect(await vault.keepWithoutCvc('ord_A6', ref, null, new Date(now.getTime() + 61_000))).toBe(false);
    expect(await vault.keepWithoutCvc('ord_A6', ref, null, now)).toBe(true);
    expect(await vault.read('ord_A6', ref, new Date(now.getTime() + 24 * 3600_000))).not.toBeNull();
  });

  it('forgets a purged card and its CVC', async () => {
    const { client, vault, hold } = setup();
    const ref = await hold('ord_A4', card, null);
    await vault.purge('ord_A4', ref);
    expect(await vault.read('ord_A4', ref, now)).toBeNull();
    expect((await client.send(new GetCommand({ TableName: tables.cvcs, Key: { pk: 'ORDER#ord_A4', sk: `CVC#${ref}` } }))).Item).toBeUndefined();
  });
});
