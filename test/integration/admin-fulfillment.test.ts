import { describe, expect, it } from 'vitest';
import { acceptForFulfillment, act, entriesOf, offlineOrder, placeOrder, purchaseOrder, staffApi, staffOrder, trackingView } from './admin-helpers.js';
import { checkoutBody, createProduct, mailsFor, postCheckout, stockOf, uniqueEmail, vaultItemsOf } from './helpers.js';

const shipment = { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' };

describe('shipping and completing a card order', () => {
  it('captures the authorization, ships with tracking, emails the customer, shows it on the tracking page, then completes', async () => {
    const { email, order, trackingToken } = await placeOrder();
    expect(order.payment.status).toBe('AUTHORIZED');
    const tooEarly = await act('csr', order.id, 'ship', shipment);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe('invalid_transition');

    await acceptForFulfillment(order.id);
    const shipped = await act('csr', order.id, 'ship', shipment);
    expect(shipped.status).toBe(200);
    expect(shipped.body.order).toMatchObject({ status: 'SHIPPED', statusLabel: 'Shipped', flags: { dispatched: true, paid: true } });
    expect(shipped.body.order.payment.status).toBe('CAPTURED');
    expect(shipped.body.order.shipments).toEqual([{ ...shipment, shippedAt: expect.any(String) }]);
    expect(entriesOf(shipped.body.order, 'payment_captured')).toEqual([
      expect.objectContaining({ actor: 'csr', data: { reference: expect.stringMatching(/^SBXCAP/), amountCents: 5000 } }),
    ]);

    const [notice] = await mailsFor(email, 'has shipped');
    expect(notice!.body.text).toContain('Carrier: UPS');
    expect(notice!.body.text).toContain(`Tracking number: ${shipment.trackingNumber}`);
    expect(notice!.body.text).toContain(`/orders/${order.id}?token=${trackingToken}`);

    const tracked = await trackingView(order.id, trackingToken);
    expect(tracked.shipments).toEqual(shipped.body.order.shipments);
    expect(tracked.history.map((e: { message: string }) => e.message)).toContain(`Shipped with UPS, tracking number ${shipment.trackingNumber}`);
    expect(tracked.history.some((e: { message: string }) => e.message.includes('captured'))).toBe(false);

    const completed = await act('csr', order.id, 'complete');
    expect(completed.body.order).toMatchObject({ status: 'COMPLETED', statusLabel: 'Completed' });
    expect((await act('csr', order.id, 'complete')).body.error.code).toBe('invalid_transition');
  });

  it('ships without an email when asked not to notify', async () => {
    const { email, order } = await placeOrder();
    await acceptForFulfillment(order.id);
    expect((await act('admin', order.id, 'ship', { ...shipment, notifyCustomer: false })).status).toBe(200);
    expect(await mailsFor(email, 'has shipped')).toEqual([]);
  });
});

describe('purchase orders', () => {
  it('ships, invoices and is marked paid: COMPLETED', async () => {
    const { email, order } = await purchaseOrder();
    expect(order.status).toBe('AWAITING_PAYMENT');

    const shipped = await act('csr', order.id, 'ship', shipment);
    expect(shipped.body.order).toMatchObject({ status: 'AWAITING_PAYMENT', flags: { dispatched: true, invoiced: false, paid: false } });
    expect(await mailsFor(email, 'has shipped')).toHaveLength(1);

    const invoiced = await act('csr', order.id, 'invoice', { invoiceNumber: 'INV-2041' });
    expect(invoiced.body.order).toMatchObject({ status: 'AWAITING_PAYMENT', flags: { invoiced: true, paid: false } });
    expect(invoiced.body.order.payment).toMatchObject({ method: 'purchase_order', poNumber: 'PO-77', status: 'INVOICED', invoiceNumber: 'INV-2041' });

    const paid = await act('csr', order.id, 'mark-paid', { reference: 'Wire 2026-117' });
    expect(paid.body.order).toMatchObject({ status: 'COMPLETED', flags: { sent: true, invoiced: true, paid: true, dispatched: true } });
    expect(paid.body.order.payment.status).toBe('PAID');
    expect(entriesOf(paid.body.order, 'paid')).toEqual([expect.objectContaining({ actor: 'csr', data: { reference: 'Wire 2026-117' } })]);
  });

  it('goes on to fulfillment when paid before shipping, and ships without a capture', async () => {
    const { order } = await purchaseOrder();
    const paid = await act('admin', order.id, 'mark-paid', { reference: 'Cheque 88' });
    expect(paid.body.order).toMatchObject({ status: 'IN_PROCESS', flags: { paid: true, dispatched: false } });
    const shipped = await act('admin', order.id, 'ship', shipment);
    expect(shipped.body.order).toMatchObject({ status: 'SHIPPED', payment: { status: 'PAID' } });
    expect(entriesOf(shipped.body.order, 'payment_captured')).toEqual([]);
  });
});

describe('cancellation', () => {
  it('returns the stock, voids the authorization and tells the customer, keeping the reason internal', async () => {
    const { email, product, order, trackingToken } = await placeOrder({ quantity: 3 });
    expect(await stockOf(product.sku)).toBe(7);

    const cancelled = await act('csr', order.id, 'cancel', { reason: 'Suspected fraud' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order).toMatchObject({ status: 'CANCELLED', statusLabel: 'Canceled', flags: { cancelled: true } });
    expect(cancelled.body.order.payment.status).toBe('VOIDED');
    expect(await stockOf(product.sku)).toBe(10);
    expect(entriesOf(cancelled.body.order, 'stock_released')).toHaveLength(1);
    expect(entriesOf(cancelled.body.order, 'payment_voided')).toHaveLength(1);

    const [notice] = await mailsFor(email, 'canceled');
    expect(notice!.body.text).toContain('will not be charged');
    expect(notice!.body.text).not.toContain('fraud');
    const tracked = await trackingView(order.id, trackingToken);
    expect(tracked.history.map((e: { message: string }) => e.message)).toContain('Order canceled');
    expect(JSON.stringify(tracked)).not.toContain('fraud');

    // Canceled is final, and the stock came back exactly once.
    expect((await act('csr', order.id, 'cancel', { reason: 'again' })).body.error.code).toBe('invalid_transition');
    expect(await stockOf(product.sku)).toBe(10);
  });

  it('purges the held card of an offline order: a reveal then finds nothing', async () => {
    const { email, product, order } = await offlineOrder();
    expect(await vaultItemsOf(order.id)).toHaveLength(1);
    const cancelled = await act('admin', order.id, 'cancel', { reason: 'Customer changed their mind', notifyCustomer: false });
    expect(cancelled.body.order.status).toBe('CANCELLED');
    expect(entriesOf(cancelled.body.order, 'card_purged')).toHaveLength(1);
    expect(await vaultItemsOf(order.id)).toEqual([]);
    expect(await stockOf(product.sku)).toBe(10);
    expect(await mailsFor(email, 'canceled')).toEqual([]);
    const reveal = await staffApi('admin', 'POST', `/admin/orders/${order.id}/card/reveal`, { body: { reason: 'check' } });
    expect(reveal.status).toBe(409);
    expect(reveal.body.error.code).toBe('no_card_on_file');
  });

  it('keeps the stock out when the goods already left', async () => {
    const { product, order } = await placeOrder();
    await acceptForFulfillment(order.id);
    await act('admin', order.id, 'ship', shipment);
    const cancelled = await act('admin', order.id, 'cancel', { reason: 'Lost in transit', notifyCustomer: false });
    expect(cancelled.body.order.status).toBe('CANCELLED');
    expect(entriesOf(cancelled.body.order, 'stock_released')).toEqual([]);
    expect(await stockOf(product.sku)).toBe(8);
  });
});

describe('notes', () => {
  it('keeps internal notes from the customer, shows visible ones, and emails only when asked', async () => {
    const { email, order, trackingToken } = await placeOrder();
    const internal = await act('csr', order.id, 'notes', { message: 'Customer sounded unsure on the phone' });
    expect(internal.status).toBe(200);
    const visible = await act('csr', order.id, 'notes', { message: 'Your engraving is being prepared', visibleToCustomer: true });
    const emailed = await act('csr', order.id, 'notes', { message: 'We found a matching case for you', visibleToCustomer: true, notifyCustomer: true });
    expect(emailed.status).toBe(200);

    const staffNotes = entriesOf(emailed.body.order, 'note');
    expect(staffNotes.map((n: any) => [n.actor, n.message, n.visibleToCustomer])).toEqual([
      ['csr', 'Customer sounded unsure on the phone', false],
      ['csr', 'Your engraving is being prepared', true],
      ['csr', 'We found a matching case for you', true],
    ]);
    expect(visible.body.order.status).toBe('ORDER_PLACED');

    const customerSees = (await trackingView(order.id, trackingToken)).history.map((e: { message: string }) => e.message);
    expect(customerSees).toEqual(expect.arrayContaining(['Your engraving is being prepared', 'We found a matching case for you']));
    expect(customerSees).not.toContain('Customer sounded unsure on the phone');

    const mails = await mailsFor(email, 'an update on order');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.text).toContain('We found a matching case for you');
  });

  it('refuses to email a note the customer may not see, and a note holding a card number', async () => {
    const { order } = await placeOrder();
    const hidden = await act('csr', order.id, 'notes', { message: 'Internal', notifyCustomer: true });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.details).toEqual([{ path: 'notifyCustomer', message: expect.any(String) }]);
    const withPan = await act('csr', order.id, 'notes', { message: 'Card is 4242-4242-4242-4242, call back' });
    expect(withPan.status).toBe(400);
    expect(withPan.body.error.details[0].path).toBe('message');
    expect(JSON.stringify(await staffOrder(order.id))).not.toContain('4242-4242');
  });
});

