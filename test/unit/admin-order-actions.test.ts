import { describe, expect, it } from 'vitest';
import { approveOrder, addNote, cancelOrder, chargeHeldCard, shipOrder } from '../../functions/core/admin/order-actions.js';
import { routes } from '../../contract/routes.js';
import type { AppError } from '../../functions/core/errors.js';
import { GatewayUnavailable } from '../../functions/core/ports.js';
import { record } from '../../functions/core/transitions.js';
import { orderActions } from '../../functions/admin-api/order-actions.js';
import { anOrder } from '../support/fixtures.js';
import { orderActionDeps } from '../support/ports.js';

const staff = (orderId: string, expectedVersion: number | null = null) => ({ orderId, actor: 'admin', expectedVersion });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: AppError) => error.code,
  );
const offline = () =>
  anOrder({
    status: 'OFFLINE_PENDING',
    payment: { ...anOrder().payment, status: 'OFFLINE', authorizationCode: null, declineReason: 'card_declined' },
    heldCard: { ref: 'card-1', heldAt: '2026-01-01T00:00:00.000Z', expiresAt: null },
  });

describe('the order action table', () => {
  it('has the back-office actions of SPEC §5.2 this API serves', () => {
    expect(Object.keys(orderActions).sort()).toEqual(
      ['approve', 'cancel', 'complete', 'invoice', 'mark-paid', 'notes', 'quote', 'ship', 'fulfillment-retry', 'fulfillment-manual'].sort(),
    );
  });

  it('leaves charge to its own route in the card function, matched before the generic action route', () => {
    const actionRoutes = routes.filter((route) => route.path.startsWith('/admin/orders/{id}/') && route.path.split('/').length === 5);
    expect(actionRoutes.map((route) => [route.path, route.target, route.auth])).toEqual([
      ['/admin/orders/{id}/charge', 'cardReveal', 'admin'],
      ['/admin/orders/{id}/{action}', 'admin', 'staff'],
    ]);
    expect(Object.keys(orderActions)).not.toContain('charge');
  });
});

describe('charge a held card', () => {
  const held = { number: '4242424242424242', expMonth: 12, expYear: 2030, holderName: 'Ann Lee' };
  const chargeable = (answers: Parameters<typeof orderActionDeps>[1] = {}) => {
    const fake = orderActionDeps(offline(), answers);
    const authorizations: unknown[] = [];
    const deps = {
      ...fake.deps,
      vault: { ...fake.deps.vault, readHeld: async () => held },
      gateway: {
        ...fake.deps.gateway,
        authorize: (request: Parameters<typeof fake.deps.gateway.authorize>[0]) => {
          authorizations.push(request);
          return fake.deps.gateway.authorize(request);
        },
      },
    };
    return { ...fake, deps, authorizations };
  };

  it('places the order with the gateway ids, purges the card, queues the receipt in the same write and announces the placed order, which the mail rule takes too', async () => {
    const { deps, calls, current, authorizations } = chargeable({ authorize: { approved: true, authorizationCode: 'A1', transactionId: 'T1' } });
    const result = await chargeHeldCard(deps, staff('ord_TEST'));
    expect(result.approved).toBe(true);
    expect(current()).toMatchObject({
      status: 'ORDER_PLACED',
      heldCard: null,
      payment: { status: 'AUTHORIZED', authorizationCode: 'A1', transactionId: 'T1', gateway: 'sandbox' },
    });
    expect(authorizations).toEqual([{ idempotencyKey: 'ord_TEST.2', amountCents: 3998, currency: 'USD', card: held }]);
    expect(calls.purged).toEqual(['card-1']);
    expect(calls.announced).toEqual(['ord_TEST']);
    expect(calls.mails).toEqual([]);
    expect(current().emailOutbox).toEqual([expect.objectContaining({ kind: 'payment_receipt', state: 'pending' })]);
    expect(calls.emailsAnnounced).toEqual([]);
    expect(current().history).toContainEqual(
      expect.objectContaining({ type: 'card_charged', actor: 'admin', data: { attempt: 2, approved: true, gateway: 'sandbox' } }),
    );
  });

  it('keeps the card and the offline status on a decline, with the attempt on the timeline', async () => {
    const { deps, calls, current } = chargeable({ authorize: { approved: false, declineReason: 'card_declined', gatewayCode: 'stolen_card' } });
    const result = await chargeHeldCard(deps, staff('ord_TEST'));
    expect(result).toMatchObject({ approved: false, declineReason: 'card_declined' });
    expect(current()).toMatchObject({
      status: 'OFFLINE_PENDING',
      heldCard: { ref: 'card-1' },
      payment: { status: 'OFFLINE', gatewayCode: 'stolen_card', attempt: 2 },
    });
    expect([calls.purged, calls.mails, calls.announced, calls.emailsAnnounced]).toEqual([[], [], [], []]);
    expect(current().emailOutbox ?? []).toEqual([]);
    expect(current().history.at(-1)).toMatchObject({
      type: 'card_charged',
      data: { approved: false, declineReason: 'card_declined', gatewayCode: 'stolen_card' },
    });
  });

  it('asks again with the same key after the gateway did not answer', async () => {
    const { deps, current, authorizations } = chargeable({ authorize: new GatewayUnavailable('down') });
    const result = await chargeHeldCard(deps, staff('ord_TEST'));
    expect(result).toMatchObject({ approved: false, declineReason: 'gateway_unavailable' });
    expect(current().payment.attempt).toBe(1);
    await chargeHeldCard(deps, staff('ord_TEST'));
    expect(authorizations.map((a) => (a as { idempotencyKey: string }).idempotencyKey)).toEqual(['ord_TEST.2', 'ord_TEST.2']);
  });

  it('answers no_card_on_file without a held card, and invalid_transition outside OFFLINE_PENDING', async () => {
    const { deps } = chargeable();
    expect(await codeOf(chargeHeldCard({ ...deps, vault: { ...deps.vault, readHeld: async () => null } }, staff('ord_TEST')))).toBe('no_card_on_file');
    const placed = orderActionDeps(anOrder({ status: 'ORDER_PLACED' }));
    expect(await codeOf(chargeHeldCard(placed.deps, staff('ord_TEST')))).toBe('invalid_transition');
  });
});

