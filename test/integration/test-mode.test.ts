import { describe, expect, it } from 'vitest';
import { staffOrder, trackingView } from './admin-helpers.js';
import { cardPayment, checkoutBody, createProduct, mailsFor, postCheckout, uniqueEmail } from './helpers.js';

describe('test orders on the sandbox gateway (the twin default)', () => {
  it('marks the order testMode in every view and says so in its emails', async () => {
    const email = uniqueEmail();
    const product = await createProduct();
    const response = await postCheckout(
      checkoutBody({ customer: { email, name: 'Ann Lee' }, items: [{ sku: product.sku, quantity: 1 }], payment: cardPayment() }),
    );
    expect(response.status).toBe(201);
    expect(response.body.order.testMode).toBe(true);
    const { id } = response.body.order;
    expect((await trackingView(id, response.body.trackingToken)).testMode).toBe(true);
    expect(await staffOrder(id)).toMatchObject({ testMode: true, payment: { gateway: 'sandbox' } });
    let receipts = await mailsFor(email, id);
    for (let i = 0; i < 50 && receipts.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      receipts = await mailsFor(email, id);
    }
    expect(receipts[0]!.subject).toMatch(/^\[TEST\] /);
    expect(receipts[0]!.body.text).toMatch(/^TEST ORDER: .*no money was taken/);
    expect(receipts[0]!.body.html).toContain('TEST ORDER');
  });

  it('marks a purchase order created while the gateway is the sandbox', async () => {
    const product = await createProduct();
    const response = await postCheckout(
      checkoutBody({ items: [{ sku: product.sku, quantity: 1 }], payment: { method: 'purchase_order', poNumber: 'PO-TEST-1' } }),
    );
    expect(response.status).toBe(201);
    expect(response.body.order).toMatchObject({ status: 'AWAITING_PAYMENT', testMode: true });
  });
});
