import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../functions/core/settings.js';
import { act, placeOrder, staffApi, staffOrder } from './admin-helpers.js';
import { until } from './fulfillment-helpers.js';
import {
  type ApiResponse,
  api,
  cardPayment,
  checkoutBody,
  createProduct,
  mailsFor,
  newKey,
  outboxDrained,
  postCheckout,
  scanTable,
  storedOrder,
  testCards,
  twin,
  uniqueEmail,
} from './helpers.js';
import { raisedCardTestingLimits, twinMailIdentity } from './twin-setup.js';

/*
 * Tests that change store-wide settings, the store's own (its name, offline payment, the
 * customer's offline notice) and the card-testing limits (SPEC §12), or read store-wide figures
 * (the daily report). This file runs on a twin of its own (see vitest.config.ts), so no other
 * file meets a renamed store, offline payment turned off or limits that would refuse the suite's
 * many declines of the same test cards, and no other file's orders move its figures. Its tests
 * run one after the other, and each puts back what it changed.
 */

const currentSettings = async (): Promise<Settings> => (await staffApi('admin', 'GET', '/admin/settings')).body;

const withSettings = async (changes: Partial<Settings>, run: () => Promise<void>) => {
  const before = await currentSettings();
  expect((await staffApi('admin', 'PUT', '/admin/settings', { body: changes })).status).toBe(200);
  try {
    await run();
  } finally {
    const restore = Object.fromEntries(Object.keys(changes).map((key) => [key, before[key as keyof Settings]]));
    expect((await staffApi('admin', 'PUT', '/admin/settings', { body: restore })).status).toBe(200);
  }
};

const declinedCheckout = async (onDecline: 'ask' | 'offline') => {
  const email = uniqueEmail();
  const product = await createProduct({ stock: 5 });
  const response = await postCheckout(
    checkoutBody({ customer: { email, name: 'Dee Clined' }, items: [{ sku: product.sku, quantity: 1 }], payment: cardPayment(testCards.declined), onDecline }),
  );
  return { email, response, orderId: response.body.order?.id as string, token: response.body.trackingToken as string };
};

