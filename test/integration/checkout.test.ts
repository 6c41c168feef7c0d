import { describe, expect, it } from 'vitest';
import {
  api,
  cardPayment,
  checkoutBody,
  createProduct,
  mailsArrived,
  mailsFor,
  postCheckout,
  stockOf,
  testCards,
  uniqueEmail,
  vaultItemsOf,
} from './helpers.js';

const orderFor = async (email: string, overrides: Record<string, unknown>) => {
  const product = await createProduct({ stock: 10, priceCents: 2500 });
  const response = await postCheckout(checkoutBody({ customer: { email, name: 'Ann Lee' }, items: [{ sku: product.sku, quantity: 2 }], ...overrides }));
  return { product, response };
};

describe('storefront basics', () => {
  it('answers health with a request id', async () => {
    const response = await api('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(/\S{8,}/);
  });

  it('lists the seeded catalog with an evaluation product', async () => {
    const { status, body } = await api('GET', '/products');
    expect(status).toBe(200);
    const demo = body.products.filter((p: { sku: string }) => !p.sku.startsWith('T-'));
    expect(demo.length).toBeGreaterThanOrEqual(5);
    expect(demo.some((p: { kind: string }) => p.kind === 'evaluation')).toBe(true);
    for (const product of body.products) {
      expect(Object.keys(product).sort()).toEqual(['currency', 'inStock', 'kind', 'name', 'priceCents', 'sku']);
    }
  });
});

describe('card checkout outcomes', () => {
  it('places an approved card order, authorizes it, reserves stock and sends a receipt', async () => {
    const email = uniqueEmail();
    const { product, response } = await orderFor(email, { payment: cardPayment(testCards.visa) });
    expect(response.status).toBe(201);
    const { order, trackingToken, outcome } = response.body;
    expect(outcome).toBe('placed');
    expect(order.status).toBe('ORDER_PLACED');
    expect(order.statusLabel).toBe('Order Placed');
    expect(order.payment).toMatchObject({ method: 'card', status: 'AUTHORIZED', card: { brand: 'visa', last4: '4242' } });
    expect(order.payment.authorizationCode).toMatch(/^SBX/);
    expect(order.payment.card.bin).toBeUndefined();
    expect(order.totals).toEqual({ subtotalCents: 5000, shippingCents: 0, taxCents: 0, totalCents: 5000 });
    expect(order.items).toEqual([{ sku: product.sku, name: 'Test product', quantity: 2, unitPriceCents: 2500, lineTotalCents: 5000 }]);
    expect(order.flags).toMatchObject({ sent: true, paid: false, cancelled: false });
    expect(trackingToken).toMatch(/^[\w-]{20,}$/);
    expect(await stockOf(product.sku)).toBe(8);
    expect(await vaultItemsOf(order.id)).toEqual([]);

    const [receipt] = await mailsArrived(email, 'received');
    expect(receipt!.body.text).toContain('ending in 4242');
    expect(receipt!.body.text).toContain(`/orders/${order.id}?token=${trackingToken}`);
    expect(receipt!.body.html).toContain('ending in 4242');
  });

  it('holds a declined card offline when asked: 201 offline, card kept without CVC, stock kept', async () => {
    const email = uniqueEmail();
    const { product, response } = await orderFor(email, { payment: cardPayment(testCards.declined), onDecline: 'offline' });
    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe('offline');
    const { order } = response.body;
    expect(order.status).toBe('OFFLINE_PENDING');
    expect(order.payment).toMatchObject({ status: 'OFFLINE', declineReason: 'card_declined', card: { last4: '0002' } });
    expect(await stockOf(product.sku)).toBe(8);

    const vault = await vaultItemsOf(order.id);
    expect(vault).toHaveLength(1);
    expect(vault[0]).toHaveProperty('card');
    expect(vault[0]).not.toHaveProperty('cvc');
    expect(vault[0]).not.toHaveProperty('expiresAt');

    const [receipt] = await mailsArrived(email, 'received');
    expect(receipt!.body.text).toContain('process the payment manually');
    const [notice] = await mailsFor('csr@example.com', `Offline order ${order.id}`);
    expect(notice!.body.text).toContain('ending in 0002');
  });

  it('answers a plain decline with 402 and actions, leaves the order incomplete and releases stock', async () => {
    const email = uniqueEmail();
    const { product, response } = await orderFor(email, { payment: cardPayment(testCards.insufficientFunds) });
    expect(response.status).toBe(402);
    expect(response.body.error).toEqual({
      code: 'payment_declined',
      message: expect.any(String),
      declineReason: 'insufficient_funds',
      declineMessage: 'Your card has insufficient funds. Please use another card.',
    });
    expect(response.body.actions).toEqual(['retry_payment', 'submit_offline']);
    expect(response.body.order).toMatchObject({ status: 'INCOMPLETE', statusLabel: 'Incomplete', flags: { sent: false } });
    expect(response.body.order.payment).toMatchObject({ status: 'DECLINED', declineReason: 'insufficient_funds' });
    expect(response.body.trackingToken).toBeTruthy();
    expect(await stockOf(product.sku)).toBe(10);

    const vault = await vaultItemsOf(response.body.order.id);
    expect(vault).toHaveLength(1);
    expect(vault[0]).not.toHaveProperty('cvc');
    expect(Number((vault[0] as unknown as { expiresAt: { N: string } }).expiresAt.N)).toBeGreaterThan(Date.now() / 1000 + 29 * 60);
    expect(await mailsFor(email, 'received')).toEqual([]);
  });

  it('retries a gateway that keeps failing, then treats it as a decline with gateway_unavailable', async () => {
    const { product, response } = await orderFor(uniqueEmail(), { payment: cardPayment(testCards.gatewayDown) });
    expect(response.status).toBe(402);
    expect(response.body.error.declineReason).toBe('gateway_unavailable');
    expect(response.body.order.status).toBe('INCOMPLETE');
    expect(await stockOf(product.sku)).toBe(10);
    const vault = await vaultItemsOf(response.body.order.id);
    expect(vault[0]).not.toHaveProperty('cvc');
  });

  it('rejects an expired card before anything is stored', async () => {
    const product = await createProduct();
    const payment = cardPayment();
    payment.card.expYear = 2020;
    const response = await postCheckout(checkoutBody({ items: [{ sku: product.sku, quantity: 1 }], payment }));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details[0].path).toMatch(/^payment\.card\.exp/);
    expect(await stockOf(product.sku)).toBe(10);
  });
});

