import { createHash } from 'node:crypto';
import type { CardDetails } from '../../core/card.js';
import { normalizeCardNumber } from '../../core/card.js';
import type { DeclineReason } from '../../core/payments.js';
import { type AuthorizationResult, GatewayUnavailable, type PaymentGateway, type SettlementRequest, type SettlementResult } from '../../core/ports.js';
import type { GatewayCredentials } from './credentials.js';

export const authorizeNetEndpoints = {
  production: 'https://api.authorize.net/xml/v1/request.api',
  sandbox: 'https://apitest.authorize.net/xml/v1/request.api',
} as const;

export interface AuthorizeNetCredentials {
  readonly apiLoginId: string;
  readonly transactionKey: string;
}

export interface AuthorizeNetOptions {
  readonly apiUrl: string;
  /** Read on first use (a Secrets Manager secret in AWS), never at module load. */
  readonly credentials: GatewayCredentials<AuthorizeNetCredentials>;
  /** Per request; three workflow attempts and their backoff stay within the synchronous checkout. */
  readonly timeoutMs?: number;
}

interface TransactionResponse {
  readonly responseCode?: string;
  readonly authCode?: string;
  readonly transId?: string;
  readonly errors?: readonly { readonly errorCode?: string; readonly errorText?: string }[];
  readonly messages?: readonly { readonly code?: string; readonly description?: string }[];
}

interface ApiResponse {
  readonly refId?: string;
  readonly transactionResponse?: TransactionResponse;
  readonly messages?: { readonly resultCode?: string; readonly message?: readonly { readonly code?: string; readonly text?: string }[] };
}

/**
 * Response reason codes (the `errors[].errorCode` of a transaction response) and what a
 * customer may be told; every other decline reads as `card_declined` (pick-up, stolen,
 * fraud filters included), while staff see the gateway's own code.
 */
const declineReasons: Record<string, DeclineReason> = {
  '6': 'incorrect_number',
  '7': 'expired_card',
  '8': 'expired_card',
  '27': 'avs_mismatch',
  '44': 'incorrect_cvc',
  '45': 'avs_mismatch',
  '65': 'incorrect_cvc',
  '78': 'incorrect_cvc',
};

/** Response code 3 with one of these reasons is the processor's "error, please try again". */
const transientReasons = new Set(['19', '20', '21', '22', '23', '25', '26', '57', '58', '59', '60', '61', '62', '63', '120', '121', '122', '181']);
const duplicateTransaction = '11';
/** Asked of a prior-auth capture or a void the gateway already did: the earlier call's result stands. */
const alreadyCaptured = '311';
const alreadyVoided = '310';
/** With `duplicateWindow` set, a repeated request within it is answered with the original transaction. */
const duplicateWindowSeconds = '28800';

/**
 * Authorize.Net limits `refId` (and `invoiceNumber`) to 20 characters, so they carry a stable
 * 20-character digest of our idempotency key. The gateway echoes `refId`; `invoiceNumber` is
 * part of its duplicate check, so a retry with the same key is answered with the original
 * transaction (response reason 11) instead of authorizing again, and a new attempt is not.
 */
export const shortReference = (idempotencyKey: string): string => createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 20);

/** Minor units as the decimal string the schema wants (`1234` → `"12.34"`); two-decimal currencies. */
const decimalAmount = (cents: number) => (cents / 100).toFixed(2);

const expirationDate = (card: CardDetails) => `${card.expYear}-${String(card.expMonth).padStart(2, '0')}`;

const firstError = (response: TransactionResponse) => response.errors?.[0]?.errorCode ?? '';

/**
 * Authorize.Net over its JSON API (`createTransactionRequest`). The JSON is mapped onto the XML
 * schema, so every object below keeps the schema's element order.
 */
export class AuthorizeNetGateway implements PaymentGateway {
  readonly name = 'authorizenet';
  private readonly timeoutMs: number;

  constructor(private readonly options: AuthorizeNetOptions) {
    this.timeoutMs = options.timeoutMs ?? 6000;
  }

