import { describe, expect, it } from 'vitest';
import { api, checkoutBody, newKey, twin } from './helpers.js';

const base = checkoutBody();
const withCard = (card: Record<string, unknown>) => checkoutBody({ payment: { method: 'card', card: { ...base.payment.card, ...card } } });

/** [name, request, expected status, expected code, expected detail path (if any)] */
const malformed: [string, { method?: string; path?: string; raw?: string; body?: unknown; headers?: Record<string, string> }, number, string, string?][] = [
  ['not JSON', { raw: '{"customer": ' }, 400, 'invalid_json'],
  ['JSON array', { body: [] }, 400, 'validation_failed'],
  ['JSON string', { raw: '"hello"' }, 400, 'validation_failed'],
  ['wrong content type', { raw: JSON.stringify(base), headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
  ['form content type', { raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
  ['empty body', { raw: '', headers: { 'content-type': 'application/json' } }, 400, 'validation_failed'],
  ['no items', { body: checkoutBody({ items: [] }) }, 400, 'validation_failed', 'items'],
  ['quantity 0', { body: checkoutBody({ items: [{ sku: 'WIDGET-1', quantity: 0 }] }) }, 400, 'validation_failed', 'items.0.quantity'],
  ['quantity 1000', { body: checkoutBody({ items: [{ sku: 'WIDGET-1', quantity: 1000 }] }) }, 400, 'validation_failed', 'items.0.quantity'],
  ['fractional quantity', { body: checkoutBody({ items: [{ sku: 'WIDGET-1', quantity: 1.5 }] }) }, 400, 'validation_failed', 'items.0.quantity'],
  ['quantity as string', { body: checkoutBody({ items: [{ sku: 'WIDGET-1', quantity: '2' }] }) }, 400, 'validation_failed', 'items.0.quantity'],
  [
    'duplicate SKU',
    {
      body: checkoutBody({
        items: [
          { sku: 'WIDGET-1', quantity: 1 },
          { sku: 'WIDGET-1', quantity: 1 },
        ],
      }),
    },
    400,
    'validation_failed',
    'items.1.sku',
  ],
  ['101 lines', { body: checkoutBody({ items: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }) }, 400, 'validation_failed', 'items'],
  ['bad email', { body: checkoutBody({ customer: { email: 'not-an-email', name: 'A' } }) }, 400, 'validation_failed', 'customer.email'],
  ['missing name', { body: checkoutBody({ customer: { email: 'a@example.com' } }) }, 400, 'validation_failed', 'customer.name'],
  [
    'lower-case country',
    { body: checkoutBody({ billingAddress: { ...base.billingAddress, country: 'us' } }) },
    400,
    'validation_failed',
    'billingAddress.country',
  ],
  [
    'three-letter country',
    { body: checkoutBody({ billingAddress: { ...base.billingAddress, country: 'USA' } }) },
    400,
    'validation_failed',
    'billingAddress.country',
  ],
  ['Luhn-invalid card', { body: withCard({ number: '4242424242424241' }) }, 400, 'validation_failed', 'payment.card.number'],
  ['short card', { body: withCard({ number: '42424242' }) }, 400, 'validation_failed', 'payment.card.number'],
  ['card with letters', { body: withCard({ number: '4242-4242-abcd-4242' }) }, 400, 'validation_failed', 'payment.card.number'],
  ['month 13', { body: withCard({ expMonth: 13 }) }, 400, 'validation_failed', 'payment.card.expMonth'],
  ['2-digit CVC', { body: withCard({ cvc: '12' }) }, 400, 'validation_failed', 'payment.card.cvc'],
  ['unknown payment method', { body: checkoutBody({ payment: { method: 'bitcoin' } }) }, 400, 'validation_failed', 'payment.method'],
  ['unknown onDecline', { body: checkoutBody({ onDecline: 'retry' }) }, 400, 'validation_failed', 'onDecline'],
  ['unknown field', { body: { ...base, coupon: 'FREE' } }, 400, 'validation_failed'],
  ['missing Idempotency-Key', { body: base, headers: { 'Idempotency-Key': '' } }, 400, 'idempotency_key_required'],
  ['short Idempotency-Key', { body: base, headers: { 'Idempotency-Key': 'abc' } }, 400, 'validation_failed', 'headers.Idempotency-Key'],
  ['body over 64 KiB', { body: checkoutBody({ notes: 'x'.repeat(70_000) }) }, 413, 'payload_too_large'],
  ['unknown route', { method: 'GET', path: '/nope' }, 404, 'not_found'],
  ['wrong method', { method: 'DELETE', path: '/checkout' }, 405, 'method_not_allowed'],
  ['GET checkout', { method: 'GET', path: '/checkout' }, 405, 'method_not_allowed'],
  ['PUT products', { method: 'PUT', path: '/products', body: {} }, 405, 'method_not_allowed'],
  ['malformed percent-encoding in an order id', { method: 'GET', path: '/orders/%E0%A4%A' }, 400, 'validation_failed'],
  ['an order id longer than any id', { method: 'GET', path: `/orders/${'a'.repeat(3000)}` }, 404, 'not_found'],
];

describe('malformed requests', () => {
  const cases = malformed.map(([name, request, status, code, path]) => ({ name, request, status, code, path }));
  it.each(cases)('$name → $status $code', async ({ request, status, code, path }) => {
    const headers = { 'Idempotency-Key': newKey(), ...request.headers };
    if (headers['Idempotency-Key'] === '') delete (headers as Record<string, string>)['Idempotency-Key'];
    const response = await api(request.method ?? 'POST', request.path ?? '/checkout', { body: request.body, raw: request.raw, headers });
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code, message: expect.any(String), ...(response.body.error.details ? { details: expect.any(Array) } : {}) } });
    expect(response.body.error.message.length).toBeGreaterThan(5);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    if (path) expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    // Error messages never echo the card number the client sent.
    expect(response.text).not.toMatch(/4242424242424241|abcd/);
  });
});

describe('the twin dashboard server', () => {
  it('answers a malformed percent-encoding in a dashboard path with 400, not 500', async () => {
    for (const path of ['/dashboard/%E0%A4%A', '/dashboard/%zz.js', '/dashboard/%']) {
      const response = await fetch(`${twin().apiUrl}${path}`);
      expect(response.status, path).toBe(400);
    }
    expect((await fetch(`${twin().apiUrl}/dashboard/`)).status).toBe(200);
  });
});
