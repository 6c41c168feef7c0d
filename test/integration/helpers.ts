import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { DynamoCatalog } from '../../functions/adapters/dynamo/catalog.js';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import type { Order } from '../../functions/core/order.js';
import type { Product } from '../../functions/core/ports.js';
import { testCards } from '../support/fixtures.js';

// The twin's emulators accept any credentials; the SDK still wants some.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

export const twin = () => inject('twin');

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const api = async <T = any>(
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> => {
  const headers: Record<string, string> = { ...options.headers };
  const body = options.body !== undefined ? JSON.stringify(options.body) : options.raw;
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${twin().apiUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
};

export const newKey = () => `test-${randomUUID()}`;

export { testCards } from '../support/fixtures.js';

export const cardPayment = (number: string = testCards.visa, cvc = '123') => ({
  method: 'card',
  card: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc, holderName: 'Ann Lee' },
});

export const checkoutBody = (overrides: Record<string, unknown> = {}) => ({
  customer: { email: 'ann@example.com', name: 'Ann Lee', phone: '+1 555 0100' },
  billingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  shippingAddress: null,
  items: [{ sku: 'WIDGET-1', quantity: 1 }],
  payment: cardPayment(),
  onDecline: 'ask',
  ...overrides,
});

export const postCheckout = (body: unknown, key = newKey()) => api('POST', '/checkout', { body, headers: { 'Idempotency-Key': key } });

const client = () => createDocumentClient(twin().dynamoDbUrl);

/** Test setup writes products straight into the twin's table, each test with its own SKUs. */
export const createProduct = async (overrides: Partial<Product> = {}): Promise<Product> => {
  const product: Product = {
    sku: `T-${randomUUID().slice(0, 8).toUpperCase()}`,
    name: 'Test product',
    priceCents: 1000,
    kind: 'standard',
    stock: 10,
    ...overrides,
  };
  await new DynamoCatalog(client(), 'Orders-local').put(product);
  return product;
};

export const stockOf = async (sku: string) => (await new DynamoCatalog(client(), 'Orders-local').get([sku])).get(sku)!.stock;

/** The card vault items of one order, raw: its held cards and any CVC left. */
export const vaultItemsOf = async (orderId: string) =>
  ([...(await scanTable('CardVault-local')), ...(await scanTable('CardCvc-local'))] as { pk: { S: string } }[]).filter(
    (item) => item.pk.S === `ORDER#${orderId}`,
  );

/** Every item of a table, raw, as DynamoDB holds it. */
export const scanTable = async (tableName: string, dynamoDbUrl = twin().dynamoDbUrl) => {
  const dynamo = new DynamoDBClient({ endpoint: dynamoDbUrl });
  const items: unknown[] = [];
  let ExclusiveStartKey: Record<string, any> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

export interface SentMail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
  at: number;
}

export const sentMails = async (): Promise<SentMail[]> => {
  const response = await fetch(`${twin().mailViewerUrl}/store`);
  return ((await response.json()) as { emails: SentMail[] }).emails;
};

export const mailsFor = async (email: string, subjectIncludes: string) =>
  (await sentMails()).filter((m) => m.destination.to.includes(email) && m.subject.includes(subjectIncludes));

const poll = async <T>(what: string, check: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Receipts leave the checkout's wait: polls until `count` mails to `email` with the subject have arrived. */
export const mailsArrived = (email: string, subjectIncludes: string, count = 1) =>
  poll(`${count} mail(s) "${subjectIncludes}" to ${email}`, async () => {
    const mails = await mailsFor(email, subjectIncludes);
    return mails.length >= count ? mails : null;
  });

/** Waits until the order's outbox is drained (receipts sent or failed), so its version no longer moves on its own. */
export const outboxDrained = (orderId: string) =>
  poll(`the outbox of ${orderId}`, async () => {
    const order = await storedOrder(orderId);
    return drained(order) ? order : null;
  });

const drained = (order: Order) => !order.emailOutbox?.some((email) => email.state === 'sending' || email.failures === 0);

export const uniqueEmail = () => `buyer-${randomUUID().slice(0, 8)}@example.com`;

/** The stored order, as the back office would see it (full history included). */
export const storedOrder = async (id: string) => {
  const { DynamoOrderRepository } = await import('../../functions/adapters/dynamo/orders-repository.js');
  return (await new DynamoOrderRepository(client(), 'Orders-local').get(id))!;
};

/** Test setup that stands in for time passing: rewrites an order's card hold (and the vault item) as expired. */
export const expireCardHold = async (orderId: string) => {
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const order = await storedOrder(orderId);
  const past = new Date(Date.now() - 1000);
  await client().send(
    new UpdateCommand({
      TableName: 'Orders-local',
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      UpdateExpression: 'SET heldCard.expiresAt = :at',
      ExpressionAttributeValues: { ':at': past.toISOString() },
    }),
  );
  await client().send(
    new UpdateCommand({
      TableName: 'CardVault-local',
      Key: { pk: `ORDER#${orderId}`, sk: `CARD#${order.heldCard!.ref}` },
      UpdateExpression: 'SET expiresAt = :at',
      ExpressionAttributeValues: { ':at': Math.floor(past.getTime() / 1000) },
    }),
  );
};

export const documentClient = client;
