import { describe, expect, it } from 'vitest';
import { cardBrand, isExpired, luhnValid, normalizeCardNumber, summarizeCard } from '../../functions/core/card.js';
import { toOrderView } from '../../functions/core/order.js';
import { cardSchema } from '../../functions/storefront-api/schemas.js';
import { anOrder } from '../support/fixtures.js';

describe('card rules', () => {
  it.each(['4242424242424242', '4111111111111111', '5555555555554444', '378282246310005', '4000000000000002', '4000000000000119'])(
    'accepts the test card %s by Luhn',
    (number) => expect(luhnValid(number)).toBe(true),
  );

  it.each(['4242424242424241', '1234567812345678', '4242a42424242424', ''])('rejects %j by Luhn', (number) => {
    expect(luhnValid(number)).toBe(false);
  });

  it('strips spaces and dashes', () => {
    expect(normalizeCardNumber('4242 4242-4242 4242')).toBe('4242424242424242');
  });

  it.each([
    ['4242424242424242', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    ['3056930009020004', 'unknown'],
  ])('detects the brand of %s as %s', (number, brand) => expect(cardBrand(number)).toBe(brand));

  it('treats a card as valid through the end of its expiry month', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(isExpired(11, 2026, now)).toBe(false);
    expect(isExpired(10, 2026, now)).toBe(true);
    expect(isExpired(1, 2027, now)).toBe(false);
    expect(isExpired(12, 2025, now)).toBe(true);
  });

  it('validates card fields with clear messages and never echoes the number', () => {
    const result = cardSchema.safeParse({ number: '4242 4242 4242 4241', expMonth: 13, expYear: 2030, cvc: '12', holderName: 'A' });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('number: is not a valid card number');
    expect(messages.some((m) => m.startsWith('expMonth'))).toBe(true);
    expect(messages).toContain('cvc: must be 3 or 4 digits');
    expect(JSON.stringify(result.error!.issues)).not.toContain('424242424241');
  });
});

describe('masking', () => {
  const card = summarizeCard({ number: '4242 4242 4242 4242', expMonth: 12, expYear: 2030 });

  it('keeps only BIN and last 4 of a card', () => {
    expect(card).toEqual({ brand: 'visa', bin: '424242', last4: '4242', expMonth: 12, expYear: 2030 });
  });

  it('shows customers brand and last 4 only, and only customer-visible history', () => {
    const view = toOrderView(anOrder({ payment: { ...anOrder().payment, card } }), 'customer');
    expect(view.payment.card).toEqual({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 });
    expect(view.history.every((e) => e.visibleToCustomer)).toBe(true);
    expect(JSON.stringify(view)).not.toContain('424242');
    expect(JSON.stringify(view)).not.toContain('token');
  });

  it('shows staff the BIN too, and the full history', () => {
    const order = anOrder({ payment: { ...anOrder().payment, card } });
    const view = toOrderView(order, 'staff');
    expect(view.payment.card).toMatchObject({ bin: '424242', last4: '4242' });
    expect(view.history).toHaveLength(order.history.length);
  });

  it('derives the Kartris flags', () => {
    expect(toOrderView(anOrder({ status: 'INCOMPLETE', payment: { ...anOrder().payment, status: 'DECLINED' } }), 'customer').flags).toEqual({
      sent: false,
      invoiced: false,
      paid: false,
      dispatched: false,
      cancelled: false,
    });
    const shipped = anOrder({
      status: 'SHIPPED',
      payment: { ...anOrder().payment, status: 'CAPTURED', invoiceNumber: 'INV-1' },
      shipments: [{ carrier: 'UPS', trackingNumber: '1Z', shippedAt: '2026-01-02T00:00:00Z' }],
    });
    expect(toOrderView(shipped, 'customer').flags).toEqual({ sent: true, invoiced: true, paid: true, dispatched: true, cancelled: false });
  });
});
