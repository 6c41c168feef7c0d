import { describe, expect, it } from 'vitest';
import { AppError } from '../../functions/core/errors.js';
import { canApply, nextStatus, type OrderAction, orderProcess, transition } from '../../functions/core/transitions.js';
import { type OrderStatus, orderStatuses } from '../../functions/core/status.js';
import { anOrder } from '../support/fixtures.js';

/** SPEC §4.2, row by row: [action, from, to]. */
const allowed: [OrderAction, OrderStatus, OrderStatus][] = [
  ['authorizationApproved', 'INCOMPLETE', 'ORDER_PLACED'],
  ['authorizationDeclined', 'INCOMPLETE', 'INCOMPLETE'],
  ['holdOffline', 'INCOMPLETE', 'OFFLINE_PENDING'],
  ['placePurchaseOrder', 'INCOMPLETE', 'AWAITING_PAYMENT'],
  ['placeEvaluation', 'INCOMPLETE', 'AWAITING_EVALUATION'],
  ['recordPaidOrder', 'INCOMPLETE', 'ORDER_PLACED'],
  ['checkoutFailed', 'INCOMPLETE', 'INCOMPLETE'],
  ['retryPayment', 'INCOMPLETE', 'INCOMPLETE'],
  ['submitOffline', 'INCOMPLETE', 'OFFLINE_PENDING'],
  ['approve', 'OFFLINE_PENDING', 'ORDER_PLACED'],
  // The fixture's payment is AUTHORIZED: a charge that authorized places the order.
  ['charge', 'OFFLINE_PENDING', 'ORDER_PLACED'],
  ['fulfillmentAccepted', 'ORDER_PLACED', 'IN_PROCESS'],
  ['fulfillmentAccepted', 'AWAITING_PAYMENT', 'AWAITING_PAYMENT'],
  ['fulfillmentManual', 'ORDER_PLACED', 'IN_PROCESS'],
  ['ship', 'IN_PROCESS', 'SHIPPED'],
  ['ship', 'AWAITING_PAYMENT', 'AWAITING_PAYMENT'],
  ['invoice', 'AWAITING_PAYMENT', 'AWAITING_PAYMENT'],
  ['markPaid', 'AWAITING_PAYMENT', 'IN_PROCESS'],
  ['complete', 'SHIPPED', 'COMPLETED'],
  ['quote', 'AWAITING_EVALUATION', 'AWAITING_CUSTOMER_APPROVAL'],
  ['acceptQuote', 'AWAITING_CUSTOMER_APPROVAL', 'CANCELLED'],
  ['rejectQuote', 'AWAITING_CUSTOMER_APPROVAL', 'CANCELLED'],
  ...orderStatuses.filter((s) => s !== 'COMPLETED' && s !== 'CANCELLED').map((s): [OrderAction, OrderStatus, OrderStatus] => ['cancel', s, 'CANCELLED']),
  ...orderStatuses.map((s): [OrderAction, OrderStatus, OrderStatus] => ['note', s, s]),
];

describe('order transition table', () => {
  it('keeps an offline order waiting when the charge of its held card was not authorized', () => {
    const offline = anOrder({ status: 'OFFLINE_PENDING', payment: { ...anOrder().payment, status: 'OFFLINE' } });
    expect(nextStatus(offline, 'charge')).toBe('OFFLINE_PENDING');
  });

  it.each(allowed)('%s from %s leads to %s', (action, from, to) => {
    expect(nextStatus(anOrder({ status: from }), action)).toBe(to);
  });

  it('lists exactly the allowed transitions of the spec, nothing more', () => {
    const table = Object.entries(orderProcess).flatMap(([action, targets]) => Object.keys(targets).map((from) => `${action}:${from}`));
    expect(table.sort()).toEqual(allowed.map(([action, from]) => `${action}:${from}`).sort());
  });

  it('marks a purchase order paid after shipping as completed', () => {
    const shipped = anOrder({ status: 'AWAITING_PAYMENT', shipments: [{ carrier: 'UPS', trackingNumber: '1Z', shippedAt: '2026-01-01T00:00:00Z' }] });
    expect(nextStatus(shipped, 'markPaid')).toBe('COMPLETED');
  });

  const refused: [OrderAction, OrderStatus][] = [
    ['approve', 'ORDER_PLACED'],
    ['approve', 'INCOMPLETE'],
    ['ship', 'ORDER_PLACED'],
    ['ship', 'OFFLINE_PENDING'],
    ['complete', 'IN_PROCESS'],
    ['cancel', 'COMPLETED'],
    ['cancel', 'CANCELLED'],
    ['retryPayment', 'ORDER_PLACED'],
    ['submitOffline', 'OFFLINE_PENDING'],
    ['invoice', 'IN_PROCESS'],
    ['markPaid', 'ORDER_PLACED'],
    ['quote', 'AWAITING_CUSTOMER_APPROVAL'],
    ['acceptQuote', 'AWAITING_EVALUATION'],
    ['fulfillmentManual', 'AWAITING_PAYMENT'],
    ['authorizationApproved', 'OFFLINE_PENDING'],
  ];

  it.each(refused)('refuses %s from %s with 409 invalid_transition', (action, from) => {
    expect(canApply(from, action)).toBe(false);
    const attempt = () => nextStatus(anOrder({ status: from }), action);
    expect(attempt).toThrow(AppError);
    try {
      attempt();
    } catch (error) {
      expect((error as AppError).code).toBe('invalid_transition');
      expect((error as AppError).status).toBe(409);
    }
  });

  it('bumps the version and appends history without rewriting earlier entries', () => {
    const order = anOrder({ status: 'OFFLINE_PENDING' });
    const now = new Date('2026-05-01T10:00:00Z');
    const next = transition(order, 'approve', {}, [{ type: 'status', actor: 'admin', message: 'Approved', visibleToCustomer: true }], now);
    expect(next.status).toBe('ORDER_PLACED');
    expect(next.version).toBe(order.version + 1);
    expect(next.updatedAt).toBe(now.toISOString());
    expect(next.history.slice(0, order.history.length)).toEqual(order.history);
    expect(next.history.at(-1)).toMatchObject({ at: now.toISOString(), type: 'status', actor: 'admin' });
  });
});