describe('settings (GET/PUT /admin/settings)', () => {
  it('merges a partial update and shows it to every staff member', async () => {
    const before = await currentSettings();
    const renamed = `Store ${Date.now()}`;
    await withSettings({ storeName: renamed }, async () => {
      expect(await currentSettings()).toEqual({ ...before, storeName: renamed });
      expect((await staffApi('csr', 'GET', '/admin/settings')).body.storeName).toBe(renamed);
    });
    expect(await currentSettings()).toEqual(before);
  });

  it('refuses a sender outside the verified mail identity, naming it, and takes one inside it', async () => {
    const before = await currentSettings();
    const outside = await staffApi('admin', 'PUT', '/admin/settings', { body: { fromEmail: 'orders@unverified.test' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe('validation_failed');
    expect(outside.body.error.message).toContain(twinMailIdentity);
    expect(outside.body.error.details).toEqual([{ path: 'fromEmail', message: expect.stringContaining(twinMailIdentity) }]);
    expect(await currentSettings()).toEqual(before);

    const inside = `Sales@${twinMailIdentity.toUpperCase()}`;
    await withSettings({ fromEmail: inside }, async () => {
      expect((await currentSettings()).fromEmail).toBe(inside);
    });
  });
});

describe('offline payment turned off (allowOfflineResubmit=false)', () => {
  it('offers no submit_offline on a decline, and POST /orders/{id}/offline answers 409', async () => {
    await withSettings({ allowOfflineResubmit: false }, async () => {
      const { response, orderId, token } = await declinedCheckout('ask');
      expect(response.status).toBe(402);
      expect(response.body.actions).toEqual(['retry_payment']);

      const offline = await api('POST', `/orders/${orderId}/offline`, { headers: { 'X-Order-Token': token } });
      expect(offline.status).toBe(409);
      expect(offline.body.error.code).toBe('invalid_transition');
      expect((await storedOrder(orderId)).status).toBe('INCOMPLETE');
    });
  });

  it('asks the customer again even when the checkout said onDecline "offline"', async () => {
    await withSettings({ allowOfflineResubmit: false }, async () => {
      const { response, orderId } = await declinedCheckout('offline');
      expect(response.status).toBe(402);
      expect(response.body.actions).toEqual(['retry_payment']);
      expect((await storedOrder(orderId)).status).toBe('INCOMPLETE');
    });
  });
});

describe('no offline notice to customers (customerOfflineNotice=false)', () => {
  it('holds the order offline and tells the staff, but sends the customer nothing', async () => {
    await withSettings({ customerOfflineNotice: false }, async () => {
      const { email, response, orderId } = await declinedCheckout('offline');
      expect(response.status).toBe(201);
      expect(response.body.outcome).toBe('offline');

      // The staff notice goes out after the customer's receipt would have: once it is recorded, the receipt was decided.
      const stored = await until('the staff notice to be recorded', async () => {
        const order = await storedOrder(orderId);
        return order.emailsSent?.includes('offline_notice') ? order : undefined;
      });
      expect(stored.status).toBe('OFFLINE_PENDING');
      expect(stored.emailsSent).not.toContain('receipt');
      expect(await mailsFor('csr@example.com', `Offline order ${orderId} waits for a manual charge`)).toHaveLength(1);
      expect(await mailsFor(email, '')).toEqual([]);
    });
  });
});

const today = () => new Date().toISOString().slice(0, 10);

describe('daily report (GET /admin/reports/daily)', () => {
  // The day's figures are the whole store's: here no other file places or cancels an order meanwhile, so they move by this test's orders exactly.
  it('reports orders and revenue per day from the daily totals, every day of the range, sales only', async () => {
    const empty = await staffApi('csr', 'GET', '/admin/reports/daily?from=2001-02-27&to=2001-03-01');
    expect(empty.status).toBe(200);
    expect(empty.body.days).toEqual([
      { day: '2001-02-27', orderCount: 0, revenueCents: 0 },
      { day: '2001-02-28', orderCount: 0, revenueCents: 0 },
      { day: '2001-03-01', orderCount: 0, revenueCents: 0 },
    ]);
    const day = async () => (await staffApi('csr', 'GET', `/admin/reports/daily?from=${today()}&to=${today()}`)).body.days[0];
    const before = await day();
    const sale = await placeOrder({ priceCents: 1234, quantity: 1 });
    await placeOrder({ payment: cardPayment(testCards.declined), priceCents: 99999, quantity: 1 });
    expect(await day()).toEqual({ day: today(), orderCount: before.orderCount + 1, revenueCents: before.revenueCents + sale.order.totals.totalCents });
    expect(empty.body.statusLabels).toMatchObject({ OFFLINE_PENDING: 'Pending (offline)', CANCELLED: 'Canceled' });
    expect((await staffApi('csr', 'GET', '/admin/reports/daily?from=2001-03-02&to=2001-03-01')).status).toBe(400);
    expect((await staffApi('csr', 'GET', '/admin/reports/daily?from=2000-01-01&to=2001-03-01')).status).toBe(400);
    expect((await staffApi('csr', 'GET', '/admin/reports/daily')).body.days).toHaveLength(30);
  });
});

/** Card-testing limits over HTTP (SPEC §12). */
const cards = { lost: '4000000000009987', stolen: '4000000000009979', fraudulent: '4100000000000019', declined: '4000000000000002', visa: '4242424242424242' };

/**
 * A request from a given loopback address: the twin takes the client address from the socket,
 * as API Gateway does from the connection, so binding the client's end is how a test is another client.
 */
const apiFrom = (localAddress: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
  new Promise<ApiResponse>((resolve, reject) => {
    const url = new URL(`${twin().apiUrl}${path}`);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])));
          let parsed: any = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode!, headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

// Through the admin API: the twin's own settings cache takes the change at once, as a deployed container's does within seconds.
const setLimits = async (limits: Partial<Settings>) => {
  const response = await staffApi('admin', 'PUT', '/admin/settings', { body: limits });
  expect(response.status).toBe(200);
};
const checkoutFrom = async (address: string, number: string, email = uniqueEmail()) => {
  const product = await createProduct({ stock: 50 });
  return apiFrom(address, 'POST', '/checkout', {
    body: checkoutBody({ customer: { email, name: 'Ann Lee' }, items: [{ sku: product.sku, quantity: 1 }], payment: cardPayment(number) }),
    headers: { 'Idempotency-Key': newKey() },
  });
};

const retryFrom = (address: string, order: { id: string }, token: string, number: string) =>
  apiFrom(address, 'POST', `/orders/${order.id}/payment`, {
    body: { payment: cardPayment(number) },
    headers: { 'X-Order-Token': token, 'Idempotency-Key': newKey() },
  });

/** Every authorization the gateway answered is one PaymentAttempts metric line in the twin's log. */
const gatewayCalls = async () => {
  await new Promise((resolve) => setTimeout(resolve, 150));
  return readFileSync(twin().logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"metric":"PaymentAttempts"')).length;
};

const ordersOf = async (email: string) =>
  ((await scanTable('Orders-local')) as { customerEmail?: { S: string } }[]).filter((item) => item.customerEmail?.S === email);

const expectRateLimited = (response: ApiResponse) => {
  expect(response.status).toBe(429);
  expect(response.body.error.code).toBe('rate_limited');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
};

describe('card-testing limits (SPEC §12)', () => {
  afterEach(() => setLimits(raisedCardTestingLimits));

  it('answers the N+1th attempt with a card declined N times 429 with Retry-After, without calling the gateway', async () => {
    await setLimits({ declinesPerCardPerHour: 3 });
    const declined = [];
    // From three different clients: the card's own count is what stops it.
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) declined.push(await checkoutFrom(address, cards.lost));
    expect(declined.map((r) => r.status)).toEqual([402, 402, 402]);
    const { order, trackingToken } = declined[0]!.body;
    // The pay link's email is recorded after the 402; after that the order only moves when acted on.
    await outboxDrained(order.id);
    const before = await staffOrder(order.id);
    const callsBefore = await gatewayCalls();

    const email = uniqueEmail();
    expectRateLimited(await checkoutFrom('127.0.0.5', cards.lost, email));
    expect(await ordersOf(email)).toEqual([]);
    expectRateLimited(await retryFrom('127.0.0.2', order, trackingToken, cards.lost));
    const after = await staffOrder(order.id);
    expect(after.version).toBe(before.version);
    expect(after.history.filter((e: { type: string }) => e.type === 'payment_attempt')).toHaveLength(1);
    expect(await gatewayCalls()).toBe(callsBefore);

    // Another card from another client still goes through.
    const other = await checkoutFrom('127.0.0.6', cards.visa);
    expect(other.status).toBe(201);
    expect(await gatewayCalls()).toBe(callsBefore + 1);
  });

  it('counts declines per client address, whatever the card', async () => {
    await setLimits({ declinesPerIpPerHour: 2 });
    expect((await checkoutFrom('127.0.0.7', cards.declined)).status).toBe(402);
    expect((await checkoutFrom('127.0.0.7', cards.stolen)).status).toBe(402);
    const callsBefore = await gatewayCalls();
    expectRateLimited(await checkoutFrom('127.0.0.7', cards.visa));
    expect(await gatewayCalls()).toBe(callsBefore);
    expect((await checkoutFrom('127.0.0.8', cards.visa)).status).toBe(201);
  });

  it('caps the attempts on one order', async () => {
    await setLimits({ paymentAttemptsPerOrder: 2 });
    const first = await checkoutFrom('127.0.0.9', cards.declined);
    const { order, trackingToken } = first.body;
    expect((await retryFrom('127.0.0.9', order, trackingToken, cards.fraudulent)).status).toBe(402);
    expectRateLimited(await retryFrom('127.0.0.10', order, trackingToken, cards.visa));
    const stored = await staffOrder(order.id);
    expect(stored.status).toBe('INCOMPLETE');
    expect(stored.history.filter((e: { type: string }) => e.type === 'payment_attempt')).toHaveLength(2);
  });

  it('holds a quote open when its card is over the limits: nothing superseded, no new order', async () => {
    const address = '127.0.0.11';
    await setLimits({ declinesPerIpPerHour: 1 });
    expect((await checkoutFrom(address, cards.declined)).status).toBe(402);
    const email = uniqueEmail();
    const evaluation = await createProduct({ kind: 'evaluation', priceCents: 0, stock: 5 });
    const placed = await apiFrom(address, 'POST', '/checkout', {
      body: checkoutBody({ customer: { email, name: 'Ann Lee' }, items: [{ sku: evaluation.sku, quantity: 1 }], payment: undefined }),
      headers: { 'Idempotency-Key': newKey() },
    });
    expect(placed.status).toBe(201);
    const { order, trackingToken } = placed.body;
    expect((await act('csr', order.id, 'quote', { amountCents: 5000, description: 'Replace the hinge' })).status).toBe(200);
    const accepted = await apiFrom(address, 'POST', `/orders/${order.id}/quote/accept`, {
      body: { payment: cardPayment(cards.visa) },
      headers: { 'X-Order-Token': trackingToken },
    });
    expectRateLimited(accepted);
    const quoted = await staffOrder(order.id);
    expect(quoted).toMatchObject({ status: 'AWAITING_CUSTOMER_APPROVAL', supersededBy: null });
    expect(await ordersOf(email)).toHaveLength(1);
  });

  it('tells the customer card_declined for lost, stolen and fraudulent cards; staff see the gateway code', async () => {
    const expected = { [cards.lost]: 'lost_card', [cards.stolen]: 'stolen_card', [cards.fraudulent]: 'fraudulent' };
    for (const [number, gatewayCode] of Object.entries(expected)) {
      const response = await checkoutFrom('127.0.0.12', number);
      expect(response.status).toBe(402);
      expect(response.body.error.declineReason).toBe('card_declined');
      expect(response.text).not.toContain(gatewayCode);
      expect((await staffOrder(response.body.order.id)).payment.gatewayCode).toBe(gatewayCode);
    }
  });
});
