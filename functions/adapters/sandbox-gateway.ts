import { randomBytes } from 'node:crypto';
import { normalizeCardNumber } from '../core/card.js';
import { type AuthorizationResult, GatewayUnavailable, type PaymentGateway } from '../core/ports.js';

/** The well-known test cards (SPEC §6); any other valid number is approved. */
const declines: Record<string, string> = {
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
  '4000000000000010': 'avs_mismatch',
};
const alwaysFailing = '4000000000000119';
const rememberedKeys = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The built-in sandbox gateway. Like a real gateway it answers a repeated idempotency key
 * with the first result, so a re-run workflow step never authorizes twice.
 */
export class SandboxGateway implements PaymentGateway {
  private readonly answered = new Map<string, AuthorizationResult>();

  constructor(private readonly latencyMs = Number(process.env.SANDBOX_GATEWAY_LATENCY_MS ?? 0)) {}

  async authorize(request: Parameters<PaymentGateway['authorize']>[0]): Promise<AuthorizationResult> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const previous = this.answered.get(request.idempotencyKey);
    if (previous) return previous;
    const number = normalizeCardNumber(request.card.number);
    if (number === alwaysFailing) throw new GatewayUnavailable('processing_error');
    const reason = declines[number];
    const result: AuthorizationResult = reason
      ? { approved: false, declineReason: reason }
      : { approved: true, authorizationCode: `SBX${randomBytes(4).toString('hex').toUpperCase()}` };
    if (this.answered.size >= rememberedKeys) this.answered.delete(this.answered.keys().next().value!);
    this.answered.set(request.idempotencyKey, result);
    return result;
  }
}
