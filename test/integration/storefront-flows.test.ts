import { describe, expect, it } from 'vitest';
import { act } from './admin-helpers.js';
import {
  api,
  cardPayment,
  checkoutBody,
  createProduct,
  expireCardHold,
  mailsArrived,
  mailsFor,
  newKey,
  outboxDrained,
  postCheckout,
  stockOf,
  storedOrder,
  testCards,
  uniqueEmail,
} from './helpers.js';

const withToken = (token: string) => ({ 'X-Order-Token': token });

const declinedOrder = async (options: { stock?: number; quantity?: number } = {}) => {
  const email = uniqueEmail();
  const product = await createProduct({ stock: options.stock ?? 10 });
  const response = await postCheckout(
    checkoutBody({
      customer: { email, name: 'Ann Lee' },
      items: [{ sku: product.sku, quantity: options.quantity ?? 1 }],
      payment: cardPayment(testCards.declined),
    }),
  );
  expect(response.status).toBe(402);
  return { email, product, order: response.body.order, token: response.body.trackingToken as string };
};

const retry = (orderId: string, token: string, number: string, extra: Record<string, unknown> = {}) =>
  api('POST', `/orders/${orderId}/payment`, {
    body: { payment: cardPayment(number), ...extra },
    headers: { ...withToken(token), 'Idempotency-Key': newKey() },
  });

