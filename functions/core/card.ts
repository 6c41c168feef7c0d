/** Card number rules and display masking (PCI DSS 3.4.1: at most BIN + last 4). */

export const normalizeCardNumber = (input: string): string => input.replace(/[\s-]/g, '');

export const luhnValid = (digits: string): boolean => {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
};

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

export const cardBrand = (digits: string): CardBrand => {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'unknown';
};

export const brandLabels: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  unknown: 'Card',
};

/** A card is valid through the last day of its expiry month. */
export const isExpired = (expMonth: number, expYear: number, now: Date): boolean => {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear < year || (expYear === year && expMonth < month);
};

/** What may be stored and shown about a card: never the full PAN. */
export interface CardSummary {
  readonly brand: CardBrand;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export const summarizeCard = (card: { number: string; expMonth: number; expYear: number }): CardSummary => {
  const digits = normalizeCardNumber(card.number);
  return {
    brand: cardBrand(digits),
    bin: digits.slice(0, 6),
    last4: digits.slice(-4),
    expMonth: card.expMonth,
    expYear: card.expYear,
  };
};

/** The full card as the customer entered it; lives only in memory and in the encrypted vault. */
export interface CardDetails {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc?: string;
  readonly holderName: string;
}
