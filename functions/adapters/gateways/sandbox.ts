import { randomBytes } from 'node:crypto';
import { normalizeCardNumber } from '../../core/card.js';
import { customerDeclineReason } from '../../core/payments.js';
import { type AuthorizationResult, GatewayUnavailable, type PaymentGateway, type SettlementRequest, type SettlementResult } from '../../core/ports.js';

/**
 * The well-known test cards (SPEC §6) with the gateway code each declines with; any other
 * valid number is approved. Lost, stolen and fraudulent cards answer the customer as
 * `card_declined` (a card tester learns nothing); staff see the code.
 */
const declines: Record<string, string> = {
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
  '4000000000000010': 'avs_mismatch',
  '4000000000009987': 'lost_card',
  '4000000000009979': 'stolen_card',
  '4100000000000019': 'fraudulent',
};
const alwaysFailing = '4000000000000119';
const rememberedKeys = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sandboxCode = () => randomBytes(4).toString('hex').toUpperCase();
/** Transaction ids this gateway hands out; captures and voids of anything else are refused. */
const sandboxAuthorization = /^SBX[0-9A-F]{8}$/;

const remember = <T>(answers: Map<string, T>, key: string, answer: T) => {
  if (answers.size >= rememberedKeys) answers.delete(answers.keys().next().value!);
  answers.set(key, answer);
};

/**
 * The built-in sandbox gateway. Like a real gateway it answers a repeated idempotency key
 * with the first result, so a re-run workflow step never authorizes twice.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  private readonly answered = new Map<string, AuthorizationResult>();
  private readonly settled = new Map<string, SettlementResult>();

  constructor(private readonly latencyMs = Number(process.env.SANDBOX_GATEWAY_LATENCY_MS ?? 0)) {}

  async authorize(request: Parameters<PaymentGateway['authorize']>[0]): Promise<AuthorizationResult> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const previous = this.answered.get(request.idempotencyKey);
    if (previous) return previous;
    const number = normalizeCardNumber(request.card.number);
    if (number === alwaysFailing) throw new GatewayUnavailable('processing_error');
    const gatewayCode = declines[number];
    const result: AuthorizationResult = gatewayCode
      ? { approved: false, declineReason: customerDeclineReason(gatewayCode), gatewayCode }
      : { approved: true, authorizationCode: `SBX${sandboxCode()}`, transactionId: `SBX${sandboxCode()}` };
    remember(this.answered, request.idempotencyKey, result);
    return result;
  }

  capture(request: SettlementRequest): Promise<SettlementResult> {
    return this.settle('CAP', request);
  }

  void(request: SettlementRequest): Promise<SettlementResult> {
    return this.settle('VOID', request);
  }

  private async settle(kind: 'CAP' | 'VOID', request: SettlementRequest): Promise<SettlementResult> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const previous = this.settled.get(request.idempotencyKey);
    if (previous) return previous;
    const result: SettlementResult = sandboxAuthorization.test(request.transactionId)
      ? { ok: true, reference: `SBX${kind}${sandboxCode()}` }
      : { ok: false, reason: 'unknown_authorization' };
    remember(this.settled, request.idempotencyKey, result);
    return result;
  }
}
