import { GatewayUnavailable, type PaymentGateway } from '../../functions/core/ports.js';

/**
 * How the contract tests call a gateway adapter: a test card, an authorization with a fresh
 * attempt key unless one is given, and what a call ended in.
 */
export const gatewayCalls = (gateway: () => PaymentGateway, keyPrefix: string) => {
  let keys = 0;
  const card = (number: string, cvc?: string) => ({ number, expMonth: 3, expYear: 2031, holderName: 'Ann Lee', ...(cvc ? { cvc } : {}) });
  const authorize = (number: string, options: { key?: string; cvc?: string | undefined; amountCents?: number } = {}) =>
    gateway().authorize({
      idempotencyKey: options.key ?? `${keyPrefix}${++keys}.1`,
      amountCents: options.amountCents ?? 1234,
      currency: 'USD',
      card: card(number, 'cvc' in options ? options.cvc : '123'),
    });
  const unavailable = (promise: Promise<unknown>) =>
    promise.then(
      () => 'answered',
      (error: unknown) => (error instanceof GatewayUnavailable ? 'unavailable' : `threw ${error}`),
    );
  return { card, authorize, unavailable };
};
