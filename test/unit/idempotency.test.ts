import { describe, expect, it } from 'vitest';
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
    return record.response ? { kind: 'completed', fingerprint: record.fingerprint, response: record.response } : { kind: 'in_progress', fingerprint: record.fingerprint };
  }
  async complete(key: string, response: StoredResponse) {
    this.records.get(key)!.response = response;
  }
  async release(key: string) {
    this.records.delete(key);
  }
}

const now = new Date('2026-11-23T00:00:00Z');
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

  it('fingerprints the request by operation, target and canonical body', () => {
    const a = requestFingerprint('checkout', '/checkout', '{"a":1,"b":[1,2]}');
    expect(requestFingerprint('checkout', '/checkout', '{ "b": [1, 2], "a": 1 }')).toBe(a);
    expect(requestFingerprint('checkout', '/checkout', '{"a":1,"b":[2,1]}')).not.toBe(a);
    expect(requestFingerprint('retryPayment', '/orders/x/payment', '{"a":1,"b":[1,2]}')).not.toBe(a);
    expect(requestFingerprint('checkout', '/checkout', 'not json')).toMatch(/^[0-9a-f]{64}$/);
  });
});