describe('approve', () => {
  it('purges the held card, records Approved (M), queues the payment receipt in the same write and announces the placed order, which the mail rule takes too', async () => {
    const { deps, calls, current } = orderActionDeps(offline());
    const approved = await approveOrder(deps, staff('ord_TEST'), { authorizationCode: 'VT-1' });
    expect(approved).toMatchObject({ status: 'ORDER_PLACED', heldCard: null, payment: { status: 'APPROVED_MANUAL', authorizationCode: 'VT-1' } });
    expect(calls.purged).toEqual(['card-1']);
    expect(calls.mails).toEqual([]);
    expect(current().emailOutbox).toEqual([expect.objectContaining({ kind: 'payment_receipt', state: 'pending' })]);
    // Queued by the approving write itself: its entry comes with the approval's.
    const approval = current().history.find((entry) => entry.type === 'payment_approved')!;
    expect(current().history).toContainEqual(expect.objectContaining({ type: 'email_queued', at: approval.at, data: { kind: 'payment_receipt' } }));
    expect(calls.emailsAnnounced).toEqual([]);
    expect(calls.announced).toEqual(['ord_TEST']);
  });

  it('announces the payment receipt on its own when OrderPlaced could not be published', async () => {
    const { deps, calls } = orderActionDeps(offline());
    const events = { ...deps.events, orderPlaced: async () => Promise.reject(new Error('EventBridge is unavailable')) };
    await approveOrder({ ...deps, events }, staff('ord_TEST'), { authorizationCode: 'VT-1' });
    expect(calls.announced).toEqual([]);
    expect(calls.emailsAnnounced).toEqual(['ord_TEST']);
  });

  it('decides again after losing a race, and refuses what no longer applies', async () => {
    const { deps, calls, orders, current } = orderActionDeps(offline());
    orders.beforeNextSave((order) => ({ ...order, status: 'CANCELLED', version: order.version + 1 }));
    expect(await codeOf(approveOrder(deps, staff('ord_TEST'), { authorizationCode: 'VT-1' }))).toBe('invalid_transition');
    expect(current().status).toBe('CANCELLED');
    expect(calls.mails).toEqual([]);
  });

  it('applies only to the version named in If-Match', async () => {
    const { deps, calls, orders } = orderActionDeps(offline());
    expect(await codeOf(approveOrder(deps, staff('ord_TEST', 2), { authorizationCode: 'VT-1' }))).toBe('precondition_failed');
    expect([orders.saves, calls.purged.length]).toEqual([0, 0]);
  });
});

