import { describe, expect, it } from 'vitest';
import { act, offlineOrder, purchaseOrder, staffApi } from './admin-helpers.js';
import { scriptReceiver, until } from './fulfillment-helpers.js';
import { cardPayment, checkoutBody, createProduct, postCheckout, uniqueEmail } from './helpers.js';

const actionsOf = async (user: 'admin' | 'csr', orderId: string) =>
  (await staffApi(user, 'GET', `/admin/orders/${orderId}`)).body.order.allowedActions as {
    name: string;
    label: string;
    path: string;
    fields: any[];
    answers: string;
  }[];
const names = (actions: { name: string }[]) => actions.map((a) => a.name);

describe('the staff order view says what the caller may do', () => {
  it('offers an offline order to a CSR to approve, cancel or note, and to an admin also to reveal the card', async () => {
    const { order } = await offlineOrder();
    const csr = await actionsOf('csr', order.id);
    expect(names(csr)).toEqual(['approve', 'cancel', 'notes']);
    const admin = await actionsOf('admin', order.id);
    expect(names(admin)).toEqual(['card/reveal', 'charge', 'approve', 'cancel', 'notes']);
    expect(admin[1]).toMatchObject({ label: 'Charge card', path: `/admin/orders/${order.id}/charge`, fields: [], answers: 'order' });
    expect(admin[0]).toEqual({
      name: 'card/reveal',
      label: 'Reveal card',
      method: 'POST',
      path: `/admin/orders/${order.id}/card/reveal`,
      fields: [{ name: 'reason', label: 'Reason for revealing', type: 'text', required: true }],
      answers: 'card',
    });
    expect(csr[0]).toMatchObject({
      label: 'Approve (M)',
      path: `/admin/orders/${order.id}/approve`,
      fields: [
        { name: 'authorizationCode', label: 'Authorization code', type: 'text', required: true },
        { name: 'note', label: 'Note', type: 'text', required: false },
      ],
    });
    expect(csr.find((a) => a.name === 'cancel')!.fields).toContainEqual({
      name: 'notifyCustomer',
      label: 'Email the customer',
      type: 'checkbox',
      required: false,
      checked: true,
    });
  });

  it('follows the order: what the answer of an action offers next is what the transition table allows', async () => {
    const { email, order } = await purchaseOrder();
    // Fulfillment refused it (the receiver knows no such customer): a CSR may retry the hand-off.
    await until('the refused hand-off', async () => names(await actionsOf('csr', order.id)).includes('fulfillment-retry'));
    expect(names(await actionsOf('csr', order.id))).toEqual(['ship', 'invoice', 'mark-paid', 'fulfillment-retry', 'cancel', 'notes']);
    await scriptReceiver(email, [200]);
    const retried = await act('csr', order.id, 'fulfillment-retry');
    expect(names(retried.body.order.allowedActions)).toEqual(['ship', 'invoice', 'mark-paid', 'cancel', 'notes']);
    const shipped = await act('csr', order.id, 'ship', { carrier: 'UPS', trackingNumber: '1Z999' });
    expect(shipped.status).toBe(200);
    expect(names(shipped.body.order.allowedActions)).toEqual(['ship', 'invoice', 'mark-paid', 'cancel', 'notes']);
    const paid = await act('csr', order.id, 'mark-paid', { reference: 'wire 42' });
    expect(paid.body.order.status).toBe('COMPLETED');
    expect(names(paid.body.order.allowedActions)).toEqual(['notes']);
  });

  it('offers the hand-off retry only while the order awaits it, and labels statuses and payments', async () => {
    const email = uniqueEmail();
    await scriptReceiver(email, [500]);
    const product = await createProduct();
    const placed = await postCheckout(
      checkoutBody({ customer: { email, name: 'Stu Stuck' }, items: [{ sku: product.sku, quantity: 1 }], payment: cardPayment() }),
    );
    const id = placed.body.order.id;
    const view = (await staffApi('csr', 'GET', `/admin/orders/${id}`)).body.order;
    expect(view).toMatchObject({ status: 'ORDER_PLACED', statusLabel: 'Order Placed', payment: { status: 'AUTHORIZED', statusLabel: 'Authorized' } });
    expect(names(view.allowedActions)).toEqual(['fulfillment-retry', 'fulfillment-manual', 'cancel', 'notes']);
    const manual = await act('csr', id, 'fulfillment-manual', { externalRef: 'ERP-1' });
    expect(names(manual.body.order.allowedActions)).toEqual(['ship', 'cancel', 'notes']);
  });
});

describe('work queue and catalog for the dashboard', () => {
  it('counts orders per status with the offline and stuck tabs first, and lists the stuck orders with their last error', async () => {
    const before = (await staffApi('csr', 'GET', '/admin/queue')).body;
    expect(before.tabs.slice(0, 2).map((t: any) => [t.key, t.label])).toEqual([
      ['OFFLINE_PENDING', 'Pending (offline)'],
      ['STUCK', 'Stuck in Order Placed'],
    ]);
    expect(before.tabs.map((t: any) => t.key)).toHaveLength(11);
    const email = uniqueEmail();
    await scriptReceiver(email, [503]);
    const product = await createProduct();
    const stuck = await postCheckout(checkoutBody({ customer: { email, name: 'Stu Stuck' }, items: [{ sku: product.sku, quantity: 1 }] }));
    const { order } = await offlineOrder();
    const entry = await until('the order to be listed as stuck', async () => {
      const queue = (await staffApi('csr', 'GET', '/admin/queue')).body;
      return queue.stuck.find((s: any) => s.order.id === stuck.body.order.id);
    });
    expect(entry).toMatchObject({
      since: expect.any(String),
      minutesStuck: expect.any(Number),
      lastError: expect.stringContaining('HTTP 503'),
      order: { statusLabel: 'Order Placed' },
    });
    const after = (await staffApi('csr', 'GET', '/admin/queue')).body;
    const count = (queue: any, key: string) => queue.tabs.find((t: any) => t.key === key).count;
    expect(count(after, 'OFFLINE_PENDING')).toBeGreaterThanOrEqual(count(before, 'OFFLINE_PENDING') + 1);
    expect(count(after, 'STUCK')).toBe(after.stuck.length);
    expect(after.stuck.map((s: any) => s.order.id)).not.toContain(order.id);
  });

  it('lists products with their stock for admins only', async () => {
    const product = await createProduct({ stock: 17, priceCents: 777 });
    const listed = await staffApi('admin', 'GET', '/admin/products');
    expect(listed.status).toBe(200);
    expect(listed.body.products).toContainEqual({ ...product, currency: 'USD' });
    expect((await staffApi('csr', 'GET', '/admin/products')).status).toBe(403);
  });
});