describe('stock', () => {
  it('answers 422 out_of_stock naming the item by its path (never echoing the SKU) and keeps no order', async () => {
    const product = await createProduct({ stock: 1 });
    const response = await postCheckout(
      checkoutBody({
        items: [
          { sku: 'WIDGET-1', quantity: 1 },
          { sku: product.sku, quantity: 2 },
        ],
      }),
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('out_of_stock');
    expect(response.body.error.details).toEqual([{ path: 'items.1.quantity', message: expect.any(String) }]);
    expect(response.text).not.toContain(product.sku);
    expect(await stockOf(product.sku)).toBe(1);
  });

  it('answers 422 unknown_sku naming the item', async () => {
    const response = await postCheckout(
      checkoutBody({
        items: [
          { sku: 'WIDGET-1', quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
        ],
      }),
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('unknown_sku');
    expect(response.body.error.details).toEqual([{ path: 'items.1.sku', message: expect.any(String) }]);
    expect(response.text).not.toContain('NO-SUCH-SKU');
  });

  it('refuses a card number in customer free text with 400, naming the field and not the number', async () => {
    const product = await createProduct();
    const items = [{ sku: product.sku, quantity: 1 }];
    const cases = [
      checkoutBody({ items, notes: 'card 4242-4242-4242-4242, thanks' }),
      checkoutBody({ items, customer: { email: uniqueEmail(), name: 'Ann 3782 822463 10005' } }),
      checkoutBody({ items, billingAddress: { ...checkoutBody().billingAddress, line2: '5555555555554444' } }),
      checkoutBody({ items, customer: { email: uniqueEmail(), name: 'Ann Lee', phone: '4000 0000 0000 0002' } }),
      checkoutBody({ items, payment: { method: 'purchase_order', poNumber: '4242424242424242' } }),
    ];
    for (const body of cases) {
      const response = await postCheckout(body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.text).not.toMatch(/\d{4}[ -]?\d{4}/);
    }
    expect(await stockOf(product.sku)).toBe(10);
  });

  it('never names an unknown field: a card number sent as a key is not echoed', async () => {
    const response = await postCheckout({ ...checkoutBody(), '4242424242424242': '123' });
    expect(response.status).toBe(400);
    expect(response.text).not.toContain('4242');
  });

  it('answers a card number sent as a SKU with 422 whose body holds no digits of it', async () => {
    const pan = '4242424242424242';
    const response = await postCheckout(checkoutBody({ items: [{ sku: pan, quantity: 1 }] }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('unknown_sku');
    // No run of the PAN's digits (not even the BIN or the last 4) comes back.
    expect(response.text).not.toMatch(/\d{4}/);
  });

  it('sells the last unit exactly once under concurrent checkouts', async () => {
    const product = await createProduct({ stock: 1 });
    const responses = await Promise.all(Array.from({ length: 4 }, () => postCheckout(checkoutBody({ items: [{ sku: product.sku, quantity: 1 }] }))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 422, 422, 422]);
    expect(await stockOf(product.sku)).toBe(0);
  });
});

describe('tracking view', () => {
  it('shows the order with its token (header or query) and only customer-visible history', async () => {
    const { response } = await orderFor(uniqueEmail(), {});
    const { order, trackingToken } = response.body;
    const byHeader = () => api('GET', `/orders/${order.id}`, { headers: { 'X-Order-Token': trackingToken } });
    const byQuery = () => api('GET', `/orders/${order.id}?token=${encodeURIComponent(trackingToken)}`);
    // The receipt and the hand-off are recorded after the answer, at their own pace: compare a
    // pair of reads that saw the same version of the order.
    let views = [await byHeader(), await byQuery()] as const;
    for (let pair = 0; pair < 20 && views[0].body.order?.version !== views[1].body.order?.version; pair++) views = [await byHeader(), await byQuery()];
    const [header, query] = views;
    expect(header.status).toBe(200);
    expect(header.body.order.id).toBe(order.id);
    expect(header.body.order.history.length).toBeGreaterThan(0);
    expect(header.body.order.history.every((e: { visibleToCustomer: boolean }) => e.visibleToCustomer)).toBe(true);
    expect(header.body.order.history[0]).not.toHaveProperty('data');
    expect(query.body).toEqual(header.body);
  });

  it('answers 404 for a wrong token, a missing token and an unknown id alike', async () => {
    const { response } = await orderFor(uniqueEmail(), {});
    const { order, trackingToken } = response.body;
    for (const [path, headers] of [
      [`/orders/${order.id}`, { 'X-Order-Token': `${trackingToken}x` }],
      [`/orders/${order.id}`, {}],
      ['/orders/ord_UNKNOWN', { 'X-Order-Token': trackingToken }],
    ] as const) {
      const result = await api('GET', path, { headers });
      expect(result.status).toBe(404);
      expect(result.body.error.code).toBe('not_found');
    }
  });
});
