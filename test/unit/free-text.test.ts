import { describe, expect, it } from 'vitest';
import { containsCardNumber, maskCardNumbers } from '../../functions/core/free-text.js';

describe('card numbers in free text', () => {
  it.each([
    'Card 4242424242424242',
    'card is 4242 4242 4242 4242 exp 12/30',
    'try 4000-0000-0000-0002 again',
    'amex 378282246310005',
    'call 555 0100 5555555555554444 please',
    '4111111111111111',
    'twelve digits 424242424242',
  ])('finds one in %j', (text) => {
    expect(containsCardNumber(text)).toBe(true);
  });

  it.each([
    'UPS 1Z999AA10123456784',
    'USPS 9400111899223100012345',
    'Order ord_1K83H2QN7BQX6P3XXJ9, invoice INV-2041',
    'phone +1 555 0100',
    '4242424242424241 (not Luhn-valid)',
    'reference 1234567890123456',
    'short 42424242424',
  ])('finds none in %j', (text) => {
    expect(containsCardNumber(text)).toBe(false);
  });

  it('masks the digits of card-holding runs only', () => {
    expect(maskCardNumbers('sku 4242-4242-4242-4242 and 12345')).toBe('sku ••••-••••-••••-•••• and 12345');
    expect(maskCardNumbers('ord_ABC123')).toBe('ord_ABC123');
  });
});
