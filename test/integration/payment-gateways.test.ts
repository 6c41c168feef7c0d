import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortReference } from '../../functions/adapters/gateways/authorizenet.js';
import { DynamoCatalog } from '../../functions/adapters/dynamo/catalog.js';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { startAuthorizeNetStandIn } from '../support/authorizenet-server.js';
import type { GatewayStandIn, ReceivedRequest } from '../support/gateway-server.js';
import { startStripeStandIn } from '../support/stripe-server.js';
import { startTwinProcess, type TwinProcess } from '../support/twin-process.js';
import { cardPayment, checkoutBody, scanTable } from './helpers.js';

/**
 * The twin with a real gateway adapter, pointed at a loopback stand-in of that gateway: each
 * configuration starts its own twin (a few seconds each) next to the shared sandbox twin.
 */
const cards = { approved: '4242424242424242', declined: '4000000000000002', transient: '4000000000000119' };

interface GatewayCase {
  readonly name: 'authorizenet' | 'stripe';
  start(): Promise<{ standIn: GatewayStandIn; env: Record<string, string> }>;
  /** The idempotency key of each request, as that gateway carries it. */
  keysSent(requests: readonly ReceivedRequest[]): string[];
  /** The key an authorization of attempt `attempt` of an order must carry. */
  authorizationKey(orderId: string, attempt: number): string;
  /** The stand-in's state of a transaction the twin recorded on the order. */
  transactionStatus(standIn: GatewayStandIn, transactionId: string): string | undefined;
  /** How many transactions (authorizations) the stand-in holds. */
  transactionCount(standIn: GatewayStandIn): number;
  /** The request body with the one field that may hold the PAN removed. */
  withoutCardNumber(body: string): string;
  /** Whether an authorization request carried a CVC. */
  sentCvc(body: string): boolean;
}

const cases: GatewayCase[] = [
  {
    name: 'authorizenet',
    async start() {
      const credentials = { apiLoginId: `login-${randomUUID().slice(0, 8)}`, transactionKey: randomUUID().replace(/-/g, '').slice(0, 16) };
      const standIn = await startAuthorizeNetStandIn(credentials);
      return {
        standIn,
        env: {
          AUTHORIZENET_API_LOGIN_ID: credentials.apiLoginId,
          AUTHORIZENET_TRANSACTION_KEY: credentials.transactionKey,
          AUTHORIZENET_API_URL: `${standIn.url}/xml/v1/request.api`,
        },
      };
    },
    keysSent: (requests) => requests.map((r) => JSON.parse(r.body).createTransactionRequest.refId),
    authorizationKey: (orderId, attempt) => shortReference(`${orderId}.${attempt}`),
    transactionStatus: (standIn, id) => (standIn as Awaited<ReturnType<typeof startAuthorizeNetStandIn>>).transactions.get(id)?.status,
    transactionCount: (standIn) => (standIn as Awaited<ReturnType<typeof startAuthorizeNetStandIn>>).transactions.size,
    withoutCardNumber: (body) => body.replace(/"cardNumber":"\d+"/, '"cardNumber":""'),
    sentCvc: (body) => body.includes('"cardCode"'),
  },
  {
    name: 'stripe',
    async start() {
      const secretKey = `sk_test_${randomUUID().replace(/-/g, '')}`;
      const standIn = await startStripeStandIn(secretKey);
      return { standIn, env: { STRIPE_SECRET_KEY: secretKey, STRIPE_API_BASE: standIn.url } };
    },
    keysSent: (requests) => requests.map((r) => r.headers['idempotency-key'] as string),
    authorizationKey: (orderId, attempt) => `${orderId}.${attempt}`,
    transactionStatus: (standIn, id) => (standIn as Awaited<ReturnType<typeof startStripeStandIn>>).intents.get(id)?.status,
    transactionCount: (standIn) => (standIn as Awaited<ReturnType<typeof startStripeStandIn>>).intents.size,
    withoutCardNumber: (body) => {
      const form = new URLSearchParams(body);
      form.delete('payment_method_data[card][number]');
      return form.toString();
    },
    sentCvc: (body) => new URLSearchParams(body).has('payment_method_data[card][cvc]'),
  },
];

