import type Stripe from 'stripe';
import { normalizeCardNumber } from '../../core/card.js';
import { customerDeclineReason } from '../../core/payments.js';
import { type AuthorizationResult, GatewayUnavailable, type PaymentGateway, type SettlementRequest, type SettlementResult } from '../../core/ports.js';
import { once } from '../webhook-secret.js';
import type { GatewayCredentials } from './credentials.js';

export interface StripeOptions {
  /** Read on first use (a Secrets Manager secret in AWS), never at module load. */
  readonly secretKey: GatewayCredentials<string>;
  /** `STRIPE_API_BASE`: scheme, host and port of the API (a test points it at a local server). */
  readonly apiBase?: string;
  /** Per request; three workflow attempts and their backoff stay within the synchronous checkout. */
  readonly timeoutMs?: number;
}

/** Stripe's own codes that mean the same as one of the customer reasons under another name. */
const aliases: Record<string, string> = {
  incorrect_zip: 'avs_mismatch',
  invalid_expiry_month: 'expired_card',
  invalid_expiry_year: 'expired_card',
  invalid_number: 'incorrect_number',
  invalid_cvc: 'incorrect_cvc',
};

interface StripeFailure {
  readonly type?: string;
  readonly code?: string;
  readonly decline_code?: string;
  readonly statusCode?: number;
}

const failureOf = (error: unknown): StripeFailure | null =>
  error instanceof Error && typeof (error as StripeFailure).type === 'string' && (error as StripeFailure).type!.startsWith('Stripe')
    ? (error as StripeFailure)
    : null;

/** Anything but a card error or a refusal of this very request means Stripe could not answer. */
const unavailable = (failure: StripeFailure | null, error: unknown) =>
  new GatewayUnavailable(
    failure ? `stripe ${failure.type}${failure.code ? ` ${failure.code}` : ''}` : `stripe failed (${error instanceof Error ? error.name : 'unknown'})`,
  );

const clientSettings = (apiBase: string | undefined) => {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol.replace(':', '');
  if (protocol !== 'http' && protocol !== 'https') throw new Error('STRIPE_API_BASE must be an http or https URL');
  return { host: url.hostname, port: url.port || (protocol === 'https' ? 443 : 80), protocol } as const;
};

/**
 * Stripe through its official SDK: a manual-capture PaymentIntent confirmed at once with the raw
 * card (the store holds cards, so it is a PCI DSS SAQ D merchant with raw card data access);
 * capture at shipping and cancel on cancellation act on that intent. Every call carries an
 * idempotency key, so a repeated workflow step is answered with Stripe's first result.
 */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  private readonly client: () => Promise<Stripe>;

  constructor(options: StripeOptions) {
    const settings = clientSettings(options.apiBase);
    this.client = once(async () => {
      const secretKey = await options.secretKey().catch((error: unknown) => {
        throw new GatewayUnavailable(`stripe credentials unavailable (${error instanceof Error ? error.message : 'unknown'})`);
      });
      // Loaded on first use: a deployment on another gateway never evaluates the SDK at cold start.
      const { default: StripeClient } = await import('stripe');
      return new StripeClient(secretKey, {
        ...settings,
        // The workflow retries an unavailable gateway (3 attempts with backoff, each with the
        // same idempotency key); SDK retries inside each attempt would multiply the calls and
        // the wait past the synchronous checkout's budget. (The SDK still retries a connection
        // closed under it once, with the same key: a replay, never a second authorization.)
        maxNetworkRetries: 0,
        timeout: options.timeoutMs ?? 6000,
        telemetry: false,
      });
    });
  }

  async authorize(request: Parameters<PaymentGateway['authorize']>[0]): Promise<AuthorizationResult> {
    const stripe = await this.client();
    const { card } = request;
    let intent: Stripe.PaymentIntent;
    try {
      intent = await stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency.toLowerCase(),
          capture_method: 'manual',
          confirm: true,
          // A server-side charge cannot redirect or run 3-D Secure: such a card fails at once.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          error_on_requires_action: true,
          // Raw card data is not in the SDK's types (it needs the account's raw-card access).
          payment_method_data: {
            type: 'card',
            card: {
              number: normalizeCardNumber(card.number),
              exp_month: card.expMonth,
              exp_year: card.expYear,
              // A held card has no CVC (SPEC §7.2): the field is left out, not sent empty.
              ...(card.cvc ? { cvc: card.cvc } : {}),
            },
            billing_details: { name: card.holderName },
          } as unknown as Stripe.PaymentIntentCreateParams.PaymentMethodData,
          expand: ['latest_charge'],
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      const failure = failureOf(error);
      if (failure?.type !== 'StripeCardError' || failure.code === 'processing_error') throw unavailable(failure, error);
      const gatewayCode = failure.decline_code ?? failure.code ?? 'card_declined';
      return { approved: false, declineReason: customerDeclineReason(aliases[gatewayCode] ?? gatewayCode), gatewayCode };
    }
    if (intent.status !== 'requires_capture') {
      // Not authorized (e.g. the issuer wants 3-D Secure, which a server-side charge cannot do).
      if (intent.status !== 'canceled' && intent.status !== 'requires_payment_method') await this.release(intent.id, request.idempotencyKey);
      return { approved: false, declineReason: 'card_declined', gatewayCode: intent.status };
    }
    const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
    return { approved: true, authorizationCode: charge?.payment_method_details?.card?.authorization_code ?? charge?.id ?? intent.id, transactionId: intent.id };
  }

  capture(request: SettlementRequest): Promise<SettlementResult> {
    return this.settle((stripe) =>
      stripe.paymentIntents.capture(request.transactionId, { amount_to_capture: request.amountCents }, { idempotencyKey: request.idempotencyKey }),
    );
  }

  void(request: SettlementRequest): Promise<SettlementResult> {
    return this.settle((stripe) => stripe.paymentIntents.cancel(request.transactionId, {}, { idempotencyKey: request.idempotencyKey }));
  }

  /** Best effort: an intent left unconfirmed is canceled by Stripe itself later. */
  private async release(intentId: string, idempotencyKey: string) {
    await this.void({ idempotencyKey: `${idempotencyKey}.release`, transactionId: intentId, amountCents: 0, currency: '' }).catch(() => undefined);
  }

  private async settle(call: (stripe: Stripe) => Promise<Stripe.PaymentIntent>): Promise<SettlementResult> {
    const stripe = await this.client();
    try {
      const intent = await call(stripe);
      return { ok: true, reference: intent.latest_charge && typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.id };
    } catch (error) {
      const failure = failureOf(error);
      // A refusal of this request (the intent is in another state, unknown, or expired) is an answer.
      if (failure?.type === 'StripeInvalidRequestError' || failure?.type === 'StripeCardError')
        return { ok: false, reason: `stripe_${failure.code ?? 'invalid_request'}` };
      throw unavailable(failure, error);
    }
  }
}
