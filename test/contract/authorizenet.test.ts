import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthorizeNetGateway, shortReference } from '../../functions/adapters/gateways/authorizenet.js';
import { type AuthorizeNetStandIn, authorizeNetCards as cards, startAuthorizeNetStandIn } from '../support/authorizenet-server.js';
import { gatewayCalls } from './gateway-calls.js';

const credentials = { apiLoginId: '5KP3u95bQpv', transactionKey: '346HZ32z3fP4hTG2' };
let server: AuthorizeNetStandIn;
let gateway: AuthorizeNetGateway;
const { card, authorize, unavailable } = gatewayCalls(() => gateway, 'ord_C');

beforeAll(async () => {
  server = await startAuthorizeNetStandIn(credentials);
  // Generous for a loaded machine; the timeout case has an impatient gateway of its own.
  gateway = new AuthorizeNetGateway({ apiUrl: `${server.url}/xml/v1/request.api`, credentials: async () => credentials, timeoutMs: 5000 });
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

describe('Authorize.Net adapter against the JSON API', () => {
  it('authorizes with an authOnlyTransaction: schema order, credentials, decimal amount, YYYY-MM expiry, short refId', async () => {
    const result = await authorize(cards.approved, { key: 'ord_01JABCDEFGHJKMNPQRSTVWXYZ.1', amountCents: 120_005 });
    expect(result).toEqual({ approved: true, authorizationCode: expect.stringMatching(/^\w{6}$/), transactionId: expect.stringMatching(/^\d+$/) });
    const [sent] = server.requests();
    expect(Object.keys(sent)).toEqual(['merchantAuthentication', 'refId', 'transactionRequest']);
    expect(sent.merchantAuthentication).toEqual({ name: credentials.apiLoginId, transactionKey: credentials.transactionKey });
    expect(sent.refId).toBe(shortReference('ord_01JABCDEFGHJKMNPQRSTVWXYZ.1'));
    expect(sent.refId).toHaveLength(20);
    expect(sent.transactionRequest).toMatchObject({
      transactionType: 'authOnlyTransaction',
      amount: '1200.05',
      currencyCode: 'USD',
      payment: { creditCard: { cardNumber: cards.approved, expirationDate: '2031-03', cardCode: '123' } },
      order: { invoiceNumber: sent.refId },
    });
    expect(server.received[0]!.body.charCodeAt(0)).not.toBe(0xfeff);
    expect(server.violations).toEqual([]);
  });

  it('reads answers that start with a byte-order mark', async () => {
    await authorize(cards.approved);
    const raw = await fetch(`${server.url}/xml/v1/request.api`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: server.received[0]!.body,
    });
    expect(new Uint8Array(await raw.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('sends no cardCode for a held card (a charge without CVC)', async () => {
    expect(await authorize(cards.approved, { cvc: undefined })).toMatchObject({ approved: true });
    expect(server.requests()[0].transactionRequest.payment.creditCard).toEqual({ cardNumber: cards.approved, expirationDate: '2031-03' });
    expect(server.violations).toEqual([]);
  });

  it.each([
    [cards.declined, 'card_declined', '2'],
    [cards.pickUp, 'card_declined', '4'],
    [cards.expired, 'expired_card', '8'],
    [cards.cardCode, 'incorrect_cvc', '44'],
    [cards.avs, 'avs_mismatch', '27'],
    [cards.invalidNumber, 'incorrect_number', '6'],
  ])('maps the decline of %s to %s, keeping reason code %s for staff', async (number, declineReason, gatewayCode) => {
    expect(await authorize(number)).toEqual({ approved: false, declineReason, gatewayCode });
  });

  it('treats held for review (response code 4) as not approved and voids the held transaction', async () => {
    const result = await authorize(cards.heldForReview);
    expect(result).toEqual({ approved: false, declineReason: 'card_declined', gatewayCode: 'held_for_review' });
    const [, voided] = server.requests();
    expect(voided.transactionRequest.transactionType).toBe('voidTransaction');
    expect(server.transactions.get(voided.transactionRequest.refTransId)?.status).toBe('voided');
  });

  it('is unavailable on a transient error, a 5xx, a malformed body, a timeout, a refused connection and refused credentials', async () => {
    expect(await unavailable(authorize(cards.transientError))).toBe('unavailable');
    server.fail('http_500');
    expect(await unavailable(authorize(cards.approved))).toBe('unavailable');
    server.fail('malformed_body');
    expect(await unavailable(authorize(cards.approved))).toBe('unavailable');
    server.fail('no_answer');
    const impatient = new AuthorizeNetGateway({ apiUrl: `${server.url}/xml/v1/request.api`, credentials: async () => credentials, timeoutMs: 300 });
    const started = Date.now();
    expect(await unavailable(impatient.authorize({ idempotencyKey: 'k.0', amountCents: 100, currency: 'USD', card: card(cards.approved, '123') }))).toBe(
      'unavailable',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const nowhere = new AuthorizeNetGateway({ apiUrl: 'http://127.0.0.1:9/xml/v1/request.api', credentials: async () => credentials, timeoutMs: 300 });
    expect(await unavailable(nowhere.authorize({ idempotencyKey: 'k.1', amountCents: 100, currency: 'USD', card: card(cards.approved, '123') }))).toBe(
      'unavailable',
    );
    const wrongKey = new AuthorizeNetGateway({
      apiUrl: `${server.url}/xml/v1/request.api`,
      credentials: async () => ({ ...credentials, transactionKey: 'wrong' }),
      timeoutMs: 5000,
    });
    expect(await unavailable(wrongKey.authorize({ idempotencyKey: 'k.2', amountCents: 100, currency: 'USD', card: card(cards.approved, '123') }))).toBe(
      'unavailable',
    );
  });

  it('answers a repeated idempotency key with the original transaction, even after the first answer was lost', async () => {
    server.fail('drop_after_processing');
    expect(await unavailable(authorize(cards.approved, { key: 'ord_REPLAY.1' }))).toBe('unavailable');
    const replayed = await authorize(cards.approved, { key: 'ord_REPLAY.1' });
    expect(replayed).toMatchObject({ approved: true });
    expect([...server.transactions.values()].filter((t) => t.transId === (replayed as { transactionId: string }).transactionId)).toHaveLength(1);
    expect(server.requests().map((r) => r.refId)).toEqual([shortReference('ord_REPLAY.1'), shortReference('ord_REPLAY.1')]);
    // A new attempt is a new key: a new authorization, not a duplicate.
    expect(await authorize(cards.approved, { key: 'ord_REPLAY.2' })).toMatchObject({
      approved: true,
      transactionId: expect.not.stringMatching((replayed as { transactionId: string }).transactionId),
    });
  });

  it('captures with priorAuthCaptureTransaction and voids with voidTransaction, each safe to repeat', async () => {
    const captured = (await authorize(cards.approved)) as { transactionId: string };
    const settlement = { idempotencyKey: 'ord_S.capture', transactionId: captured.transactionId, amountCents: 1234, currency: 'USD' };
    expect(await gateway.capture(settlement)).toEqual({ ok: true, reference: captured.transactionId });
    expect(await gateway.capture(settlement)).toEqual({ ok: true, reference: captured.transactionId });
    expect(server.requests()[1].transactionRequest).toEqual({
      transactionType: 'priorAuthCaptureTransaction',
      amount: '12.34',
      refTransId: captured.transactionId,
    });
    expect(server.transactions.get(captured.transactionId)?.status).toBe('captured');

    const voidable = (await authorize(cards.approved)) as { transactionId: string };
    const voiding = { ...settlement, idempotencyKey: 'ord_S.void', transactionId: voidable.transactionId };
    expect(await gateway.void(voiding)).toEqual({ ok: true, reference: voidable.transactionId });
    expect(await gateway.void(voiding)).toEqual({ ok: true, reference: voidable.transactionId });
    expect(server.transactions.get(voidable.transactionId)?.status).toBe('voided');
    expect(await gateway.capture({ ...settlement, transactionId: '999' })).toEqual({ ok: false, reason: 'authorizenet_16' });
    expect(server.violations).toEqual([]);
  });
});
