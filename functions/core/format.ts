/** One formatter per currency: building an `Intl.NumberFormat` costs far more than formatting with it. */
const formatters = new Map<string, Intl.NumberFormat>();

export const formatMoney = (cents: number, currency: string): string => {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter.format(cents / 100);
};
