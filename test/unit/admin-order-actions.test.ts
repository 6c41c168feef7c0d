import { describe, expect, it } from 'vitest';
import { approveOrder, addNote, cancelOrder, shipOrder } from '../../functions/core/admin/order-actions.js';
import type { AppError } from '../../functions/core/errors.js';
import { GatewayUnavailable } from '../../functions/core/ports.js';
import { record } from '../../functions/core/transitions.js';
import { orderActions } from '../../functions/admin-api/order-actions.js';
import { anOrder } from '../support/fixtures.js';
import { orderActionDeps } from '../support/ports.js';

const staff = (orderId: string, expectedVersion: number | null = null) => ({ orderId, actor: 'admin', expectedVersion });
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: AppError) => error.code);
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
});

describe('approve', () => {
  it('purges the held card, records Approved (M), emails the payment receipt and announces the placed order', async () => {
    const { deps, calls, current } = orderActionDeps(offline());
    const approved = await approveOrder(deps, staff('ord_TEST'), { authorizationCode: 'VT-1' });
    expect(approved).toMatchObject({ status: 'ORDER_PLACED', heldCard: null, payment: { status: 'APPROVED_MANUAL', authorizationCode: 'VT-1' } });
    expect(calls.purged).toEqual(['card-1']);
    expect(calls.mails.map((m) => m.subject)).toEqual(['Demo Store: payment received for order ord_TEST']);
    expect(current().history).toContainEqual(expect.objectContaining({ type: 'email_sent', data: expect.objectContaining({ kind: 'payment_receipt' }) }));
    expect(calls.announced).toEqual(['ord_TEST']);
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
    orders.beforeNextSave((order) => record(order, {}, [{ type: 'note', actor: 'csr', message: 'hi', visibleToCustomer: false, data: { notifyCustomer: false } }], new Date()));
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