/** The twin of one configuration, with its gateway stand-in. */
const startGatewayTwin = async (gateway: GatewayCase) => {
  const { standIn, env } = await gateway.start();
  const twin = await startTwinProcess({
    PAYMENT_GATEWAY: gateway.name,
    // Well short of the stand-in's late answers (lateAnswerMs), so a slow gateway is a timeout,
    // and well above an ordinary answer on a loaded machine (a first authorization answered after
    // 500 ms was asked again: right, but not the single request that test expects).
    PAYMENT_GATEWAY_TIMEOUT_MS: '1500',
    WORKFLOW_RETRY_INTERVAL_MS: '5',
    LOG_EXECUTION_DATA: 'true',
    ...env,
  }).catch(async (error: unknown) => {
    await standIn.stop();
    throw error;
  });
  return { standIn, twin };
};

/** Both configurations' twins start side by side as the file begins; each block takes its own. */
const gatewayTwins = new Map<GatewayCase['name'], Promise<{ standIn: GatewayStandIn; twin: TwinProcess }>>();
beforeAll(() => {
  for (const gateway of cases) {
    const starting = startGatewayTwin(gateway);
    // A failed start is reported by the block that awaits it.
    starting.catch(() => undefined);
    gatewayTwins.set(gateway.name, starting);
  }
});

