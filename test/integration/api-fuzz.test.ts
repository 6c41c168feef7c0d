import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../contract/routes.js';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoSettingsStore } from '../../functions/adapters/dynamo/settings-store.js';
import { actors } from '../../functions/core/history.js';
import type { Settings } from '../../functions/core/settings.js';
import { act, staffToken } from './admin-helpers.js';
import { cardPayment, checkoutBody, createProduct, postCheckout, storedOrder, testCards, twin, uniqueEmail } from './helpers.js';

/**
 * Every route, public and admin, under generated requests: wrong types, huge numbers, unicode,
 * `__proto__` / `constructor` keys, header injection in emails, junk path parameters, tokens
 * and keys. Never a 5xx, always the error envelope, and an order a request was refused on is
 * left as it was (only the system's own hand-off entries may land meanwhile).
 */
const nastyStrings = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  '\u0000',
  '\u202e\u0635',
  '𝕏🧨',
  '%',
  '%E0%A4%A',
  '../../etc/passwd',
  'ann@example.com\r\nBcc: evil@example.com',
  'ann@example.com\nSubject: free money',
  '<script>alert(1)</script>',
  '4242 4242 4242 4242',
  'a'.repeat(5000),
];
const nastyNumbers = [1e308, -1e308, 2 ** 53 + 1, -0, 0.1, 5e-324, 999_999_999_999, -1];
const keyPool = [
  '__proto__',
  'constructor',
  'prototype',
  'customer',
  'email',
  'name',
  'items',
  'sku',
  'quantity',
  'payment',
  'method',
  'card',
  'number',
  'notes',
  'message',
  'reason',
  'amountCents',
  'description',
  'authorizationCode',
  'carrier',
  'trackingNumber',
  'invoiceNumber',
  'reference',
  'externalRef',
  'visibleToCustomer',
  'notifyCustomer',
  'onDecline',
  'poNumber',
  'priceCents',
  'kind',
  'stock',
  'username',
  'password',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...nastyStrings),
  fc.integer(),
  fc.constantFrom(...nastyNumbers),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...keyPool), fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 4 }),
  ),
}));

