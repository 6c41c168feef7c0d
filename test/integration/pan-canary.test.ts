import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { act, staffApi } from './admin-helpers.js';
import type { ReceivedDelivery } from './fulfillment-receiver.js';
import { receiver } from './fulfillment-helpers.js';
import {
  api,
  type ApiResponse,
  cardPayment,
  checkoutBody,
  createProduct,
  newKey,
  postCheckout,
  scanTable,
  sentMails,
  testCards,
  twin,
  uniqueEmail,
} from './helpers.js';

/** Canary numbers: each goes through a flow, none may be found anywhere but the vault ciphertext. */
const amex = '378282246310005';
const mastercard = '5555555555554444';
const lost = '4000000000009987';
const canaries = [testCards.visa, testCards.declined, testCards.insufficientFunds, testCards.gatewayDown, amex, mastercard, lost];
const canaryCvc = '9731';
const digits = (pan: string) => pan.replace(/\D/g, '');

/** Every way a PAN could be written down: plain, grouped (4-4-4-4 and Amex 4-6-5, spaces or dashes), encoded, hashed. */
const formsOf = (pan: string) => {
  const d = digits(pan);
  const groups = d.length === 15 ? [d.slice(0, 4), d.slice(4, 10), d.slice(10)] : (d.match(/\d{1,4}/g) ?? []);
  return [
    d,
    groups.join(' '),
    groups.join('-'),
    Buffer.from(d).toString('base64'),
    Buffer.from(d).toString('hex'),
    createHash('sha256').update(d).digest('hex'),
  ];
};
/** The CVC on its own, not as part of a longer token (ids, timestamps and ciphertext hold digit runs). */
const cvcAlone = new RegExp(`(?<![\\w-])${canaryCvc}(?![\\w-])`);

/** What a deflated attribute (an order's history) holds; nothing for one that is not deflated (a ciphertext). */
const inflated = (bytes: Uint8Array) => {
  try {
    return inflateRawSync(bytes).toString('utf8');
  } catch {
    return '';
  }
};

/**
 * Binary attributes (the ciphertexts, an order's deflated history) are searched decoded and
 * inflated as well as in base64, as they would be exported.
 */
const asText = (value: unknown) => {
  const decoded: string[] = [];
  const json = JSON.stringify(value, (_k, v) => {
    if (v instanceof Uint8Array) {
      decoded.push(Buffer.from(v).toString('latin1'), inflated(v));
      return Buffer.from(v).toString('base64');
    }
    return v;
  });
  return `${json}\n${decoded.join('\n')}`;
};

const expectNoCardData = (where: string, text: string) => {
  for (const pan of canaries) for (const form of formsOf(pan)) expect(text.includes(form), `${where} holds ${form} (of ${digits(pan)})`).toBe(false);
  expect(cvcAlone.test(text), `${where} holds the CVC`).toBe(false);
};

const responseText = (response: ApiResponse) => `${[...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${response.text}`;

