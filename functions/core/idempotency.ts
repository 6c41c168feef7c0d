import { createHash } from 'node:crypto';
import { AppError } from './errors.js';

/**
 * Idempotent requests after the IETF `Idempotency-Key` draft and Stripe: the first response
 * for a key is stored and replayed; the request itself is kept only as a fingerprint, never
 * its body (it may hold a card number).
 */
export interface StoredResponse {
  readonly status: number;
  /** The body exactly as first sent, so a replay is byte-for-byte the same. */
  readonly body: string;
}

export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'completed'; readonly fingerprint: string; readonly response: StoredResponse }
  | { readonly kind: 'in_progress'; readonly fingerprint: string };

export interface IdempotencyStore {
  /** Claims the key unless a live record exists; a claim older than `staleAfter` may be taken over. */
  claim(key: string, fingerprint: string, now: Date, expiresAt: Date, staleBefore: Date): Promise<IdempotencyClaim>;
  complete(key: string, response: StoredResponse): Promise<void>;
  release(key: string): Promise<void>;
}

export const idempotencyKeyLifetimeMs = 24 * 60 * 60 * 1000;
/**
 * A claim this old belongs to a request that died (the API function gives up after 29 s), for
 * example one that could not release its key while the database was unreachable: a retry may
 * take it over.
 */
const staleClaimMs = 30 * 1000;

/** Canonical JSON: the same request with keys in another order or other spacing is the same request. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
};

export const requestFingerprint = (operation: string, target: string, rawBody: string | null): string => {
  let body: string = rawBody ?? '';
  try {
    body = canonical(JSON.parse(body));
  } catch {
    // not JSON: the raw text is the request
  }
  return createHash('sha256').update(`${operation}\n${target}\n${body}`).digest('hex');
};

export type IdempotentResult = StoredResponse & { readonly replayed: boolean };

/** Runs `execute` once per key; server errors are not remembered, so the client may retry them. */
export const runIdempotently = async (
  store: IdempotencyStore,
  request: { readonly key: string; readonly fingerprint: string; readonly now: Date },
  execute: () => Promise<StoredResponse>,
): Promise<IdempotentResult> => {
  const { key, fingerprint, now } = request;
  const claim = await store.claim(key, fingerprint, now, new Date(now.getTime() + idempotencyKeyLifetimeMs), new Date(now.getTime() - staleClaimMs));
  if (claim.kind !== 'claimed') {
    if (claim.fingerprint !== fingerprint) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
    }
    if (claim.kind === 'in_progress') {
      throw new AppError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    return { ...claim.response, replayed: true };
  }
  let response: StoredResponse;
  try {
    response = await execute();
  } catch (error) {
    await store.release(key);
    throw error;
  }
  if (response.status >= 500) await store.release(key);
  else await store.complete(key, response);
  return { ...response, replayed: false };
};