  async authorize(request: Parameters<PaymentGateway['authorize']>[0]): Promise<AuthorizationResult> {
    const reference = shortReference(request.idempotencyKey);
    const { card } = request;
    const response = await this.transaction(reference, {
      transactionType: 'authOnlyTransaction',
      amount: decimalAmount(request.amountCents),
      currencyCode: request.currency,
      payment: {
        // A held card has no CVC (SPEC §7.2): then `cardCode` is left out, not sent empty.
        creditCard: { cardNumber: normalizeCardNumber(card.number), expirationDate: expirationDate(card), ...(card.cvc ? { cardCode: card.cvc } : {}) },
      },
      order: { invoiceNumber: reference },
      transactionSettings: { setting: [{ settingName: 'duplicateWindow', settingValue: duplicateWindowSeconds }] },
    });
    const code = response.responseCode;
    const reason = firstError(response);
    if (code === '1') return this.approved(response);
    if (code === '3' && reason === duplicateTransaction) {
      // The original answer of this idempotency key: approved if it carried an authorization code.
      return response.authCode && response.transId && response.transId !== '0'
        ? this.approved(response)
        : { approved: false, declineReason: 'card_declined', gatewayCode: reason };
    }
    if (code === '4') {
      // Held for review by the fraud filters: possibly authorized and waiting for a person in the
      // merchant interface, where it expires unreviewed after 5 days. Not a sale for us: void it
      // so the customer's funds are released now (a void is allowed while it is pending review).
      if (response.transId && response.transId !== '0') await this.releaseHeld(response.transId, request.idempotencyKey);
      return { approved: false, declineReason: 'card_declined', gatewayCode: `held_for_review${reason ? `:${reason}` : ''}` };
    }
    if (code === '2' || code === '3') {
      if (code === '3' && transientReasons.has(reason)) throw new GatewayUnavailable(`authorizenet error ${reason}`);
      return { approved: false, declineReason: declineReasons[reason] ?? 'card_declined', gatewayCode: reason || `response_${code}` };
    }
    throw new GatewayUnavailable(`authorizenet response code ${code ?? 'missing'}`);
  }

  capture(request: SettlementRequest): Promise<SettlementResult> {
    return this.settle(
      request,
      { transactionType: 'priorAuthCaptureTransaction', amount: decimalAmount(request.amountCents), refTransId: request.transactionId },
      alreadyCaptured,
    );
  }

  void(request: SettlementRequest): Promise<SettlementResult> {
    return this.settle(request, { transactionType: 'voidTransaction', refTransId: request.transactionId }, alreadyVoided);
  }

  private approved(response: TransactionResponse): AuthorizationResult {
    if (!response.authCode || !response.transId) throw new GatewayUnavailable('authorizenet approval without ids');
    return { approved: true, authorizationCode: response.authCode, transactionId: response.transId };
  }

  /** Best effort: a held transaction that is not voided expires by itself. */
  private async releaseHeld(transactionId: string, idempotencyKey: string) {
    await this.void({ idempotencyKey: `${idempotencyKey}.held`, transactionId, amountCents: 0, currency: '' }).catch(() => undefined);
  }

  private async settle(request: SettlementRequest, transactionRequest: Record<string, unknown>, alreadyDone: string): Promise<SettlementResult> {
    const response = await this.transaction(shortReference(request.idempotencyKey), transactionRequest);
    const reason = firstError(response);
    if (response.responseCode === '1' || reason === alreadyDone) return { ok: true, reference: response.transId || request.transactionId };
    if (response.responseCode === '3' && transientReasons.has(reason)) throw new GatewayUnavailable(`authorizenet error ${reason}`);
    return { ok: false, reason: `authorizenet_${reason || `response_${response.responseCode ?? 'missing'}`}` };
  }

  /** One `createTransactionRequest`; anything but a well-formed answer is `GatewayUnavailable`. */
  private async transaction(refId: string, transactionRequest: Record<string, unknown>): Promise<TransactionResponse> {
    const { apiLoginId, transactionKey } = await this.options.credentials().catch((error: unknown) => {
      throw new GatewayUnavailable(`authorizenet credentials unavailable (${error instanceof Error ? error.message : 'unknown'})`);
    });
    const body = JSON.stringify({
      createTransactionRequest: { merchantAuthentication: { name: apiLoginId, transactionKey }, refId, transactionRequest },
    });
    let text: string;
    try {
      const response = await fetch(this.options.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new GatewayUnavailable(`authorizenet answered HTTP ${response.status}`);
      text = await response.text();
    } catch (error) {
      if (error instanceof GatewayUnavailable) throw error;
      throw new GatewayUnavailable(`authorizenet unreachable (${error instanceof Error ? error.name : 'unknown'})`);
    }
    let parsed: ApiResponse;
    try {
      // The body starts with a byte-order mark; `text()` drops it, the replace keeps that true for any decoder.
      parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as ApiResponse;
    } catch {
      throw new GatewayUnavailable('authorizenet answered a malformed body');
    }
    if (typeof parsed !== 'object' || parsed === null) throw new GatewayUnavailable('authorizenet answered a malformed body');
    if (parsed.refId !== undefined && parsed.refId !== refId) throw new GatewayUnavailable('authorizenet answered another request');
    // Without a transaction response the request itself was refused (credentials, schema): the card was never tried.
    if (!parsed.transactionResponse?.responseCode) {
      throw new GatewayUnavailable(`authorizenet refused the request (${parsed.messages?.message?.[0]?.code ?? 'no code'})`);
    }
    return parsed.transactionResponse;
  }
}
