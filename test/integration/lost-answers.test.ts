import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { encryptionSdkCipher } from '../../functions/adapters/card-cipher.js';
import { EncryptedCardVault } from '../../functions/adapters/card-vault.js';
import { createDocumentClient, transactItems } from '../../functions/adapters/dynamo/client.js';
import { DynamoAuditTrail } from '../../functions/adapters/dynamo/audit-trail.js';
import { DynamoIdempotencyStore } from '../../functions/adapters/dynamo/idempotency-store.js';
import { DynamoNoticeLedger } from '../../functions/adapters/dynamo/notice-ledger.js';
import { DynamoOrderRepository } from '../../functions/adapters/dynamo/orders-repository.js';
import { VersionConflict } from '../../functions/core/ports.js';
import { rawAesKeyring } from '../../functions/local/card-key.js';
import { anOrder } from '../support/fixtures.js';
import { twin, uniqueEmail } from './helpers.js';

/**
 * The SDK sends a request again when its answer is lost (a reset connection, a timeout). This
 * client sends every request a second time once it has landed, and the caller hears the second
 * answer: a conditional write then meets itself.
 */
const answerLostThenResent = () => {
  const client = createDocumentClient(twin().dynamoDbUrl);
  client.middlewareStack.add(
    (next) => async (args) => {
      await next(args);
      return next(args);
    },
    { step: 'build', name: 'answerLostThenResent' },
  );
  return client;
};
const plainClient = () => createDocumentClient(twin().dynamoDbUrl);
const table = 'Orders-local';

const placedOrder = (prefix: string) => {
  const email = uniqueEmail();
  return anOrder({ id: `ord_${prefix}_${email}`, status: 'ORDER_PLACED', version: 1, customer: { email, name: 'Resent Test', phone: null } });
};

describe('a write sent again after its answer was lost', () => {
  it('creates and saves an order once, as written: a single put and a transaction alike', async () => {
    const orders = new DynamoOrderRepository(answerLostThenResent(), table);
    const placed = placedOrder('RESENT');
    await orders.create(placed);
    // Same status: a single put. A new status moves the daily totals: a transaction.
    const noted = { ...placed, version: 2, emailsSent: ['receipt' as const] };
    await orders.save(noted, placed);
    const inProcess = { ...noted, status: 'IN_PROCESS' as const, version: 3 };
    await orders.save(inProcess, noted);
    expect(await new DynamoOrderRepository(plainClient(), table).get(placed.id)).toEqual(inProcess);
  });

  it('still loses to another writer of the very same order', async () => {
    const orders = new DynamoOrderRepository(plainClient(), table);
    const placed = placedOrder('TWIN');
    await orders.create(placed);
    const claim = { ...placed, version: 2, emailsSent: ['receipt' as const] };
    await orders.save(claim, placed);
    // Two drains that decided the same claim in the same millisecond: one of them must lose.
    await expect(orders.save(claim, placed)).rejects.toBeInstanceOf(VersionConflict);
    await expect(orders.create(placed)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('claims an idempotency key once, and a second request still finds it in progress, with no read', async () => {
    const key = `lost-answer-${randomUUID()}`;
    const now = new Date();
    const claim = (store: DynamoIdempotencyStore) => store.claim(key, 'fp-1', now, new Date(now.getTime() + 86_400_000), new Date(now.getTime() - 30_000));
    expect(await claim(new DynamoIdempotencyStore(answerLostThenResent(), table))).toEqual({ kind: 'claimed' });

    const client = plainClient();
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    expect(await claim(new DynamoIdempotencyStore(client, table))).toEqual({ kind: 'in_progress', fingerprint: 'fp-1' });
    expect(commands).toEqual(['PutItemCommand']);
  });

  it('claims a notice once: the page it guards still goes out, and only once', async () => {
    const key = `lost-answer-${randomUUID()}`;
    const expiresAt = new Date(Date.now() + 3_600_000);
    expect(await new DynamoNoticeLedger(answerLostThenResent(), table).claim(key, expiresAt)).toBe(true);
    expect(await new DynamoNoticeLedger(plainClient(), table).claim(key, expiresAt)).toBe(false);
  });

  it('forgets an attempt no outcome ended, and the card held of it goes too', async () => {
    const tables = { cards: 'CardVault-local', cvcs: 'CardCvc-local' };
    const cipher = encryptionSdkCipher(rawAesKeyring(randomBytes(32)));
    const client = plainClient();
    const vault = new EncryptedCardVault(client, tables, cipher);
    const orderId = `ord_FORGET_${randomUUID()}`;
    const card = { number: '4111111111111111', expMonth: 12, expYear: 2031, cvc: '123', holderName: 'Resent Test' };
    const { ref, writes } = await vault.prepareAttempt(orderId, card);
    await client.send(new TransactWriteCommand({ TransactItems: transactItems(writes) }));
    await vault.holdAttemptCard(orderId, ref, card);

    await new EncryptedCardVault(answerLostThenResent(), tables, cipher).forgetAttempt(orderId, ref);
    const stored = await Promise.all([
      client.send(new GetCommand({ TableName: tables.cvcs, Key: { pk: `ORDER#${orderId}`, sk: `ATTEMPT#${ref}` }, ConsistentRead: true })),
      client.send(new GetCommand({ TableName: tables.cards, Key: { pk: `ORDER#${orderId}`, sk: `CARD#${ref}` }, ConsistentRead: true })),
    ]);
    expect(stored.map(({ Item }) => Item)).toEqual([undefined, undefined]);
  });

  it('records a staff action once, and says it is recorded', async () => {
    const requestId = `lost-answer-${randomUUID()}`;
    const at = new Date().toISOString();
    const event = { at, actor: 'csr', action: 'orders:get', outcome: 'allowed' as const, requestId, data: { status: 200 } };
    await expect(new DynamoAuditTrail(answerLostThenResent(), table).record(event)).resolves.toBeUndefined();
    const { events } = await new DynamoAuditTrail(plainClient(), table).list({ day: at.slice(0, 10), limit: 1000 });
    expect(events.filter((recorded) => recorded.requestId === requestId)).toEqual([event]);
  });
});
