import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { act, entriesOf, offlineOrder, placeOrder, staffApi, staffOrder, trackingView } from './admin-helpers.js';
import {
  cardPayment,
  checkoutBody,
  createProduct,
  mailsArrived,
  newKey,
  outboxDrained,
  postCheckout,
  scanTable,
  sentMails,
  stockOf,
  testCards,
  twin,
  uniqueEmail,
  vaultItemsOf,
} from './helpers.js';

const declinedPan = '4000000000000002';
const reveal = (user: 'admin' | 'csr', orderId: string, body: unknown = { reason: 'Charging it in the virtual terminal' }) =>
  staffApi(user, 'POST', `/admin/orders/${orderId}/card/reveal`, { body });

describe('the offline order story', () => {
  it('CSR finds it, admin reveals and charges the card, approves it "Approved (M)", the customer gets the payment receipt', async () => {
    const { email, product, order, trackingToken } = await offlineOrder();
    expect(order.status).toBe('OFFLINE_PENDING');

    // A CSR finds the offline order; lists show BIN + last 4, never a history.
    const found = await staffApi('csr', 'GET', `/admin/orders?status=OFFLINE_PENDING&email=${encodeURIComponent(email)}`);
    expect(found.status).toBe(200);
    expect(found.body.nextCursor).toBeNull();
    expect(found.body.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect(found.body.orders[0]).not.toHaveProperty('history');
    expect(found.body.orders[0].payment.card).toEqual({ brand: 'visa', bin: '400000', last4: '0002', expMonth: 12, expYear: expect.any(Number) });

    // CSRs may not see the card; admins must say why.
    expect((await reveal('csr', order.id)).status).toBe(403);
    const noReason = await reveal('admin', order.id, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('reason');
    const panInReason = await reveal('admin', order.id, { reason: `customer said ${declinedPan}` });
    expect(panInReason.status).toBe(400);
    expect(panInReason.text).not.toContain(declinedPan);

    const revealed = await reveal('admin', order.id);
    expect(revealed.status).toBe(200);
    expect(revealed.body).toEqual({ card: { number: declinedPan, expMonth: 12, expYear: expect.any(Number), holderName: 'Ann Lee' } });
    expect(revealed.headers.get('cache-control')).toBe('no-store');

    const afterReveal = await staffOrder(order.id);
    expect(entriesOf(afterReveal, 'card_revealed')).toEqual([
      expect.objectContaining({ actor: 'admin', visibleToCustomer: false, data: { reason: 'Charging it in the virtual terminal' } }),
    ]);
    expect(JSON.stringify(afterReveal)).not.toContain(declinedPan);

    // Charged in the virtual terminal: approve with its authorization code.
    const approved = await act('admin', order.id, 'approve', { authorizationCode: 'VT-81723', note: 'Charged by phone' });
    expect(approved.status).toBe(200);
    expect(approved.headers.get('etag')).toBe(`"${approved.body.order.version}"`);
    const placed = approved.body.order;
    expect(placed).toMatchObject({ status: 'ORDER_PLACED', statusLabel: 'Order Placed', flags: { sent: true, paid: true, cancelled: false } });
    expect(placed.payment).toMatchObject({ method: 'card', status: 'APPROVED_MANUAL', authorizationCode: 'VT-81723', card: { last4: '0002' } });
    expect(entriesOf(placed, 'payment_approved')).toEqual([
      expect.objectContaining({ actor: 'admin', data: { authorizationCode: 'VT-81723', note: 'Charged by phone' } }),
    ]);
    // Queued with the approval, sent by the mail function off the staff member's wait.
    expect(entriesOf(placed, 'email_queued').map((e: any) => e.data.kind)).toContain('payment_receipt');

    // The card is gone: purged from the vault, and a second reveal finds nothing.
    expect(await vaultItemsOf(order.id)).toEqual([]);
    const again = await reveal('admin', order.id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('no_card_on_file');
    expect(await stockOf(product.sku)).toBe(8);

    const [receipt] = await mailsArrived(email, 'payment received');
    const sent = (await outboxDrained(order.id)).history.filter((entry) => entry.type === 'email_sent');
    expect(sent.map((entry) => entry.data?.kind)).toContain('payment_receipt');
    expect(receipt!.body.text).toContain('Approved (M)');
    expect(receipt!.body.text).toContain('ending in 0002');
    expect(JSON.stringify(receipt)).not.toContain(declinedPan);

    const tracked = await trackingView(order.id, trackingToken);
    expect(tracked.history.map((e: { message: string }) => e.message)).toContain('Payment received; order placed');
    expect(tracked.history.every((e: { visibleToCustomer: boolean }) => e.visibleToCustomer)).toBe(true);
  });

  it('keeps the revealed number out of the tables, the audit trail, emails and logs', async () => {
    const { order } = await offlineOrder();
    expect((await reveal('admin', order.id)).body.card.number).toBe(declinedPan);
    expect((await act('admin', order.id, 'approve', { authorizationCode: 'VT-55' })).status).toBe(200);
    const stored = await scanTable('Orders-local');
    expect(JSON.stringify(stored)).toContain(order.id);
    expect(JSON.stringify(stored)).not.toContain(declinedPan);
    expect(JSON.stringify(await sentMails())).not.toContain(declinedPan);
    expect(readFileSync(twin().logFile, 'utf8')).not.toContain(declinedPan);
  });

  it('reveals the held card of an incomplete order while the hold lasts, and not after it is canceled', async () => {
    const { order } = await placeOrder({ payment: cardPayment(testCards.insufficientFunds) });
    expect(order.status).toBe('INCOMPLETE');
    const revealed = await reveal('admin', order.id);
    expect(revealed.status).toBe(200);
    expect(revealed.body.card.number).toBe('4000000000009995');

    expect((await act('admin', order.id, 'cancel', { reason: 'Customer gave up', notifyCustomer: false })).status).toBe(200);
    expect(await vaultItemsOf(order.id)).toEqual([]);
    expect((await reveal('admin', order.id)).body.error.code).toBe('no_card_on_file');
  });

  it('answers 409 no_card_on_file for an order that never held a card, 404 for an unknown order', async () => {
    const { order } = await placeOrder();
    expect((await reveal('admin', order.id)).body.error.code).toBe('no_card_on_file');
    expect((await reveal('admin', 'ord_NO_SUCH_ORDER')).status).toBe(404);
  });
});

describe('conflicting actions', () => {
  it('lets exactly one of two concurrent approvals through', async () => {
    const { email, order } = await offlineOrder();
    const responses = await Promise.all([
      act('admin', order.id, 'approve', { authorizationCode: 'VT-1' }),
      act('csr', order.id, 'approve', { authorizationCode: 'VT-2' }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = responses.find((r) => r.status === 409)!;
    expect(['invalid_transition', 'conflict']).toContain(loser.body.error.code);

    const stored = await staffOrder(order.id);
    expect(entriesOf(stored, 'payment_approved')).toHaveLength(1);
    expect(stored.payment.authorizationCode).toBe(responses.find((r) => r.status === 200)!.body.order.payment.authorizationCode);
    await outboxDrained(order.id);
    expect(await mailsArrived(email, 'payment received')).toHaveLength(1);
  });

  it('applies an action only to the version named in If-Match (412 otherwise)', async () => {
    const { order } = await offlineOrder();
    const current = await staffApi('admin', 'GET', `/admin/orders/${order.id}`);
    const version = current.body.order.version;
    expect(current.headers.get('etag')).toBe(`"${version}"`);

    const stale = await act('admin', order.id, 'approve', { authorizationCode: 'VT-3' }, { 'If-Match': `"${version - 1}"` });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('precondition_failed');
    expect((await staffOrder(order.id)).status).toBe('OFFLINE_PENDING');

    const malformed = await act('admin', order.id, 'approve', { authorizationCode: 'VT-3' }, { 'If-Match': 'yesterday' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details[0].path).toBe('headers.If-Match');

    const fresh = await act('admin', order.id, 'approve', { authorizationCode: 'VT-3' }, { 'If-Match': `"${version}"` });
    expect(fresh.status).toBe(200);
    expect(fresh.body.order.status).toBe('ORDER_PLACED');
  });
});

describe('recorded orders (POST /admin/orders)', () => {
  const recordedBody = (sku: string, email: string, quantity = 3) =>
    checkoutBody({
      customer: { email, name: 'Bo Paper' },
      items: [{ sku, quantity }],
      payment: { method: 'recorded', authorizationCode: 'VT-EVENT-9', note: 'Trade show booth 12' },
    });

  it('places a paper order paid in the virtual terminal: ORDER_PLACED, Approved (M), stock taken, no card anywhere', async () => {
    const product = await createProduct({ stock: 5, priceCents: 1500 });
    const email = uniqueEmail();
    const response = await staffApi('admin', 'POST', '/admin/orders', { body: recordedBody(product.sku, email) });
    expect(response.status).toBe(201);
    const { order } = response.body;
    expect(order).toMatchObject({ status: 'ORDER_PLACED', flags: { sent: true, paid: true }, totals: { totalCents: 4500 } });
    expect(order.payment).toEqual({
      method: 'recorded',
      status: 'APPROVED_MANUAL',
      statusLabel: 'Approved (M)',
      card: null,
      authorizationCode: 'VT-EVENT-9',
      declineReason: null,
      declineMessage: null,
      poNumber: null,
      invoiceNumber: null,
      gateway: null,
      transactionId: null,
      gatewayCode: null,
    });
    expect(order.history[0]).toMatchObject({ type: 'created', actor: 'admin' });
    expect(order.history[0].message).toContain('Trade show booth 12');
    expect(await stockOf(product.sku)).toBe(2);
    expect(await vaultItemsOf(order.id)).toEqual([]);
    expect(await mailsArrived(email, 'received')).toHaveLength(1);
  });

  it('records a paper order once when the same Idempotency-Key is sent twice (a double submit)', async () => {
    const product = await createProduct({ stock: 5 });
    const headers = { 'Idempotency-Key': newKey() };
    const body = recordedBody(product.sku, uniqueEmail(), 1);
    const first = await staffApi('admin', 'POST', '/admin/orders', { body, headers });
    const second = await staffApi('admin', 'POST', '/admin/orders', { body, headers });
    expect(first.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await stockOf(product.sku)).toBe(4);
  });

  it('answers out of stock like checkout, and the storefront cannot record a payment', async () => {
    const product = await createProduct({ stock: 1 });
    const short = await staffApi('admin', 'POST', '/admin/orders', { body: recordedBody(product.sku, uniqueEmail()) });
    expect(short.status).toBe(422);
    expect(short.body.error.code).toBe('out_of_stock');

    const fromStorefront = await postCheckout(recordedBody(product.sku, uniqueEmail(), 1));
    expect(fromStorefront.status).toBe(400);
    expect(fromStorefront.body.error.details.map((d: { path: string }) => d.path)).toContain('payment.method');
    expect(await stockOf(product.sku)).toBe(1);
  });
});
