/** Money is integer minor units; percentages are basis points. */
export interface Totals {
  readonly subtotalCents: number;
  readonly shippingCents: number;
  readonly taxCents: number;
  readonly totalCents: number;
}

/** `amount * bps / 10000`, rounded half-up, in integer arithmetic. */
export const applyBasisPoints = (amountCents: number, bps: number): number => Math.floor((amountCents * bps + 5000) / 10000);

export interface PricedLine {
  readonly lineTotalCents: number;
}

export const computeTotals = (lines: readonly PricedLine[], pricing: { readonly flatShippingCents: number; readonly taxRateBps: number }): Totals => {
  const subtotalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  // Evaluation-only orders (subtotal 0) carry no shipping until they are quoted.
  const shippingCents = subtotalCents === 0 ? 0 : pricing.flatShippingCents;
  const taxCents = applyBasisPoints(subtotalCents, pricing.taxRateBps);
  return { subtotalCents, shippingCents, taxCents, totalCents: subtotalCents + shippingCents + taxCents };
};