describe('quotes', () => {
  it('prices an evaluation order and emails the quote with accept and reject links', async () => {
    const evaluation = await createProduct({ kind: 'evaluation', priceCents: 0, name: 'Hinge repair evaluation' });
    const email = uniqueEmail();
    const placed = await postCheckout(checkoutBody({ customer: { email, name: 'Cy Fixit' }, items: [{ sku: evaluation.sku, quantity: 1 }], payment: null }));
    expect(placed.body.order.status).toBe('AWAITING_EVALUATION');
    const { order, trackingToken } = placed.body;

    const quoted = await act('csr', order.id, 'quote', { amountCents: 12500, description: 'Replace the left hinge and re-align the lid' });
    expect(quoted.status).toBe(200);
    expect(quoted.body.order).toMatchObject({ status: 'AWAITING_CUSTOMER_APPROVAL', statusLabel: 'Awaiting Customer Approval' });

    const [mail] = await mailsFor(email, 'your quote');
    expect(mail!.body.text).toContain('$125.00');
    expect(mail!.body.text).toContain('Replace the left hinge');
    for (const decision of ['accept', 'reject']) {
      expect(mail!.body.text).toContain(`/orders/${order.id}?token=${trackingToken}&quote=${decision}`);
    }
    const tracked = await trackingView(order.id, trackingToken);
    expect(tracked.history.map((e: { message: string }) => e.message)).toContain('Quote sent: $125.00 — Replace the left hinge and re-align the lid');
    expect((await act('csr', order.id, 'quote', { amountCents: 100, description: 'cheaper' })).body.error.code).toBe('invalid_transition');
  });
});