describe.each(cases)('the twin with PAYMENT_GATEWAY=$name', (gateway) => {
  let standIn: GatewayStandIn;
  let twin: TwinProcess;
  let sku: string;
  let adminToken: string;

  const call = async (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${twin.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text), text };
  };
  const checkout = (number: string, onDecline: 'ask' | 'offline' = 'ask') =>
    call('POST', '/checkout', {
      body: checkoutBody({
        customer: { email: `buyer-${randomUUID().slice(0, 8)}@example.com`, name: 'Ann Lee' },
        items: [{ sku, quantity: 2 }],
        payment: cardPayment(number),
        onDecline,
      }),
      headers: { 'Idempotency-Key': `test-${randomUUID()}` },
    });
  const admin = (method: string, path: string, body?: unknown) => call(method, path, { body, headers: { authorization: `Bearer ${adminToken}` } });
  const staffOrder = async (id: string) => (await admin('GET', `/admin/orders/${id}`)).body.order;
  const until = async (id: string, status: string) => {
    for (let i = 0; i < 100; i++) {
      const order = await staffOrder(id);
      if (order.status === status) return order;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`order ${id} never reached ${status}`);
  };
  const receivedSince = (count: number) => standIn.received.slice(count);

  beforeAll(async () => {
    ({ standIn, twin } = await gatewayTwins.get(gateway.name)!);
    expect(twin.banner).toContain(`Payments     ${gateway.name} at ${gateway.name === 'stripe' ? standIn.url : `${standIn.url}/xml/v1/request.api`}`);
    sku = `PAY-${randomUUID().slice(0, 8).toUpperCase()}`;
    await new DynamoCatalog(createDocumentClient(twin.dynamoDbUrl), 'Orders-local').put({
      sku,
      name: 'Gateway widget',
      priceCents: 1999,
      kind: 'standard',
      stock: 100,
    });
    adminToken = (await call('POST', '/auth/login', { body: { username: 'admin', password: twin.staffPasswords.admin } })).body.token;
  }, 120_000);
  afterAll(async () => {
    await twin?.stop();
    await standIn?.stop();
  });

  it('places an approved checkout, authorized through the gateway with the attempt key', async () => {
    const before = standIn.received.length;
    const response = await checkout(cards.approved);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ outcome: 'placed', order: { payment: { status: 'AUTHORIZED' }, testMode: false } });
    const order = await staffOrder(response.body.order.id);
    expect(order.payment).toMatchObject({ gateway: gateway.name, transactionId: expect.any(String), gatewayCode: null });
    expect(gateway.keysSent(receivedSince(before))).toEqual([gateway.authorizationKey(order.id, 1)]);
    expect(gateway.transactionStatus(standIn, order.payment.transactionId)).toBe(gateway.name === 'stripe' ? 'requires_capture' : 'authorized');
    expect(standIn.violations).toEqual([]);
  });

  it('answers a decline with 402, the customer reason and the next actions; staff see the gateway code', async () => {
    const response = await checkout(cards.declined);
    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ error: { code: 'payment_declined', declineReason: 'card_declined' }, actions: ['retry_payment', 'submit_offline'] });
    expect((await staffOrder(response.body.order.id)).payment.gatewayCode).toBe(gateway.name === 'stripe' ? 'generic_decline' : '2');
  });

  it('ends as gateway_unavailable after the workflow retries, every call of the attempt with its one key', async () => {
    const before = standIn.received.length;
    const response = await checkout(cards.transient);
    expect(response.status).toBe(402);
    expect(response.body.error.declineReason).toBe('gateway_unavailable');
    expect(gateway.keysSent(receivedSince(before))).toEqual(Array(3).fill(gateway.authorizationKey(response.body.order.id, 1)));
  });

  it('authorizes once when the answer is lost and the workflow asks again with the same key', async () => {
    const before = standIn.received.length;
    // Stripe's SDK retries a dropped connection once by itself: drop that retry's answer too.
    standIn.fail('drop_after_processing', gateway.name === 'stripe' ? 2 : 1);
    const response = await checkout(cards.approved);
    expect(response.status).toBe(201);
    const keys = gateway.keysSent(receivedSince(before));
    expect(new Set(keys)).toEqual(new Set([gateway.authorizationKey(response.body.order.id, 1)]));
    expect(keys.length).toBeGreaterThan(1);
    const order = await staffOrder(response.body.order.id);
    expect(gateway.transactionStatus(standIn, order.payment.transactionId)).toBeDefined();
  });

  it('a slow gateway: an answer later than the timeout is asked again with the same key, one authorization, the order placed', async () => {
    const before = standIn.received.length;
    const transactions = gateway.transactionCount(standIn);
    standIn.fail('answer_late');
    const response = await checkout(cards.approved);
    expect(response.status).toBe(201);
    const key = gateway.authorizationKey(response.body.order.id, 1);
    expect(gateway.keysSent(receivedSince(before))).toEqual([key, key]);
    expect(gateway.transactionCount(standIn)).toBe(transactions + 1);
    const order = await staffOrder(response.body.order.id);
    expect(order.payment).toMatchObject({ status: 'AUTHORIZED', gateway: gateway.name });
    expect(gateway.transactionStatus(standIn, order.payment.transactionId)).toBeDefined();
  });

  it('a gateway that never answers in time: every try with the one key, the order INCOMPLETE as gateway_unavailable, no card kept past the attempt', async () => {
    const before = standIn.received.length;
    standIn.fail('answer_late', 3);
    const response = await checkout(cards.approved);
    expect(response.status).toBe(402);
    expect(response.body.error.declineReason).toBe('gateway_unavailable');
    const id = response.body.order.id;
    expect(gateway.keysSent(receivedSince(before))).toEqual(Array(3).fill(gateway.authorizationKey(id, 1)));
    const order = await staffOrder(id);
    expect(order).toMatchObject({ status: 'INCOMPLETE', payment: { status: 'DECLINED', declineReason: 'gateway_unavailable' } });
    expect((await scanTable('CardCvc-local', twin.dynamoDbUrl)).filter((item: any) => item.pk.S === `ORDER#${id}`)).toEqual([]);
  });

  it('captures the transaction that authorized the order when it ships', async () => {
    const placed = await checkout(cards.approved);
    const order = await until(placed.body.order.id, 'IN_PROCESS');
    const shipped = await admin('POST', `/admin/orders/${order.id}/ship`, { carrier: 'UPS', trackingNumber: '1Z999', notifyCustomer: false });
    expect(shipped.status).toBe(200);
    expect(shipped.body.order).toMatchObject({ status: 'SHIPPED', payment: { status: 'CAPTURED', transactionId: order.payment.transactionId } });
    expect(gateway.transactionStatus(standIn, order.payment.transactionId)).toBe(gateway.name === 'stripe' ? 'succeeded' : 'captured');
  });

  it('voids the authorization when the order is canceled', async () => {
    const placed = await checkout(cards.approved);
    const cancelled = await admin('POST', `/admin/orders/${placed.body.order.id}/cancel`, { reason: 'customer changed their mind', notifyCustomer: false });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order).toMatchObject({ status: 'CANCELLED', payment: { status: 'VOIDED' } });
    expect(gateway.transactionStatus(standIn, cancelled.body.order.payment.transactionId)).toBe(gateway.name === 'stripe' ? 'canceled' : 'voided');
  });

  it('charges the held card of an offline order without CVC: approved places it', async () => {
    // The gateway was down at checkout, so the order went offline with the card held.
    standIn.fail('http_500', 3);
    const offline = await checkout(cards.approved, 'offline');
    expect(offline.body).toMatchObject({ outcome: 'offline', order: { status: 'OFFLINE_PENDING' } });
    const before = standIn.received.length;
    const charged = await admin('POST', `/admin/orders/${offline.body.order.id}/charge`, {});
    expect(charged.status).toBe(200);
    expect(charged.body.order).toMatchObject({ payment: { status: 'AUTHORIZED', gateway: gateway.name }, testMode: false });
    // Placed; without a webhook the fulfillment hand-off is accepted at once and may take it before the answer.
    expect(['ORDER_PLACED', 'IN_PROCESS']).toContain(charged.body.order.status);
    expect(charged.body.order.history).toContainEqual(expect.objectContaining({ type: 'status', message: expect.stringMatching(/placed/i) }));
    const [sent] = receivedSince(before);
    expect(gateway.sentCvc(sent!.body)).toBe(false);
    expect(gateway.keysSent([sent!])).toEqual([gateway.authorizationKey(offline.body.order.id, 2)]);
    const stored = await staffOrder(offline.body.order.id);
    expect(stored.history).toContainEqual(expect.objectContaining({ type: 'card_charged', actor: 'admin', data: expect.objectContaining({ approved: true }) }));
    expect(stored.history).toContainEqual(expect.objectContaining({ type: 'card_purged' }));
    const audit = (await admin('GET', '/admin/audit')).body.events;
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'admin', action: 'chargeCard', outcome: 'succeeded', orderId: offline.body.order.id }));
    expect(standIn.violations).toEqual([]);
  });

  it('charges the held card of an offline order: a decline is 402 with the order, the card kept', async () => {
    const offline = await checkout(cards.declined, 'offline');
    expect(offline.body.order.status).toBe('OFFLINE_PENDING');
    const charged = await admin('POST', `/admin/orders/${offline.body.order.id}/charge`, {});
    expect(charged.status).toBe(402);
    expect(charged.body).toMatchObject({
      error: { code: 'payment_declined', declineReason: 'card_declined' },
      order: { status: 'OFFLINE_PENDING', payment: { gateway: gateway.name } },
    });
    expect(charged.body.order.history.at(-1)).toMatchObject({ type: 'card_charged', actor: 'admin', data: { approved: false, attempt: 2 } });
    // The card is still held: an admin can still reveal it.
    expect((await admin('POST', `/admin/orders/${offline.body.order.id}/card/reveal`, { reason: 'call the customer' })).status).toBe(200);
    const audit = (await admin('GET', '/admin/audit')).body.events;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'chargeCard', outcome: 'payment_declined', orderId: offline.body.order.id }));
  });

  it('sends the PAN only in the gateway request field that needs it: not in other fields, the log or the tables', async () => {
    const digitsOf = [cards.approved, cards.declined, cards.transient];
    expect(standIn.received.length).toBeGreaterThan(0);
    for (const request of standIn.received) {
      const rest = gateway.withoutCardNumber(request.body) + JSON.stringify(request.headers);
      for (const pan of digitsOf) expect(rest, 'a gateway request outside its card number field').not.toContain(pan);
    }
    const log = readFileSync(twin.logFile, 'utf8');
    expect(log).toContain('workflow event');
    for (const table of ['Orders-local', 'CardVault-local', 'CardCvc-local']) {
      const items = JSON.stringify(await scanTable(table, twin.dynamoDbUrl), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
      for (const pan of digitsOf) expect(items, table).not.toContain(pan);
    }
    for (const pan of digitsOf) expect(log, 'the twin log').not.toContain(pan);
  });
});
