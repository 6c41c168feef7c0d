import { randomBytes } from 'node:crypto';
import { type Answer, type GatewayStandIn, type ReceivedRequest, startGatewayStandIn } from './gateway-server.js';

/**
 * A Stripe stand-in for the PaymentIntents endpoints the adapter uses (create with confirm,
 * capture, cancel). Answers follow Stripe's API reference: form-encoded requests, a PaymentIntent
 * object, declines as HTTP 402 `card_error` with `code` and `decline_code`, test card numbers
 * from Stripe's testing page. Like Stripe it saves the first answer per `Idempotency-Key` and
 * replays it (`Idempotent-Replayed: true`); the same key with other parameters is a 400.
 */

/** Stripe test cards and their decline: [code, decline_code, message]. */
const declinesByCard: Record<string, readonly [string, string | null, string]> = {
  '4000000000000002': ['card_declined', 'generic_decline', 'Your card was declined.'],
  '4000000000009995': ['card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
  '4000000000009987': ['card_declined', 'lost_card', 'Your card was declined.'],
  '4000000000009979': ['card_declined', 'stolen_card', 'Your card was declined.'],
  '4100000000000019': ['card_declined', 'fraudulent', 'Your card was declined.'],
  '4000000000000069': ['expired_card', 'expired_card', 'Your card has expired.'],
  '4000000000000127': ['incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."],
  '4000000000000119': ['processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.'],
};
export const stripeCards = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  lost: '4000000000009987',
  stolen: '4000000000009979',
  fraudulent: '4100000000000019',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
  processingError: '4000000000000119',
} as const;

interface Intent {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly chargeId: string;
  status: 'requires_capture' | 'succeeded' | 'canceled' | 'requires_payment_method';
}

export interface StripeStandIn extends GatewayStandIn {
  readonly intents: Map<string, Intent>;
  /** The form fields of each request received, with its idempotency key. */
  requests(): { path: string; idempotencyKey: string | undefined; form: Record<string, string> }[];
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

const intentObject = (intent: Intent, expandCharge: boolean, card?: { last4: string; exp_month: number; exp_year: number }) => ({
  id: intent.id,
  object: 'payment_intent',
  amount: intent.amount,
  amount_capturable: intent.status === 'requires_capture' ? intent.amount : 0,
  amount_received: intent.status === 'succeeded' ? intent.amount : 0,
  capture_method: 'manual',
  client_secret: `${intent.id}_secret_${randomBytes(8).toString('hex')}`,
  confirmation_method: 'automatic',
  created: Math.floor(Date.now() / 1000),
  currency: intent.currency,
  latest_charge: expandCharge
    ? {
        id: intent.chargeId,
        object: 'charge',
        amount: intent.amount,
        captured: intent.status === 'succeeded',
        paid: true,
        payment_method_details: {
          type: 'card',
          card: { brand: 'visa', ...card, authorization_code: intent.chargeId.slice(-6).toUpperCase(), network: 'visa' },
        },
        status: 'succeeded',
      }
    : intent.chargeId,
  livemode: false,
  metadata: {},
  payment_method: id('pm'),
  payment_method_types: ['card'],
  status: intent.status,
});

const error = (status: number, body: object): Answer => ({ status, body: JSON.stringify({ error: body }), headers: { 'request-id': id('req') } });

export const startStripeStandIn = async (secretKey: string): Promise<StripeStandIn> => {
  const intents = new Map<string, Intent>();
  const saved = new Map<string, { body: string; answer: Answer }>();

  const play = (request: ReceivedRequest, violations: string[]): Answer => {
    const form = Object.fromEntries(new URLSearchParams(request.body));
    const path = request.path.split('?')[0]!;
    if (path === '/v1/payment_intents') {
      if (!/^\d+$/.test(form.amount ?? '')) violations.push(`amount is not an integer of minor units: ${form.amount}`);
      if (form.capture_method !== 'manual' || form.confirm !== 'true') violations.push('the intent is not manual-capture and confirmed at once');
      const number = form['payment_method_data[card][number]'] ?? '';
      const expMonth = Number(form['payment_method_data[card][exp_month]']);
      const expYear = form['payment_method_data[card][exp_year]'] ?? '';
      if (!(expMonth >= 1 && expMonth <= 12) || !/^\d{4}$/.test(expYear))
        violations.push(`expiry is not month 1-12 and a 4-digit year: ${expMonth}/${expYear}`);
      if (form['payment_method_data[type]'] !== 'card' || !/^\d{12,19}$/.test(number)) violations.push('payment_method_data is not a raw card');
      const cvc = form['payment_method_data[card][cvc]'];
      if (cvc !== undefined && !/^\d{3,4}$/.test(cvc)) violations.push('cvc is not 3 or 4 digits');
      const intent: Intent = { id: id('pi'), amount: Number(form.amount), currency: form.currency ?? '', chargeId: id('ch'), status: 'requires_capture' };
      const decline = declinesByCard[number];
      if (decline) {
        const [code, declineCode, message] = decline;
        intent.status = 'requires_payment_method';
        intents.set(intent.id, intent);
        return error(402, {
          charge: intent.chargeId,
          code,
          ...(declineCode ? { decline_code: declineCode } : {}),
          doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
          message,
          payment_intent: intentObject(intent, false),
          request_log_url: 'https://dashboard.stripe.com/test/logs/req_x',
          type: 'card_error',
        });
      }
      intents.set(intent.id, intent);
      const expand = form['expand[0]'] === 'latest_charge';
      return { status: 200, body: JSON.stringify(intentObject(intent, expand, { last4: number.slice(-4), exp_month: expMonth, exp_year: Number(expYear) })) };
    }
    const match = /^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/.exec(path);
    if (!match) {
      violations.push(`unexpected ${request.method} ${path}`);
      return error(404, { type: 'invalid_request_error', message: 'Unrecognized request URL.' });
    }
    const intent = intents.get(decodeURIComponent(match[1]!));
    if (!intent)
      return error(404, { code: 'resource_missing', message: `No such payment_intent: '${match[1]}'`, param: 'intent', type: 'invalid_request_error' });
    if (intent.status !== 'requires_capture' && !(match[2] === 'cancel' && intent.status === 'requires_payment_method')) {
      return error(400, {
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent could not be ${match[2] === 'capture' ? 'captured' : 'canceled'} because it has a status of ${intent.status}.`,
        payment_intent: intentObject(intent, false),
        type: 'invalid_request_error',
      });
    }
    if (match[2] === 'capture' && form.amount_to_capture !== undefined && Number(form.amount_to_capture) > intent.amount) {
      return error(400, { code: 'amount_too_large', message: 'The amount to capture is larger than the amount capturable.', type: 'invalid_request_error' });
    }
    intent.status = match[2] === 'capture' ? 'succeeded' : 'canceled';
    return { status: 200, body: JSON.stringify(intentObject(intent, false)) };
  };

  const handle = (request: ReceivedRequest, violations: string[]): Answer => {
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      return error(401, { message: 'Invalid API Key provided.', type: 'invalid_request_error' });
    }
    const key = request.headers['idempotency-key'];
    if (request.method === 'POST' && typeof key !== 'string') violations.push(`no Idempotency-Key on POST ${request.path}`);
    if (typeof key !== 'string') return play(request, violations);
    const earlier = saved.get(key);
    if (earlier) {
      if (earlier.body !== request.body) {
        return error(400, {
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
          type: 'idempotency_error',
        });
      }
      return { ...earlier.answer, headers: { ...earlier.answer.headers, 'idempotent-replayed': 'true' } };
    }
    const answer = play(request, violations);
    saved.set(key, { body: request.body, answer });
    return answer;
  };

  const standIn = await startGatewayStandIn(handle);
  return {
    ...standIn,
    intents,
    requests: () =>
      standIn.received.map((r) => ({
        path: r.path,
        idempotencyKey: r.headers['idempotency-key'] as string | undefined,
        form: Object.fromEntries(new URLSearchParams(r.body)),
      })),
  };
};
