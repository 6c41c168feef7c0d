import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkoutBody, createProduct, newKey, stockOf, testCards, twin } from './helpers.js';

const knownCodes = new Set([
  'invalid_json',
  'validation_failed',
  'idempotency_key_required',
  'payment_declined',
  'unknown_sku',
  'out_of_stock',
  'unsupported_media_type',
  'payload_too_large',
]);

/** Bodies near the valid shape: fields dropped, replaced by junk of any type, or nested wrongly. */
const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object(), fc.constant(''));

const mutatedBody = (sku: string) =>
  fc
    .record({
      quantity: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
        { weight: 1, arbitrary: fc.integer({ min: -5, max: 1005 }) },
        { weight: 1, arbitrary: junk },
      ),
      card: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(testCards.visa, testCards.declined, testCards.insufficientFunds) },
        { weight: 1, arbitrary: fc.constantFrom('4242424242424241', '1234', '') },
      ),
      onDecline: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('ask', 'offline', undefined) }, { weight: 1, arbitrary: fc.constant('later') }),
      // About half the bodies keep their shape, so that many checkouts really run and move stock.
      drop: fc.oneof(fc.constant([]), fc.subarray(['customer', 'billingAddress', 'items', 'payment', 'onDecline'], { minLength: 1 })),
      replace: fc.oneof(
        fc.constant({}),
        fc.dictionary(fc.constantFrom('customer', 'billingAddress', 'items', 'payment', 'notes', 'extra'), junk, { minKeys: 1, maxKeys: 2 }),
      ),
    })
    .map(({ quantity, card, onDecline, drop, replace }) => {
      const body: Record<string, unknown> = checkoutBody({
        items: [{ sku, quantity }],
        payment: { method: 'card', card: { number: card, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123', holderName: 'Fuzz' } },
        onDecline,
      });
      for (const key of drop) delete body[key];
      return JSON.stringify({ ...body, ...replace });
    });

const rawJunk = fc.oneof(fc.string(), fc.json(), fc.constant('{"customer":'), fc.constant('[]'));

describe('checkout under random and malformed bodies', () => {
  it('answers every body with a well-formed 2xx/4xx envelope and leaks no stock', { timeout: 120_000 }, async () => {
    const product = await createProduct({ stock: 10_000, priceCents: 700 });
    let placedUnits = 0;
    let declined = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: mutatedBody(product.sku) }, { weight: 1, arbitrary: rawJunk }), async (raw) => {
        const response = await fetch(`${twin().apiUrl}/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'Idempotency-Key': newKey() },
          body: raw,
        });
        const body = (await response.json()) as Record<string, any>;
        expect(response.status).toBeLessThan(500);
        if (response.status === 201) {
          expect(['placed', 'offline']).toContain(body.outcome);
          const line = body.order.items.find((i: { sku: string }) => i.sku === product.sku);
          placedUnits += line?.quantity ?? 0;
        } else {
          if (response.status === 402) declined++;
          expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
          expect(knownCodes.has(body.error.code)).toBe(true);
          if (body.error.details) for (const d of body.error.details) expect(d).toEqual({ path: expect.any(String), message: expect.any(String) });
        }
      }),
      { numRuns: 300 },
    );
    // Declined and rejected checkouts gave their stock back; placed and offline orders hold theirs.
    expect(await stockOf(product.sku)).toBe(10_000 - placedUnits);
    // Enough bodies were valid for checkouts to really place and decline orders.
    expect(placedUnits).toBeGreaterThan(0);
    expect(declined).toBeGreaterThan(0);
  });
});