describe('action requests', () => {
  it('answers unknown actions and orders with 404, bad bodies with 400, wrong states with 409', async () => {
    const { order } = await placeOrder();
    expect((await act('admin', order.id, 'teleport')).status).toBe(404);
    expect((await act('admin', 'ord_NO_SUCH_ORDER', 'complete')).status).toBe(404);

    const missing = await act('admin', order.id, 'ship', { carrier: 'UPS' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toEqual(['trackingNumber']);
    const unknownField = await act('admin', order.id, 'complete', { force: true });
    expect(unknownField.status).toBe(400);
    const negativeQuote = await act('admin', order.id, 'quote', { amountCents: -5, description: 'x' });
    expect(negativeQuote.body.error.details[0].path).toBe('amountCents');

    const approve = await act('admin', order.id, 'approve', { authorizationCode: 'VT-9' });
    expect(approve.status).toBe(409);
    expect(approve.body.error).toEqual({ code: 'invalid_transition', message: 'Cannot approve an order that is Order Placed.' });
    // Refused requests write nothing; only the system's own hand-off entries may have come meanwhile.
    const after = await staffOrder(order.id);
    expect(after.status).toBe('ORDER_PLACED');
    expect(after.history.filter((e: { actor: string }) => e.actor === 'admin')).toEqual([]);
  });
});
