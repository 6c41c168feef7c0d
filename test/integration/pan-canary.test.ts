import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api, cardPayment, checkoutBody, createProduct, postCheckout, scanTable, sentMails, testCards, twin } from './helpers.js';

/** Canary numbers: each goes through checkout, none may be found anywhere but the vault ciphertext. */
const canaries = [testCards.visa, testCards.declined, testCards.insufficientFunds, testCards.gatewayDown];
const canaryCvc = '9731';
const digits = (pan: string) => pan.replace(/\D/g, '');
const spaced = (pan: string) => digits(pan).replace(/(\d{4})(?=\d)/g, '$1 ');

/** Binary attributes (the ciphertexts) are compared as base64, as they would be exported. */
const asText = (value: unknown) => JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

const expectNoCardData = (where: string, text: string) => {
  for (const pan of canaries) {
    expect(text, `${where} holds ${digits(pan)}`).not.toContain(digits(pan));
    expect(text, `${where} holds ${spaced(pan)}`).not.toContain(spaced(pan));
  }
  expect(text, `${where} holds the CVC`).not.toContain(`"${canaryCvc}"`);
};

describe('PAN canary (SPEC §7.3)', () => {
  it('finds the test PANs nowhere: tables, logs, emails, workflow events, responses', async () => {
    const product = await createProduct({ stock: 50 });
    const items = [{ sku: product.sku, quantity: 1 }];
    const responses = [
      await postCheckout(checkoutBody({ items, payment: cardPayment(testCards.visa, canaryCvc) })),
      await postCheckout(checkoutBody({ items, payment: cardPayment(testCards.declined, canaryCvc), onDecline: 'offline' })),
      await postCheckout(checkoutBody({ items, payment: cardPayment(testCards.insufficientFunds, canaryCvc) })),
      await postCheckout(checkoutBody({ items, payment: cardPayment(testCards.gatewayDown, canaryCvc) })),
      await postCheckout(checkoutBody({ items, payment: { ...cardPayment(testCards.visa, canaryCvc), card: { ...cardPayment().card, number: testCards.visa, expMonth: 13 } } })),
    ];
    // A card number pasted where an order id belongs must not reach the log either.
    expect((await api('GET', `/orders/${digits(testCards.visa)}`)).status).toBe(404);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 402, 402, 400]);
    for (const response of responses) expectNoCardData('an API response', response.text);
    const orderIds = responses.slice(0, 4).map((r) => r.body.order.id as string);

    expectNoCardData('the orders table', asText(await scanTable('Orders-local')));
    const vault = await scanTable('CardVault-local');
    expect(vault.length).toBeGreaterThan(0);
    expectNoCardData('the card vault', asText(vault));
    expectNoCardData('the sent emails', asText(await sentMails()));

    // Logs are flushed asynchronously by the twin process; wait until this run's events are in.
    let log = '';
    for (let i = 0; i < 50 && !orderIds.every((id) => log.includes(`"orderId":"${id}"`) && log.includes('ExecutionSucceeded')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = readFileSync(twin().logFile, 'utf8');
    }
    const workflowEvents = log.split('\n').filter((line) => line.includes('"workflow event"'));
    for (const id of orderIds) expect(workflowEvents.some((line) => line.includes(id)), `workflow events of ${id} were captured`).toBe(true);
    expect(workflowEvents.some((line) => line.includes('StateRetried'))).toBe(true);
    expectNoCardData('the twin logs and workflow execution events', log);
  });
});
