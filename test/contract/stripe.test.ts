import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StripeGateway } from '../../functions/adapters/gateways/stripe.js';
import { type StripeStandIn, stripeCards as cards, startStripeStandIn } from '../support/stripe-server.js';
import { gatewayCalls } from './gateway-calls.js';

const secretKey = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
let server: StripeStandIn;
let gateway: StripeGateway;
const { card, authorize, unavailable } = gatewayCalls(() => gateway, 'ord_S');

beforeAll(async () => {
  server = await startStripeStandIn(secretKey);
  // Generous for a loaded machine; the timeout case has an impatient gateway of its own.
  gateway = new StripeGateway({ secretKey: async () => secretKey, apiBase: server.url, timeoutMs: 5000 });
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

describe('Stripe adapter against the PaymentIntents API', () => {
  it('authorizes with a manual-capture intent confirmed at once, the raw card and the idempotency key', async () => {
    const result = await authorize(cards.approved, { key: 'ord_01JABC.1', amountCents: 120_005 });
    expect(result).toEqual({ approved: true, authorizationCode: expect.any(String), transactionId: expect.stringMatching(/^pi_/) });
    const [sent] = server.requests();
    expect(sent).toMatchObject({
      path: '/v1/payment_intents',
      idempotencyKey: 'ord_01JABC.1',
      form: {
        amount: '120005',
        currency: 'usd',
        capture_method: 'manual',
        confirm: 'true',
        'payment_method_data[type]': 'card',
        'payment_method_data[card][number]': cards.approved,
        'payment_method_data[card][exp_month]': '3',
        'payment_method_data[card][exp_year]': '2031',
        'payment_method_data[card][cvc]': '123',
        'expand[0]': 'latest_charge',
      },
    });
    expect(server.received[0]!.headers.authorization).toBe(`Bearer ${secretKey}`);
    expect(server.violations).toEqual([]);
  });

  it('sends no cvc for a held card (a charge without CVC)', async () => {
    expect(await authorize(cards.approved, { cvc: undefined })).toMatchObject({ approved: true });
    expect(Object.keys(server.requests()[0]!.form).filter((field) => field.includes('cvc'))).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it.each([
    [cards.declined, 'card_declined', 'generic_decline'],
    [cards.insufficientFunds, 'insufficient_funds', 'insufficient_funds'],
    [cards.expired, 'expired_card', 'expired_card'],
    [cards.incorrectCvc, 'incorrect_cvc', 'incorrect_cvc'],
    [cards.lost, 'card_declined', 'lost_card'],
    [cards.stolen, 'card_declined', 'stolen_card'],
    [cards.fraudulent, 'card_declined', 'fraudulent'],
  ])('maps the decline of %s to %s, keeping %s for staff', async (number, declineReason, gatewayCode) => {
    expect(await authorize(number)).toEqual({ approved: false, declineReason, gatewayCode });
  });

  it('is unavailable on processing_error, a 5xx, a malformed body, a timeout, a refused connection and a refused key', async () => {
    expect(await unavailable(authorize(cards.processingError))).toBe('unavailable');
    server.fail('http_500');
    expect(await unavailable(authorize(cards.approved))).toBe('unavailable');
    server.fail('malformed_body');
    expect(await unavailable(authorize(cards.approved))).toBe('unavailable');
    server.fail('no_answer');
    const impatient = new StripeGateway({ secretKey: async () => secretKey, apiBase: server.url, timeoutMs: 300 });
    const started = Date.now();
    expect(await unavailable(impatient.authorize({ idempotencyKey: 'k.0', amountCents: 100, currency: 'USD', card: card(cards.approved, '123') }))).toBe(
      'unavailable',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    // One request per call: the workflow, not the SDK, retries.
    expect(server.received).toHaveLength(4);
    const nowhere = new StripeGateway({ secretKey: async () => secretKey, apiBase: 'http://127.0.0.1:9', timeoutMs: 300 });
    expect(await unavailable(nowhere.authorize({ idempotencyKey: 'k.1', amountCents: 100, currency: 'USD', card: card(cards.approved, '123') }))).toBe(
      'unavailable',
    );
    const wrongKey = new StripeGateway({ secretKey: async () => 'sk_test_wrong', apiBase: server.url, timeoutMs: 5000 });
    expect(await unavailable(wrongKey.authorize({ idempotencyKey: 'k.2', amountCents: 100, currency: 'USD', card: card(cards.approved, '123') }))).toBe(
      'unavailable',
    );
  });

  it('is answered with the first result when the same key comes again, even after the first answer was lost', async () => {
    const intentsBefore = server.intents.size;
    // The SDK itself retries a closed connection once (same key), so the answer is lost twice.
    server.fail('drop_after_processing', 2);
    expect(await unavailable(authorize(cards.approved, { key: 'ord_REPLAY.1' }))).toBe('unavailable');
    const replayed = (await authorize(cards.approved, { key: 'ord_REPLAY.1' })) as { transactionId: string };
    expect(replayed).toMatchObject({ approved: true });
    expect(server.intents.size - intentsBefore).toBe(1);
    expect(server.intents.get(replayed.transactionId)?.status).toBe('requires_capture');
    expect(server.requests().map((r) => r.idempotencyKey)).toEqual(['ord_REPLAY.1', 'ord_REPLAY.1', 'ord_REPLAY.1']);
  });

  it('captures and cancels on the intent with an idempotency key each, safe to repeat', async () => {
    const authorized = (await authorize(cards.approved)) as { transactionId: string };
    const settlement = { idempotencyKey: 'ord_S.capture', transactionId: authorized.transactionId, amountCents: 1234, currency: 'USD' };
    expect(await gateway.capture(settlement)).toMatchObject({ ok: true });
    expect(await gateway.capture(settlement)).toMatchObject({ ok: true });
    expect(server.requests()[1]).toMatchObject({
      path: `/v1/payment_intents/${authorized.transactionId}/capture`,
      idempotencyKey: 'ord_S.capture',
      form: { amount_to_capture: '1234' },
    });
    expect(server.intents.get(authorized.transactionId)?.status).toBe('succeeded');

    const voidable = (await authorize(cards.approved)) as { transactionId: string };
    expect(await gateway.void({ ...settlement, idempotencyKey: 'ord_S.void', transactionId: voidable.transactionId })).toMatchObject({ ok: true });
    expect(server.intents.get(voidable.transactionId)?.status).toBe('canceled');
    expect(await gateway.void({ ...settlement, idempotencyKey: 'ord_S2.void', transactionId: authorized.transactionId })).toEqual({
      ok: false,
      reason: 'stripe_payment_intent_unexpected_state',
    });
    expect(server.violations).toEqual([]);
  });
});
