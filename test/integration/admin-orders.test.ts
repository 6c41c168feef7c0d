import { describe, expect, it } from 'vitest';
import { act, entriesOf, staffApi } from './admin-helpers.js';
import { cardPayment, checkoutBody, createProduct, postCheckout, stockOf, testCards, uniqueEmail } from './helpers.js';

/** Three orders by one customer, oldest first: placed, offline, placed. */
const ordersOfOneCustomer = async () => {
  const email = uniqueEmail();
  const product = await createProduct();
  const ids: string[] = [];
  for (const payment of [cardPayment(), cardPayment(testCards.declined), cardPayment()]) {
    const response = await postCheckout(
      checkoutBody({ customer: { email, name: 'Di Repeat' }, items: [{ sku: product.sku, quantity: 1 }], payment, onDecline: 'offline' }),
    );
    ids.push(response.body.order.id);
  }
  return { email, ids };
};

const list = (query: string) => staffApi('csr', 'GET', `/admin/orders?${query}`);

describe('finding orders (GET /admin/orders)', () => {
  it('pages a customer’s orders newest first with a cursor, and filters by status', async () => {
    const { email, ids } = await ordersOfOneCustomer();
    const first = await list(`email=${encodeURIComponent(email.toUpperCase())}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.orders.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(`email=${encodeURIComponent(email)}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.orders.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();

    const placed = await list(`status=ORDER_PLACED&email=${encodeURIComponent(email)}`);
    expect(placed.body.orders.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[0]]);
    for (const order of placed.body.orders) {
      expect(Object.keys(order).sort()).toEqual(
        [
          'billingAddress',
          'createdAt',
          'currency',
          'customer',
          'flags',
          'id',
          'items',
          'payment',
          'quote',
          'shipments',
          'shippingAddress',
          'status',
          'statusLabel',
          'supersededBy',
          'supersedes',
          'testMode',
          'totals',
          'updatedAt',
          'version',
        ].sort(),
      );
    }
  });

  it('lists by status alone through the index, newest first', async () => {
    const { ids } = await ordersOfOneCustomer();
    const { body } = await list('status=OFFLINE_PENDING&limit=100');
    const createdAt = body.orders.map((o: { createdAt: string }) => o.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
    expect(body.orders.every((o: { status: string }) => o.status === 'OFFLINE_PENDING')).toBe(true);
    expect(body.orders.map((o: { id: string }) => o.id)).toContain(ids[1]);
  });

  it.each([
    ['status=SHIPPING', 'status'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['email=not-an-email', 'email'],
    ['cursor=bm90LWEta2V5', 'cursor'],
    ['sort=oldest', ''],
  ])('refuses %s with 400', async (query, path) => {
    const response = await list(query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});

describe('one order (GET /admin/orders/{id})', () => {
  it('shows the full timeline, internal entries and their data included, with BIN + last 4', async () => {
    const { ids } = await ordersOfOneCustomer();
    await act('csr', ids[1]!, 'notes', { message: 'Waiting for the customer to call back' });
    const { status, body, headers } = await staffApi('csr', 'GET', `/admin/orders/${ids[1]}`);
    expect(status).toBe(200);
    expect(headers.get('etag')).toBe(`"${body.order.version}"`);
    expect(body.order.payment.card).toMatchObject({ bin: '400000', last4: '0002' });
    expect(body.order.history.some((e: { visibleToCustomer: boolean }) => !e.visibleToCustomer)).toBe(true);
    expect(entriesOf(body.order, 'payment_attempt')[0]).toMatchObject({ actor: 'system', data: { approved: false, declineReason: 'card_declined' } });
    expect(entriesOf(body.order, 'note')).toEqual([expect.objectContaining({ actor: 'csr', message: 'Waiting for the customer to call back' })]);
    for (const entry of body.order.history) expect(Date.parse(entry.at)).not.toBeNaN();
  });

  it('answers 404 for an unknown order', async () => {
    const response = await staffApi('csr', 'GET', '/admin/orders/ord_NO_SUCH_ORDER');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('cancelling an INCOMPLETE order', () => {
  it('cancels it and leaves the stock alone: the decline already gave it back', async () => {
    const product = await createProduct({ stock: 10 });
    const declined = await postCheckout(
      checkoutBody({
        customer: { email: uniqueEmail(), name: 'Can Cel' },
        items: [{ sku: product.sku, quantity: 3 }],
        payment: cardPayment(testCards.declined),
      }),
    );
    expect(declined.status).toBe(402);
    expect(declined.body.order.status).toBe('INCOMPLETE');
    expect(await stockOf(product.sku)).toBe(10);

    const cancelled = await act('csr', declined.body.order.id, 'cancel', { reason: 'Customer gave up', notifyCustomer: false });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order.status).toBe('CANCELLED');
    expect(entriesOf(cancelled.body.order, 'stock_released')).toEqual([]);
    expect(await stockOf(product.sku)).toBe(10);
  });
});
