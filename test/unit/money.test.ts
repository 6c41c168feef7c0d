import { describe, expect, it } from 'vitest';
import { applyBasisPoints, computeTotals } from '../../functions/core/money.js';

describe('money', () => {
  it.each([
    [1000, 825, 83], // 82.5 rounds half up
    [1000, 0, 0],
    [1, 5000, 1], // 0.5 rounds up
    [1, 4999, 0],
    [3998, 725, 290], // 289.855
    [123456, 10000, 123456],
    [10, 1250, 1], // 1.25
    [30, 1250, 4], // 3.75
  ])('%i cents at %i bps is %i cents of tax', (amount, bps, tax) => {
    expect(applyBasisPoints(amount, bps)).toBe(tax);
  });

  it('adds flat shipping and tax on the subtotal', () => {
    const totals = computeTotals([{ lineTotalCents: 3998 }, { lineTotalCents: 899 }], { flatShippingCents: 500, taxRateBps: 825 });
    expect(totals).toEqual({ subtotalCents: 4897, shippingCents: 500, taxCents: 404, totalCents: 5801 });
  });

  it('charges nothing for an evaluation-only order', () => {
    expect(computeTotals([{ lineTotalCents: 0 }], { flatShippingCents: 500, taxRateBps: 825 }).totalCents).toBe(0);
  });
});
