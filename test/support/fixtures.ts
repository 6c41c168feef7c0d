import type { Order } from '../../functions/core/order.js';

export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  id: 'ord_TEST',
  status: 'INCOMPLETE',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 3,
  customer: { email: 'ann@example.com', name: 'Ann Lee', phone: null },
  billingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  shippingAddress: null,
  items: [{ sku: 'WIDGET-1', name: 'Widget', kind: 'standard', quantity: 2, unitPriceCents: 1999, lineTotalCents: 3998 }],
  currency: 'USD',
  totals: { subtotalCents: 3998, shippingCents: 0, taxCents: 0, totalCents: 3998 },
  payment: {
    method: 'card',
    status: 'AUTHORIZED',
    card: { brand: 'visa', bin: '424242', last4: '4242', expMonth: 12, expYear: 2030 },
    authorizationCode: 'SBX1',
    declineReason: null,
    poNumber: null,
    invoiceNumber: null,
    attempt: 1,
  },
  shipments: [],
  notes: null,
  supersedes: null,
  supersededBy: null,
  history: [
    { at: '2026-01-01T00:00:00.000Z', type: 'created', actor: 'customer', message: 'Order submitted', visibleToCustomer: false },
    { at: '2026-01-01T00:00:01.000Z', type: 'status', actor: 'system', message: 'Order placed', visibleToCustomer: true, data: { reason: 'test' } },
  ],
  trackingToken: 'token',
  quote: null,
  stock: { reserved: true, round: 0 },
  heldCard: null,
  ...overrides,
});

/** The sandbox gateway's test cards (SPEC §6) the tests and the bench pay with; never real cards. */
export const testCards = {
  visa: '4242 4242 4242 4242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  gatewayDown: '4000000000000119',
} as const;