/** Raw bodies a generator of objects cannot make: own `__proto__` keys, numbers JSON cannot hold, deep nesting, broken JSON. */
const rawBodies = fc.constantFrom(
  '{"__proto__":{"polluted":true},"customer":{"email":"ann@example.com"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"customer":{"__proto__":{"email":"x@example.com"},"email":"ann@example.com","name":"Ann"}}',
  '{"items":[{"sku":"WIDGET-1","quantity":1e400}]}',
  '{"amountCents":1e400,"description":"x"}',
  `{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
  '{"customer":',
  '\u0000',
  'null',
  '[]',
  '"just a string"',
);

/** Bodies near a checkout, with one part made nasty: these get past JSON parsing and deep into validation. */
const nearCheckout = fc
  .record({ part: fc.constantFrom('customer', 'billingAddress', 'shippingAddress', 'items', 'payment', 'notes', 'onDecline'), value: jsonValue })
  .map(({ part, value }) => JSON.stringify({ ...checkoutBody({ payment: cardPayment(testCards.declined) }), [part]: value }));

const injectedEmail = fc
  .constantFrom(...nastyStrings.filter((s) => s.includes('@')))
  .map((email) => JSON.stringify(checkoutBody({ customer: { email, name: 'Ann Lee' } })));

const body = fc.oneof(
  { weight: 4, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: nearCheckout },
  { weight: 1, arbitrary: injectedEmail },
  { weight: 1, arbitrary: rawBodies },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const actions = [
  'approve',
  'ship',
  'complete',
  'invoice',
  'mark-paid',
  'cancel',
  'notes',
  'quote',
  'fulfillment-retry',
  'fulfillment-manual',
  'charge',
  'card',
];

interface Fixture {
  readonly id: string;
  readonly token: string;
}

/** The requests' path parameter: mostly a real order (so refusals are tested on real state), else junk. */
const pathParameter = (fixtures: readonly Fixture[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...fixtures.map((f) => f.id)) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...nastyStrings), fc.string({ maxLength: 30 })).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%E0%A4%A', '%', 'ord_%00') },
  );

const request = (fixtures: readonly Fixture[], tokens: { admin: string; csr: string }) =>
  fc.record({
    route: fc.constantFrom(...routes),
    otherMethod: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') }),
    id: pathParameter(fixtures),
    action: fc.oneof(fc.constantFrom(...actions), fc.string({ maxLength: 12 }).map(encodeURIComponent)),
    sku: fc.oneof(fc.constant('FUZZ-1'), fc.constantFrom(...nastyStrings).map(encodeURIComponent)),
    auth: fc.constantFrom(`Bearer ${tokens.admin}`, `Bearer ${tokens.csr}`, 'Bearer not-a-jwt', 'Basic YWRtaW46YWRtaW4=', undefined),
    orderToken: fc.oneof(fc.constantFrom(...fixtures.map((f) => f.token)), fc.constantFrom('', 'x', 'a'.repeat(300)), fc.constant(undefined)),
    idempotencyKey: fc.oneof(
      fc.constant(`fuzz-${Math.random().toString(36).slice(2)}`),
      fc.constantFrom('short', 'a'.repeat(200), '../../x', 'key with spaces'),
      fc.constant(undefined),
    ),
    ifMatch: fc.oneof(fc.constant(undefined), fc.constantFrom('"1"', '*', 'W/"x"', '99999999999999999999', '-1')),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
    body,
    query: fc.oneof(
      fc.constant(''),
      fc.constantFrom('?limit=0', '?limit=1e9', '?status=NOPE', '?email=%0d%0aBcc:x', '?from=2026-13-45', '?cursor=%FF', '?token=x&token=y', '?day=__proto__'),
    ),
  });

type FuzzRequest = ReturnType<typeof request> extends fc.Arbitrary<infer R> ? R : never;

const pathOf = (r: FuzzRequest) => r.route.path.replace('{id}', r.id).replace('{action}', r.action).replace('{sku}', r.sku) + r.query;

const send = async (r: FuzzRequest) => {
  const headers: Record<string, string> = { 'content-type': r.contentType };
  if (r.auth) headers.authorization = r.auth;
  if (r.orderToken !== undefined) headers['x-order-token'] = r.orderToken;
  if (r.idempotencyKey) headers['idempotency-key'] = r.idempotencyKey;
  if (r.ifMatch) headers['if-match'] = r.ifMatch;
  const method = r.otherMethod ?? r.route.method;
  const response = await fetch(`${twin().apiUrl}${pathOf(r)}`, { method, headers, body: method === 'GET' ? undefined : r.body });
  return { status: response.status, text: await response.text() };
};

/** What a request could have changed on an order: every entry a customer or staff member caused. */
const signature = async (id: string) => {
  const order = await storedOrder(id);
  return JSON.stringify(order.history.filter((e) => e.actor !== actors.system && e.actor !== actors.fulfillment).map((e) => [e.type, e.actor, e.message]));
};

const settingsStore = () => new DynamoSettingsStore(createDocumentClient(twin().dynamoDbUrl), 'Orders-local');

describe('every route under generated requests', () => {
  const fixtures: Fixture[] = [];
  let settingsBefore: Settings;

  beforeAll(async () => {
    settingsBefore = await settingsStore().get();
    const product = await createProduct({ stock: 1000 });
    const items = [{ sku: product.sku, quantity: 1 }];
    const place = async (payment: unknown, onDecline = 'ask') => {
      const response = await postCheckout(checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' }, items, payment, onDecline }));
      expect(response.status).toBeLessThan(500);
      fixtures.push({ id: response.body.order.id, token: response.body.trackingToken });
    };
    await place(cardPayment(testCards.visa));
    await place(cardPayment(testCards.declined));
    await place(cardPayment(testCards.declined), 'offline');
    await place({ method: 'purchase_order', poNumber: 'PO-FUZZ' });
    const evaluation = await createProduct({ kind: 'evaluation', priceCents: 0, stock: 100 });
    const quoted = await postCheckout(
      checkoutBody({ customer: { email: uniqueEmail(), name: 'Ann Lee' }, items: [{ sku: evaluation.sku, quantity: 1 }], payment: undefined }),
    );
    expect((await act('csr', quoted.body.order.id, 'quote', { amountCents: 5000, description: 'Fix it' })).status).toBe(200);
    fixtures.push({ id: quoted.body.order.id, token: quoted.body.trackingToken });
  });

  it('answers a body nested far deeper than any request with 400 on the idempotent routes', async () => {
    const deep = `{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const admin = await staffToken('admin');
    const [order] = fixtures;
    for (const [path, headers] of [
      ['/checkout', {}],
      [`/orders/${order!.id}/payment`, { 'x-order-token': order!.token }],
      ['/admin/orders', { authorization: `Bearer ${admin}` }],
    ] as const) {
      const response = await fetch(`${twin().apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${Math.random().toString(36).slice(2)}`, ...headers },
        body: deep,
      });
      expect(response.status, path).toBe(400);
    }
  });

  // A generated settings change that happens to be valid must not outlive this file.
  afterAll(async () => settingsStore().put(settingsBefore));

  it('never answers 5xx, always the error envelope, and changes no order it refused', { timeout: 120_000 }, async () => {
    const tokens = { admin: await staffToken('admin'), csr: await staffToken('csr') };
    const baseline = new Map(await Promise.all(fixtures.map(async (f) => [f.id, await signature(f.id)] as const)));
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(request(fixtures, tokens), { minLength: 10, maxLength: 10 }), async (batch) => {
        const answers = await Promise.all(batch.map(send));
        sent += batch.length;
        const targeted = new Map<string, boolean>();
        answers.forEach((answer, index) => {
          const r = batch[index]!;
          const where = `${r.otherMethod ?? r.route.method} ${pathOf(r).slice(0, 200)} → ${answer.status}`;
          expect(answer.status, `${where} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
          if (answer.status >= 400) {
            const parsed = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
            expect(parsed.error, where).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
          }
          // A held card's charge the gateway declined is a 402 that records the attempt on the order (SPEC §4.2).
          const acted = answer.status < 400 || (r.route.operation === 'chargeCard' && answer.status === 402);
          for (const f of fixtures) if (pathOf(r).includes(f.id)) targeted.set(f.id, (targeted.get(f.id) ?? false) || acted);
        });
        // A fixture only refused this batch is as it was; one a request succeeded on is the new baseline.
        for (const [id, succeeded] of targeted) {
          const now = await signature(id);
          if (!succeeded) expect(now, `order ${id} changed by a refused request`).toBe(baseline.get(id));
          baseline.set(id, now);
        }
      }),
      { numRuns: 160 },
    );
    expect(sent).toBe(1600);
    // Nothing changed an order between the requests that touched it either.
    for (const f of fixtures) expect(await signature(f.id), `order ${f.id} changed by no request that succeeded on it`).toBe(baseline.get(f.id));
  });
});
