import { type CardDetails, normalizeCardNumber } from './card.js';
import { RateLimited } from './errors.js';
import type { Order } from './order.js';
import type { AttemptCounters, Clock, Fingerprints, PaymentMetrics, SettingsStore } from './ports.js';

/**
 * Card-testing defences (SPEC §12). Declines are counted per card (its keyed fingerprint, never
 * the PAN) and per client (its keyed address) in hourly windows; over a limit, or over the
 * attempts allowed on one order, a card is refused before it reaches the gateway or an order
 * is created. Every answered authorization is counted for the decline-ratio alarm.
 */
export interface CardTestingDeps {
  readonly counters: AttemptCounters;
  readonly fingerprints: Fingerprints;
  readonly paymentMetrics: PaymentMetrics;
  readonly settings: SettingsStore;
  readonly clock: Clock;
}

const windowMs = 60 * 60 * 1000;

/** An admitted card attempt: the counters its decline adds to, and until when they count. */
export interface CardAttempt {
  readonly counterKeys: readonly string[];
  readonly windowEnd: Date;
  readonly attempt: number;
}

const retryAfterSeconds = (windowEnd: Date, now: Date) => Math.max(1, Math.ceil((windowEnd.getTime() - now.getTime()) / 1000));

/**
 * Admits attempt `attempt` (1 for a new order) of `card` from `clientIp`, or throws
 * `RateLimited`. Reads only: nothing is counted until the gateway has answered.
 */
export const admitCardAttempt = async (deps: CardTestingDeps, card: CardDetails, clientIp: string | null, attempt: number): Promise<CardAttempt> => {
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  const windowEnd = new Date(windowStart + windowMs);
  // The cap on one order does not reset with the window: a new checkout is the way on.
  if (attempt > settings.paymentAttemptsPerOrder) throw new RateLimited(retryAfterSeconds(windowEnd, now));
  const window = new Date(windowStart).toISOString();
  const cardKey = `card#${await deps.fingerprints.of('card', normalizeCardNumber(card.number))}#${window}`;
  const clientKey = clientIp ? `client#${await deps.fingerprints.of('client', clientIp)}#${window}` : null;
  const counterKeys = clientKey ? [cardKey, clientKey] : [cardKey];
  const [cardDeclines = 0, clientDeclines = 0] = await deps.counters.read(counterKeys, now);
  if (cardDeclines >= settings.declinesPerCardPerHour || clientDeclines >= settings.declinesPerIpPerHour) {
    throw new RateLimited(retryAfterSeconds(windowEnd, now));
  }
  return { counterKeys, windowEnd, attempt };
};

/** Counts what the gateway answered to an admitted attempt, as the order recorded it; nothing when it did not answer. */
export const countCardOutcome = async (deps: CardTestingDeps, admitted: CardAttempt, order: Order): Promise<void> => {
  const decision = order.payment.decision;
  if (decision?.attempt !== admitted.attempt) return;
  await deps.paymentMetrics.recordAttempt({ declined: !decision.approved });
  if (!decision.approved) await deps.counters.increment(admitted.counterKeys, admitted.windowEnd);
};