describe('ship', () => {
  it('ships nothing when the gateway refuses the capture', async () => {
    const { deps, calls, current } = orderActionDeps(anOrder({ status: 'IN_PROCESS' }), { capture: { ok: false, reason: 'authorization_expired' } });
    const error = await shipOrder(deps, staff('ord_TEST'), { carrier: 'UPS', trackingNumber: '1Z', notifyCustomer: true }).catch((caught: AppError) => caught);
    expect(error).toMatchObject({ code: 'conflict', message: expect.stringContaining('authorization_expired') });
    expect(current()).toEqual(anOrder({ status: 'IN_PROCESS' }));
    expect(calls.mails).toEqual([]);
  });

  it('ships nothing while the gateway is unavailable', async () => {
    const { deps, current } = orderActionDeps(anOrder({ status: 'IN_PROCESS' }), { capture: new GatewayUnavailable('processing_error') });
    expect(await codeOf(shipOrder(deps, staff('ord_TEST'), { carrier: 'UPS', trackingNumber: '1Z', notifyCustomer: true }))).toBe('conflict');
    expect(current().status).toBe('IN_PROCESS');
  });

  it('captures an authorized card once, with an idempotency key per order', async () => {
    const { deps, calls } = orderActionDeps(anOrder({ status: 'IN_PROCESS' }));
    const shipped = await shipOrder(deps, staff('ord_TEST'), { carrier: 'UPS', trackingNumber: '1Z', notifyCustomer: false });
    expect(shipped).toMatchObject({ status: 'SHIPPED', payment: { status: 'CAPTURED' }, shipments: [{ carrier: 'UPS', trackingNumber: '1Z' }] });
    expect(calls.captures).toBe(1);
  });
});

describe('cancel', () => {
  it('returns the stock once after the cancellation is stored, even when the first write lost a race', async () => {
    const { deps, calls, orders, current } = orderActionDeps(anOrder({ status: 'ORDER_PLACED' }));
    orders.beforeNextSave((order) =>
      record(order, {}, [{ type: 'note', actor: 'csr', message: 'hi', visibleToCustomer: false, data: { notifyCustomer: false } }], new Date()),
    );
    await cancelOrder(deps, staff('ord_TEST'), { reason: 'Duplicate', notifyCustomer: false });
    expect(calls.released).toEqual([{ lines: [{ sku: 'WIDGET-1', quantity: 2 }], token: 'ord_TEST.0.release' }]);
    expect(current()).toMatchObject({ status: 'CANCELLED', stock: { reserved: false, round: 1 }, payment: { status: 'VOIDED' } });
    expect(current().history.map((e) => e.type)).toEqual(['created', 'status', 'note', 'status', 'stock_released', 'payment_voided']);
  });

  it.each([
    ['refuses', { ok: false as const, reason: 'already_settled' }, 'already_settled'],
    ['is unavailable', new GatewayUnavailable('processing_error'), 'gateway_unavailable'],
  ])('cancels anyway when the gateway %s to void, and says so in the timeline', async (_, voidAnswer, reason) => {
    const { deps, calls, current } = orderActionDeps(anOrder({ status: 'ORDER_PLACED' }), { void: voidAnswer });
    await cancelOrder(deps, staff('ord_TEST'), { reason: 'Duplicate', notifyCustomer: true });
    expect(current()).toMatchObject({ status: 'CANCELLED', payment: { status: 'AUTHORIZED' } });
    expect(current().history.find((e) => e.type === 'payment_void_failed')).toMatchObject({ data: { reason } });
    expect(calls.mails.map((m) => m.subject)).toEqual(['Demo Store: order ord_TEST canceled']);
  });
});

describe('notes', () => {
  it('refuses to email a note the customer may not see', async () => {
    const { deps, orders } = orderActionDeps(anOrder());
    expect(await codeOf(addNote(deps, staff('ord_TEST'), { message: 'internal', visibleToCustomer: false, notifyCustomer: true }))).toBe('validation_failed');
    expect(orders.saves).toBe(0);
  });
});
