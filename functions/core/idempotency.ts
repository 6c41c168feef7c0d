import { AppError } from './errors.js';
import type { Fingerprints } from './ports.js';

/**
 * Idempotent requests after the IETF `Idempotency-Key` draft and Stripe: the first response
 * for a key is stored and replayed; the request itself is kept only as a keyed fingerprint,
 * never its body (it may hold a card number).
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

/** Each `card` object becomes its own keyed fingerprint, so the card never enters the request hash in the clear. */
const withCardsFingerprinted = async (fingerprints: Fingerprints, value: unknown): Promise<unknown> => {
  if (Array.isArray(value)) return Promise.all(value.map((v) => withCardsFingerprinted(fingerprints, v)));
  if (!value || typeof value !== 'object') return value;
  const entries = await Promise.all(
    Object.entries(value).map(async ([key, v]) =>
      key === 'card' && v && typeof v === 'object' && !Array.isArray(v)
        ? [key, { fingerprint: await fingerprints.of('card', canonical(v)) }]
        : [key, await withCardsFingerprinted(fingerprints, v)],
    ),
  );
  // fromEntries defines own properties: a `__proto__` key stays data, never a prototype.
  return Object.fromEntries(entries);
};

/**
 * The request as kept beside its key: an HMAC under the installation's secret (a plain hash of
 * a body with a card in it can be reversed by trying the few unknown digits of the PAN).
 */
/** Far deeper than any request we accept; a body nested deeper is hashed as its raw text (walking it would overflow the stack). */
const maxWalkedDepth = 64;

const nestedDeeperThan = (root: unknown, limit: number): boolean => {
  const pending: [unknown, number][] = [[root, 0]];
  while (pending.length) {
    const [value, depth] = pending.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
};

export const requestFingerprint = async (fingerprints: Fingerprints, operation: string, target: string, rawBody: string | null): Promise<string> => {
  let body: string = rawBody ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON: the raw text is the request
  }
  if (parsed !== undefined && !nestedDeeperThan(parsed, maxWalkedDepth)) body = canonical(await withCardsFingerprinted(fingerprints, parsed));
  return fingerprints.of('request', `${operation}\n${target}\n${body}`);
};

export type IdempotentResult = StoredResponse & { readonly replayed: boolean };

/** Why `claimed()` rejects: the key belongs to another request (replayed, refused or still running). */
export class KeyNotClaimed extends Error {
  override readonly name = 'KeyNotClaimed';
}

/**
 * Runs `execute` once per key and keeps its answer for replays. Server errors and `429`s are
 * not remembered, so the client may retry them (a rate limit lifts; replaying it for 24 h
 * would not). With `startBeforeClaim`, `execute` starts at once, reading and preparing while
 * the claim is in flight (one round trip less on the caller's wait): it must await `claimed()`
 * before its first write, which rejects when the key is not this request's. What it prepared
 * is then dropped: nothing was written.
 */
export const runIdempotently = async (
  store: IdempotencyStore,
  request: { readonly key: string; readonly fingerprint: string; readonly now: Date },
  execute: (claimed: () => Promise<void>) => Promise<StoredResponse>,
  options: { readonly startBeforeClaim?: boolean } = {},
): Promise<IdempotentResult> => {
  const { key, fingerprint, now } = request;
  let settle!: (won: boolean) => void;
  const won = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const claimed = async () => {
    if (!(await won)) throw new KeyNotClaimed('the idempotency key was not claimed by this request');
  };
  const early = options.startBeforeClaim ? execute(claimed) : null;
  // Its outcome matters only once the key is claimed.
  early?.catch(() => undefined);
  let claim: IdempotencyClaim | undefined;
  try {
    claim = await store.claim(key, fingerprint, now, new Date(now.getTime() + idempotencyKeyLifetimeMs), new Date(now.getTime() - staleClaimMs));
  } finally {
    settle(claim?.kind === 'claimed');
  }
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
    response = await (early ?? execute(claimed));
  } catch (error) {
    await store.release(key);
    throw error;
  }
  if (response.status >= 500 || response.status === 429) await store.release(key);
  else await store.complete(key, response);
  return { ...response, replayed: false };
};
