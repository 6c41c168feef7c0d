import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../../functions/core/card.js';
import {
  api,
  cardPayment,
  checkoutBody,
  createProduct,
  documentClient,
  newKey,
  postCheckout,
  scanTable,
  storedOrder,
  testCards,
  uniqueEmail,
} from './helpers.js';

const fingerprintOf = async (key: string) =>
  ((await scanTable('Orders-local')) as Record<string, any>[]).find((i) => i.pk.S === `IDEMPOTENCY#${key}`)!.fingerprint.S as string;

/** The fingerprint as it used to be: a plain SHA-256 of operation, target and the key-sorted body. */
const unkeyedFingerprint = (body: unknown) => {
  const canonical = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : value && typeof value === 'object'
        ? `{${Object.keys(value)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(value);
  return createHash('sha256')
    .update(`checkout\n/checkout\n${canonical(body)}`)
    .digest('hex');
};

/**
 * The review's attack: from a stored order (BIN, last 4, expiry, customer fields) build every
 * candidate body and hash it until one matches the stored fingerprint. Returns the PAN found.
 */
const recoverPan = (fingerprint: string, template: (pan: string) => unknown, bin: string, last4: string): string | null => {
  for (let middle = 0; middle < 1_000_000; middle++) {
    const pan = `${bin}${String(middle).padStart(6, '0')}${last4}`;
    if (luhnValid(pan) && unkeyedFingerprint(template(pan)) === fingerprint) return pan;
  }
  return null;
};

const ordersOf = async (email: string) =>
  ((await scanTable('Orders-local')) as { customerEmail?: { S: string }; pk: { S: string } }[]).filter((i) => i.customerEmail?.S === email);

describe('Idempotency-Key on POST /checkout', () => {
  it('replays the first response byte for byte, with no second order or authorization', async () => {
    const email = uniqueEmail();
    const body = checkoutBody({ customer: { email, name: 'Ann Lee' } });
    const key = newKey();
    const first = await postCheckout(body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const replay = await postCheckout(body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(first.text);
    // The same request with keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await postCheckout(reordered, key)).text).toBe(first.text);
    expect(await ordersOf(email)).toHaveLength(1);
  });

  it('replays a decline as well (402 with the same order)', async () => {
    const body = checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' }, payment: cardPayment(testCards.declined) });
    const key = newKey();
    const first = await postCheckout(body, key);
    const replay = await postCheckout(body, key);
    expect(first.status).toBe(402);
    expect(replay.status).toBe(402);
    expect(replay.text).toBe(first.text);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused', async () => {
    const key = newKey();
    expect((await postCheckout(checkoutBody(), key)).status).toBe(201);
    const other = await postCheckout(checkoutBody({ items: [{ sku: 'WIDGET-1', quantity: 2 }] }), key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('answers 10 concurrent identical requests with exactly one order and one authorization', async () => {
    const email = uniqueEmail();
    const product = await createProduct({ stock: 20 });
    const body = checkoutBody({ customer: { email, name: 'Ann Lee' }, items: [{ sku: product.sku, quantity: 1 }] });
    const key = newKey();
    const responses = await Promise.all(Array.from({ length: 10 }, () => postCheckout(body, key)));
    const fresh = responses.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    expect(fresh).toHaveLength(1);
    for (const response of responses) {
      if (response.status === 409) expect(response.body.error.code).toBe('idempotency_request_in_progress');
      else expect(response.text).toBe(fresh[0]!.text);
    }
    const orders = await ordersOf(email);
    expect(orders).toHaveLength(1);
    const order = await storedOrder(fresh[0]!.body.order.id);
    expect(order.history.filter((e) => e.type === 'payment_attempt')).toHaveLength(1);
    const { stockOf } = await import('./helpers.js');
    expect(await stockOf(product.sku)).toBe(19);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const key = newKey();
    const body = checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' } });
    // The fingerprint is keyed by the twin's secret: take it from the same request under another key.
    const earlier = newKey();
    await postCheckout(body, earlier);
    // A request still in flight, as another API instance would have left it in the table.
    await documentClient().send(
      new PutCommand({
        TableName: 'Orders-local',
        Item: {
          pk: `IDEMPOTENCY#${key}`,
          sk: 'IDEMPOTENCY',
          fingerprint: await fingerprintOf(earlier),
          state: 'in_progress',
          claimedAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const response = await postCheckout(body, key);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('idempotency_request_in_progress');
    expect((await postCheckout(checkoutBody(), key)).body.error.code).toBe('idempotency_key_reused');
  });

  it('takes over a claim left in progress longer than the API function can run (30 s) by a request that died', async () => {
    const key = newKey();
    const email = uniqueEmail();
    const body = checkoutBody({ customer: { email, name: 'Ann Lee' } });
    // The fingerprint is keyed by the twin's secret: take it from the same request under another key.
    const earlier = newKey();
    await postCheckout(body, earlier);
    const fingerprint = await fingerprintOf(earlier);
    const abandoned = (secondsAgo: number) =>
      documentClient().send(
        new PutCommand({
          TableName: 'Orders-local',
          Item: {
            pk: `IDEMPOTENCY#${key}`,
            sk: 'IDEMPOTENCY',
            fingerprint,
            state: 'in_progress',
            claimedAt: new Date(Date.now() - secondsAgo * 1000).toISOString(),
            expiresAt: Math.floor(Date.now() / 1000) + 3600,
          },
        }),
      );
    await abandoned(20);
    expect((await postCheckout(body, key)).body.error.code).toBe('idempotency_request_in_progress');

    await abandoned(40);
    const takenOver = await postCheckout(body, key);
    expect(takenOver.status).toBe(201);
    expect(takenOver.headers.get('idempotent-replayed')).toBeNull();
    const replayed = await postCheckout(body, key);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.text).toBe(takenOver.text);
    // The earlier request's order and the one taken over: nothing more.
    expect(await ordersOf(email)).toHaveLength(2);
  });

  it('keeps only a fingerprint of the request, and forgets the key after 24 h', async () => {
    const key = newKey();
    const email = uniqueEmail();
    const body = checkoutBody({ customer: { email, name: 'Ann Lee', phone: '+1 555 0199' }, notes: 'ring twice at the side gate' });
    await postCheckout(body, key);
    const [record] = ((await scanTable('Orders-local')) as Record<string, any>[]).filter((i) => i.pk.S === `IDEMPOTENCY#${key}`);
    expect(record!.fingerprint.S).toMatch(/^[0-9a-f]{64}$/);
    expect(record!.fingerprint.S).not.toBe(unkeyedFingerprint(body));
    // The stored answer is the response (its body deflated); nothing of the request beyond it (phone, notes, card) is kept.
    const storedBody = inflateRawSync(record!.response.M.body.B).toString('utf8');
    expect(JSON.parse(storedBody).order.customer.email).toBe(email);
    const recordText = JSON.stringify(record, (_key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value));
    expect(`${recordText}\n${storedBody}`).not.toMatch(/555 0199|side gate|4242 4242|"123"/);
    expect(Number(record!.expiresAt.N) - Date.now() / 1000).toBeGreaterThan(24 * 3600 - 120);

    // TTL deletion lags; an expired record must not answer any more.
    await documentClient().send(
      new UpdateCommand({
        TableName: 'Orders-local',
        Key: { pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const afterExpiry = await postCheckout(body, key);
    expect(afterExpiry.status).toBe(201);
    expect(afterExpiry.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersOf(email)).toHaveLength(2);
  });

  it('keeps a fingerprint the PAN cannot be recovered from, given everything the stored order shows', async () => {
    const email = uniqueEmail();
    const key = newKey();
    const template = (pan: string) => checkoutBody({ customer: { email, name: 'Ann Lee' }, payment: cardPayment(pan) });
    const response = await postCheckout(template('4242424242424242'), key);
    expect(response.status).toBe(201);
    const { card } = (await storedOrder(response.body.order.id)).payment;
    const stored = await fingerprintOf(key);
    // The script works: against a fingerprint made the old way it finds the PAN.
    expect(recoverPan(unkeyedFingerprint(template('4242424242424242')), template, card!.bin, card!.last4)).toBe('4242424242424242');
    expect(recoverPan(stored, template, card!.bin, card!.last4)).toBeNull();
  });

  it('requires the key on payment retries too', async () => {
    const declined = await postCheckout(checkoutBody({ payment: cardPayment(testCards.declined) }));
    const { order, trackingToken } = declined.body;
    const response = await api('POST', `/orders/${order.id}/payment`, {
      body: { payment: cardPayment(testCards.visa) },
      headers: { 'X-Order-Token': trackingToken },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('idempotency_key_required');
  });
});