describe('PAN canary (SPEC §7.3)', () => {
  it('can fail: it finds each form of a PAN and the CVC written down', () => {
    for (const form of formsOf(amex)) expect(() => expectNoCardData('a sample', `{"x":"${form}"}`)).toThrow();
    expect(() => expectNoCardData('a sample', `cvc ${canaryCvc}.`)).toThrow();
    expect(() => expectNoCardData('a sample', asText({ card: { B: new Uint8Array(Buffer.from(`xx${digits(lost)}xx`)) } }))).toThrow();
    expect(() =>
      expectNoCardData('a sample', asText({ history: new Uint8Array(deflateRawSync(JSON.stringify([{ message: `card ${digits(lost)}` }]))) })),
    ).toThrow();
    expectNoCardData('a sample', 'request 1b2c-9731-aa, at 17961197310');
  });

  it('finds the test PANs nowhere after every flow: tables, logs, emails, webhooks, workflow events, responses', { timeout: 60_000 }, async () => {
    const product = await createProduct({ stock: 100 });
    const items = [{ sku: product.sku, quantity: 1 }];
    const body = (number: string, extra: Record<string, unknown> = {}) =>
      checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' }, items, payment: cardPayment(number, canaryCvc), ...extra });
    const scanned: ApiResponse[] = [];
    const keep = (response: ApiResponse) => {
      scanned.push(response);
      return response;
    };

    const placed = keep(await postCheckout(body(testCards.visa)));
    const offline = keep(await postCheckout(body(testCards.declined, { onDecline: 'offline' })));
    const insufficient = keep(await postCheckout(body(testCards.insufficientFunds)));
    const gatewayDown = keep(await postCheckout(body(testCards.gatewayDown)));
    const invalid = keep(
      await postCheckout(
        checkoutBody({ items, payment: { ...cardPayment(testCards.visa, canaryCvc), card: { ...cardPayment(testCards.visa, canaryCvc).card, expMonth: 13 } } }),
      ),
    );
    const amexOrder = keep(await postCheckout(body(amex)));
    const lostCard = keep(await postCheckout(body(lost)));
    expect([placed, offline, insufficient, gatewayDown, invalid, amexOrder, lostCard].map((r) => r.status)).toEqual([201, 201, 402, 402, 400, 201, 402]);

    // A card number in free text or where an id belongs is refused and never reaches a log.
    expect(keep(await postCheckout(body(testCards.visa, { notes: `my card is ${formsOf(mastercard)[2]}` }))).status).toBe(400);
    expect(keep(await postCheckout(body(testCards.visa, { customer: { email: uniqueEmail(), name: `Ann ${formsOf(amex)[1]}` } }))).status).toBe(400);
    expect(keep(await postCheckout(body(testCards.visa, { items: [{ sku: digits(mastercard), quantity: 1 }] }))).status).toBe(422);
    expect(keep(await api('GET', `/orders/${digits(testCards.visa)}`)).status).toBe(404);

    // Retry: the insufficient-funds order pays with another card.
    const retried = keep(
      await api('POST', `/orders/${insufficient.body.order.id}/payment`, {
        body: { payment: cardPayment(mastercard, canaryCvc) },
        headers: { 'X-Order-Token': insufficient.body.trackingToken, 'Idempotency-Key': newKey() },
      }),
    );
    expect(retried.status).toBe(201);
    // Offline: the order whose gateway was down goes offline with its held card.
    const submitted = keep(await api('POST', `/orders/${gatewayDown.body.order.id}/offline`, { headers: { 'X-Order-Token': gatewayDown.body.trackingToken } }));
    expect(submitted.status).toBe(200);

    // Quote: an evaluation is quoted and accepted with a card.
    const evaluation = await createProduct({ kind: 'evaluation', priceCents: 0, stock: 10 });
    const evaluated = keep(
      await postCheckout(
        checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' }, items: [{ sku: evaluation.sku, quantity: 1 }], payment: undefined }),
      ),
    );
    expect(keep(await act('csr', evaluated.body.order.id, 'quote', { amountCents: 4200, description: 'Replace the hinge' })).status).toBe(200);
    const accepted = keep(
      await api('POST', `/orders/${evaluated.body.order.id}/quote/accept`, {
        body: { payment: cardPayment(testCards.visa, canaryCvc) },
        headers: { 'X-Order-Token': evaluated.body.trackingToken },
      }),
    );
    expect(accepted.status).toBe(201);

    // Reveal and approve: the offline order's card is revealed to an admin (that answer alone may
    // hold the PAN, so only its headers are scanned), charged by hand and approved.
    const revealed = await staffApi('admin', 'POST', `/admin/orders/${offline.body.order.id}/card/reveal`, { body: { reason: 'Charging it in the terminal' } });
    expect(revealed.status).toBe(200);
    expect(revealed.body.card.number).toBe(digits(testCards.declined));
    scanned.push({ ...revealed, text: '' });
    expect(keep(await act('admin', offline.body.order.id, 'approve', { authorizationCode: 'VT-1234', note: 'charged by phone' })).status).toBe(200);
    expect(keep(await act('admin', offline.body.order.id, 'notes', { message: `card was ${formsOf(testCards.declined)[1]}` })).status).toBe(400);
    // The admin `charge` of a held card runs here once it exists, with its answers kept for the scan.

    // A paper order recorded by an admin.
    const recorded = keep(
      await staffApi('admin', 'POST', '/admin/orders', {
        body: checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' }, items, payment: { method: 'recorded', authorizationCode: 'PAPER-1' } }),
        headers: { 'Idempotency-Key': newKey() },
      }),
    );
    expect(recorded.status).toBe(201);

    for (const response of scanned) expectNoCardData(`the answer ${response.status} ${response.text.slice(0, 80)}`, responseText(response));
    expectNoCardData('the orders table (idempotency records and counters included)', asText(await scanTable('Orders-local')));
    const vault = await scanTable('CardVault-local');
    expect(vault.length).toBeGreaterThan(0);
    expectNoCardData('the card vault', asText(vault));
    expectNoCardData('the CVC table', asText(await scanTable('CardCvc-local')));
    expectNoCardData('the sent emails', asText(await sentMails()));

    const orderIds = [placed, offline, insufficient, gatewayDown, amexOrder, lostCard].map((r) => r.body.order.id as string);
    // Placed orders are pushed to the fulfillment webhook; wait until theirs arrived.
    const deliveries = async () => ((await (await fetch(`${receiver().url}/control/deliveries`)).json()) as { deliveries: ReceivedDelivery[] }).deliveries;
    for (let i = 0; i < 50 && !(await deliveries()).some((d) => d.orderId === placed.body.order.id); i++) await new Promise((r) => setTimeout(r, 100));
    const pushed = await deliveries();
    expect(pushed.some((d) => d.orderId === placed.body.order.id)).toBe(true);
    expectNoCardData('the webhook deliveries', JSON.stringify(pushed));

    // Logs are flushed asynchronously by the twin process; wait until this run's events are in.
    let log = '';
    for (let i = 0; i < 50 && !orderIds.every((id) => log.includes(`"orderId":"${id}"`) && log.includes('ExecutionSucceeded')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = readFileSync(twin().logFile, 'utf8');
    }
    const workflowEvents = log.split('\n').filter((line) => line.includes('"workflow event"'));
    for (const id of orderIds)
      expect(
        workflowEvents.some((line) => line.includes(id)),
        `workflow events of ${id} were captured`,
      ).toBe(true);
    expect(workflowEvents.some((line) => line.includes('StateRetried'))).toBe(true);
    expectNoCardData('the twin logs and workflow execution events', log);
  });
});
