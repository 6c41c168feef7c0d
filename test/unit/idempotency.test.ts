import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacFingerprints } from '../../functions/adapters/fingerprints.js';
import { type IdempotencyClaim, type IdempotencyStore, requestFingerprint, runIdempotently, type StoredResponse } from '../../functions/core/idempotency.js';

/** An in-memory stand-in for our own port, enough to drive the rules. */
class MemoryStore implements IdempotencyStore {
  records = new Map<string, { fingerprint: string; response?: StoredResponse }>();
  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const record = this.records.get(key);
    if (!record) {
      this.records.set(key, { fingerprint });
      return { kind: 'claimed' };
    }
    return record.response
      ? { kind: 'completed', fingerprint: record.fingerprint, response: record.response }
      : { kind: 'in_progress', fingerprint: record.fingerprint };
  }
  async complete(key: string, response: StoredResponse) {
    this.records.get(key)!.response = response;
  }
  async release(key: string) {
    this.records.delete(key);
  }
}

const now = new Date('2026-11-23T00:00:00Z');
const fingerprints = new HmacFingerprints(async () => 'this installation');
const run = (store: IdempotencyStore, fingerprint: string, response: StoredResponse | Error) =>
  runIdempotently(store, { key: 'key-12345', fingerprint, now }, async () => {
    if (response instanceof Error) throw response;
    return response;
  });

describe('idempotent requests', () => {
  it('replays the first answer, marked as replayed, without running again', async () => {
    const store = new MemoryStore();
    expect(await run(store, 'a', { status: 201, body: '{"x":1}' })).toEqual({ status: 201, body: '{"x":1}', replayed: false });
    expect(await run(store, 'a', { status: 500, body: 'never used' })).toEqual({ status: 201, body: '{"x":1}', replayed: true });
  });

  it('refuses another request under the same key, finished or not', async () => {
    const store = new MemoryStore();
    await run(store, 'a', { status: 402, body: '{}' });
    await expect(run(store, 'b', { status: 201, body: '{}' })).rejects.toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    store.records.set('key-12345', { fingerprint: 'c' });
    await expect(run(store, 'c', { status: 201, body: '{}' })).rejects.toMatchObject({ code: 'idempotency_request_in_progress', status: 409 });
  });

  it('forgets server errors and crashes, so the client can retry them', async () => {
    const store = new MemoryStore();
    await run(store, 'a', { status: 500, body: '{}' });
    expect(store.records.size).toBe(0);
    await expect(run(store, 'a', new Error('boom'))).rejects.toThrow('boom');
    expect(store.records.size).toBe(0);
  });

  it('forgets rate-limit answers, so the same request may go again once the limit lifts', async () => {
    const store = new MemoryStore();
    await run(store, 'a', { status: 429, body: '{}' });
    expect(store.records.size).toBe(0);
  });

  it('with startBeforeClaim, starts the work at once and lets it write only once the key is claimed', async () => {
    const store = new MemoryStore();
    let answerClaim!: () => void;
    const claimAnswered = new Promise<void>((resolve) => {
      answerClaim = resolve;
    });
    const claim = store.claim.bind(store);
    store.claim = async (key, fingerprint) => {
      await claimAnswered;
      return claim(key, fingerprint);
    };
    const steps: string[] = [];
    const result = runIdempotently(
      store,
      { key: 'key-12345', fingerprint: 'a', now },
      async (claimed) => {
        steps.push('prepared');
        await claimed();
        steps.push('written');
        return { status: 201, body: '{}' };
      },
      { startBeforeClaim: true },
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(steps).toEqual(['prepared']);
    answerClaim();
    expect(await result).toEqual({ status: 201, body: '{}', replayed: false });
    expect(steps).toEqual(['prepared', 'written']);
  });

  it("with startBeforeClaim, drops what was prepared for a key that is another request's: nothing is written", async () => {
    const store = new MemoryStore();
    await run(store, 'a', { status: 201, body: '{"first":true}' });
    store.records.set('key-67890', { fingerprint: 'a' });
    const written: string[] = [];
    const execute = async (claimed: () => Promise<void>) => {
      await claimed();
      written.push('a write');
      return { status: 201, body: '{"second":true}' };
    };
    expect(await runIdempotently(store, { key: 'key-12345', fingerprint: 'a', now }, execute, { startBeforeClaim: true })).toEqual({
      status: 201,
      body: '{"first":true}',
      replayed: true,
    });
    await expect(runIdempotently(store, { key: 'key-67890', fingerprint: 'a', now }, execute, { startBeforeClaim: true })).rejects.toMatchObject({
      code: 'idempotency_request_in_progress',
    });
    store.claim = async () => {
      throw new Error('database unreachable');
    };
    await expect(runIdempotently(store, { key: 'key-00000', fingerprint: 'a', now }, execute, { startBeforeClaim: true })).rejects.toThrow(
      'database unreachable',
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(written).toEqual([]);
  });

  it('fingerprints the request by operation, target and canonical body', async () => {
    const a = await requestFingerprint(fingerprints, 'checkout', '/checkout', '{"a":1,"b":[1,2]}');
    expect(await requestFingerprint(fingerprints, 'checkout', '/checkout', '{ "b": [1, 2], "a": 1 }')).toBe(a);
    expect(await requestFingerprint(fingerprints, 'checkout', '/checkout', '{"a":1,"b":[2,1]}')).not.toBe(a);
    expect(await requestFingerprint(fingerprints, 'retryPayment', '/orders/x/payment', '{"a":1,"b":[1,2]}')).not.toBe(a);
    expect(await requestFingerprint(fingerprints, 'checkout', '/checkout', 'not json')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keys the fingerprint: two installations given the same request store different ones', async () => {
    const body = JSON.stringify({ payment: { method: 'card', card: { number: '4242424242424242', cvc: '123' } } });
    const other = new HmacFingerprints(async () => 'another installation');
    const mine = await requestFingerprint(fingerprints, 'checkout', '/checkout', body);
    expect(await requestFingerprint(other, 'checkout', '/checkout', body)).not.toBe(mine);
    expect(mine).not.toBe(createHash('sha256').update(`checkout\n/checkout\n${body}`).digest('hex'));
  });

  it('hashes a card only as its own keyed fingerprint, so another card is another request', async () => {
    const seen: string[] = [];
    const recording = {
      of: async (purpose: 'card' | 'client' | 'request', value: string) => {
        seen.push(value);
        return fingerprints.of(purpose, value);
      },
    };
    const withCard = (number: string) => JSON.stringify({ items: [1], payment: { method: 'card', card: { number, cvc: '123' } } });
    const a = await requestFingerprint(recording, 'checkout', '/checkout', withCard('4242424242424242'));
    expect(seen.at(-1)).not.toContain('4242424242424242');
    expect(seen.at(-1)).not.toContain('"cvc"');
    expect(await requestFingerprint(recording, 'checkout', '/checkout', withCard('4000056655665556'))).not.toBe(a);
    // Nesting deeper than any request is hashed as text, not walked into a stack overflow.
    const deep = `{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    expect(await requestFingerprint(fingerprints, 'checkout', '/checkout', deep)).toMatch(/^[0-9a-f]{64}$/);
    // A `__proto__` key is data like any other, never a prototype.
    expect(await requestFingerprint(fingerprints, 'checkout', '/checkout', '{"__proto__":{"card":{"number":"4242424242424242"}}}')).toMatch(/^[0-9a-f]{64}$/);
  });
});