describe('retrying a declined card', () => {
  it('takes any number of attempts on the same order, each in the history, until one is approved', async () => {
    const { product, order, token } = await declinedOrder();
    const second = await retry(order.id, token, testCards.insufficientFunds);
    expect(second.status).toBe(402);
    expect(second.body.order.id).toBe(order.id);
    expect(second.body.error.declineReason).toBe('insufficient_funds');
    expect(await stockOf(product.sku)).toBe(10);

    const third = await retry(order.id, token, testCards.visa);
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({
      outcome: 'placed',
      order: { id: order.id, status: 'ORDER_PLACED', payment: { status: 'AUTHORIZED', card: { last4: '4242' } } },
    });
    expect(await stockOf(product.sku)).toBe(9);

    const attempts = (await storedOrder(order.id)).history.filter((e) => e.type === 'payment_attempt');
    expect(attempts.map((e) => [e.data?.attempt, e.data?.approved])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('can hold the retried card offline when that decline is final', async () => {
    const { order, token } = await declinedOrder();
    const response = await retry(order.id, token, testCards.declined, { onDecline: 'offline' });
    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe('offline');
  });

  it('refuses a retry once the order is no longer incomplete', async () => {
    const placed = await postCheckout(checkoutBody());
    const response = await retry(placed.body.order.id, placed.body.trackingToken, testCards.visa);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('invalid_transition');
  });

  it('answers 404 for a wrong token', async () => {
    const { order } = await declinedOrder();
    expect((await retry(order.id, 'wrong-token', testCards.visa)).status).toBe(404);
  });
});

describe('submitting a declined order offline', () => {
  it('moves it to OFFLINE_PENDING, reserves stock again and sends the offline receipt and staff notice once, off the wait', async () => {
    const { email, product, order, token } = await declinedOrder({ quantity: 2 });
    expect(await stockOf(product.sku)).toBe(10);
    const response = await api('POST', `/orders/${order.id}/offline`, { headers: withToken(token) });
    expect(response.status).toBe(200);
    expect(response.body.order).toMatchObject({ id: order.id, status: 'OFFLINE_PENDING', statusLabel: 'Pending (offline)', payment: { status: 'OFFLINE' } });
    expect(await stockOf(product.sku)).toBe(8);
    const [receipt] = await mailsArrived(email, 'received');
    expect(receipt!.body.text).toContain('process the payment manually');
    await mailsArrived('csr@example.com', `Offline order ${order.id}`);
    // Queued with the transition, sent by the mail function: each once, with its state on the timeline.
    const drained = await outboxDrained(order.id);
    const emailEntries = drained.history
      .filter((entry) => entry.type === 'email_queued' || entry.type === 'email_sent')
      .map((entry) => [entry.type, entry.data?.kind]);
    expect(emailEntries).toEqual(
      expect.arrayContaining([
        ['email_queued', 'receipt'],
        ['email_queued', 'offline_notice'],
        ['email_sent', 'receipt'],
        ['email_sent', 'offline_notice'],
      ]),
    );
    expect(drained.emailsSent).toEqual(expect.arrayContaining(['receipt', 'offline_notice']));
    expect(await mailsFor(email, 'received')).toHaveLength(1);
    expect(await mailsFor('csr@example.com', `Offline order ${order.id}`)).toHaveLength(1);

    const again = await api('POST', `/orders/${order.id}/offline`, { headers: withToken(token) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
  });

  it('answers 409 card_no_longer_held once the hold window is over, even before TTL clean-up', async () => {
    const { product, order, token } = await declinedOrder();
    await expireCardHold(order.id);
    const response = await api('POST', `/orders/${order.id}/offline`, { headers: withToken(token) });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('card_no_longer_held');
    expect(await stockOf(product.sku)).toBe(10);
    expect((await storedOrder(order.id)).status).toBe('INCOMPLETE');
  });

  it('answers 422 out_of_stock when the stock went meanwhile', async () => {
    const { product, order, token } = await declinedOrder({ stock: 1 });
    expect((await postCheckout(checkoutBody({ items: [{ sku: product.sku, quantity: 1 }] }))).status).toBe(201);
    const response = await api('POST', `/orders/${order.id}/offline`, { headers: withToken(token) });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('out_of_stock');
    expect(await stockOf(product.sku)).toBe(0);
  });
});

describe('purchase orders and evaluations', () => {
  it('places a purchase order as AWAITING_PAYMENT with a receipt naming the PO', async () => {
    const email = uniqueEmail();
    const product = await createProduct({ stock: 5 });
    const response = await postCheckout(
      checkoutBody({
        customer: { email, name: 'Ann Lee' },
        items: [{ sku: product.sku, quantity: 2 }],
        payment: { method: 'purchase_order', poNumber: 'PO-77' },
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe('awaiting_payment');
    expect(response.body.order).toMatchObject({
      status: 'AWAITING_PAYMENT',
      payment: { method: 'purchase_order', poNumber: 'PO-77', status: 'NONE', card: null },
    });
    expect(await stockOf(product.sku)).toBe(3);
    const [receipt] = await mailsArrived(email, 'received');
    expect(receipt!.body.text).toContain('Purchase order: PO-77');
  });

  it('takes an evaluation-only order without payment as AWAITING_EVALUATION', async () => {
    const evaluation = await createProduct({ kind: 'evaluation', priceCents: 0, stock: 50 });
    const response = await postCheckout(checkoutBody({ items: [{ sku: evaluation.sku, quantity: 1 }], payment: undefined }));
    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe('awaiting_evaluation');
    expect(response.body.order).toMatchObject({ status: 'AWAITING_EVALUATION', payment: { method: 'none' }, totals: { totalCents: 0 } });
  });

  it('requires a payment as soon as the order costs something', async () => {
    const response = await postCheckout(checkoutBody({ payment: null }));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: 'payment', message: expect.any(String) }]);
  });
});

describe('repair quotes', () => {
  /** An evaluation order a technician has quoted through the back office. */
  const quotedOrder = async (amountCents = 12_500) => {
    const email = uniqueEmail();
    const evaluation = await createProduct({ kind: 'evaluation', priceCents: 0, stock: 50, name: 'Repair evaluation' });
    const placed = await postCheckout(
      checkoutBody({ customer: { email, name: 'Ann Lee' }, items: [{ sku: evaluation.sku, quantity: 1 }], payment: undefined }),
    );
    const id = placed.body.order.id as string;
    const quoted = await act('csr', id, 'quote', { amountCents, description: 'Replace the hinge' });
    expect(quoted.status).toBe(200);
    return { email, evaluation, id, token: placed.body.trackingToken as string };
  };

  it('shows the quote to the customer and emails it', async () => {
    const { email, id, token } = await quotedOrder();
    const view = await api('GET', `/orders/${id}`, { headers: withToken(token) });
    expect(view.body.order).toMatchObject({ status: 'AWAITING_CUSTOMER_APPROVAL', quote: { amountCents: 12_500, description: 'Replace the hinge' } });
    const [mail] = await mailsFor(email, 'your quote');
    expect(mail!.body.text).toContain('$125.00');
    expect(mail!.body.text).toContain(`/orders/${id}?token=${token}`);
  });

  it('on accept with payment supersedes the evaluation with a new priced order, linked both ways', async () => {
    const { evaluation, id, token } = await quotedOrder();
    expect(await stockOf(evaluation.sku)).toBe(49);
    const accepted = await api('POST', `/orders/${id}/quote/accept`, { body: { payment: cardPayment(testCards.visa) }, headers: withToken(token) });
    expect(accepted.status).toBe(201);
    expect(accepted.body.outcome).toBe('placed');
    const created = accepted.body.order;
    expect(created).toMatchObject({ status: 'ORDER_PLACED', supersedes: id, totals: { subtotalCents: 12_500 } });
    expect(created.items).toEqual([{ sku: evaluation.sku, name: 'Replace the hinge', quantity: 1, unitPriceCents: 12_500, lineTotalCents: 12_500 }]);
    expect(created.id).not.toBe(id);

    const original = await api('GET', `/orders/${id}`, { headers: withToken(token) });
    expect(original.body.order).toMatchObject({ status: 'CANCELLED', supersededBy: created.id, flags: { cancelled: true } });
    expect(await stockOf(evaluation.sku)).toBe(50);

    const twice = await api('POST', `/orders/${id}/quote/accept`, { body: { payment: cardPayment(testCards.visa) }, headers: withToken(token) });
    expect(twice.status).toBe(409);
  });

  it('refuses an accept without payment and leaves the quote open', async () => {
    const { id, token } = await quotedOrder();
    const response = await api('POST', `/orders/${id}/quote/accept`, { body: {}, headers: withToken(token) });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('payment');
    expect((await storedOrder(id)).status).toBe('AWAITING_CUSTOMER_APPROVAL');
  });

  it('on reject cancels the evaluation order and releases its slot', async () => {
    const { evaluation, id, token } = await quotedOrder();
    const response = await api('POST', `/orders/${id}/quote/reject`, { headers: withToken(token) });
    expect(response.status).toBe(200);
    expect(response.body.order).toMatchObject({ status: 'CANCELLED', statusLabel: 'Canceled' });
    expect(await stockOf(evaluation.sku)).toBe(50);
    expect((await api('POST', `/orders/${id}/quote/reject`, { headers: withToken(token) })).status).toBe(409);
  });
});
