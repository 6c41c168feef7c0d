import { describe, expect, it, vi } from 'vitest';
import { submitOffline, type OfflineDeps } from '../../functions/core/offline.js';
import { defaultSettings } from '../../functions/core/settings.js';
import { record } from '../../functions/core/transitions.js';
import { anOrder } from '../support/fixtures.js';
import { MemoryOrders, RecordingEvents } from '../support/ports.js';

const now = new Date('2026-11-23T12:00:00Z');
const declined = anOrder({
  status: 'INCOMPLETE',
  stock: { reserved: false, round: 1 },
  payment: { ...anOrder().payment, status: 'DECLINED', declineReason: 'card_declined' },
  heldCard: { ref: 'card-1', heldAt: now.toISOString(), expiresAt: new Date(now.getTime() + 60_000).toISOString() },
});

const deps = (settings = defaultSettings) => {
  const reserve = vi.fn(async () => ({ ok: true as const }));
  return {
    reserve,
    deps: {
      orders: { save: vi.fn(), get: vi.fn(async () => null) },
      settings: { get: async () => settings },
      catalog: { reserve, release: vi.fn() },
      vault: { keepWithoutCvc: vi.fn(async () => true) },
      events: new RecordingEvents(),
      clock: { now: () => now },
    } as unknown as OfflineDeps,
  };
};

describe('submitting offline', () => {
  it('is refused with invalid_transition when the store turned it off', async () => {
    const { deps: d, reserve } = deps({ ...defaultSettings, allowOfflineResubmit: false });
    await expect(submitOffline(d, declined)).rejects.toMatchObject({ code: 'invalid_transition' });
    expect(reserve).not.toHaveBeenCalled();
  });

  it('is refused with card_no_longer_held once the hold has expired', async () => {
    const { deps: d, reserve } = deps();
    const expired = { ...declined, heldCard: { ...declined.heldCard!, expiresAt: new Date(now.getTime() - 1).toISOString() } };
    await expect(submitOffline(d, expired)).rejects.toMatchObject({ code: 'card_no_longer_held' });
    await expect(submitOffline(d, { ...declined, heldCard: null })).rejects.toMatchObject({ code: 'card_no_longer_held' });
    expect(reserve).not.toHaveBeenCalled();
  });

  it('gives the stock back when the vault no longer has the card', async () => {
    const { deps: d } = deps();
    (d.vault.keepWithoutCvc as ReturnType<typeof vi.fn>).mockResolvedValue(false);
    await expect(submitOffline(d, declined)).rejects.toMatchObject({ code: 'card_no_longer_held' });
    expect(d.catalog.release).toHaveBeenCalledWith([{ sku: 'WIDGET-1', quantity: 2 }], 'ord_TEST.1.release');
  });

  it('decides again when a background write landed first (an email recorded), and reserves the stock once', async () => {
    const { deps: d, reserve } = deps();
    const orders = new MemoryOrders([declined]);
    orders.beforeNextSave((current) => record(current, { emailsSent: ['pay_link'] }, [], now));
    const submitted = await submitOffline({ ...d, orders }, declined);
    expect(submitted).toMatchObject({ status: 'OFFLINE_PENDING', emailsSent: ['pay_link'], heldCard: { ref: 'card-1', expiresAt: null } });
    expect(reserve).toHaveBeenCalledTimes(1);
    expect(d.catalog.release).not.toHaveBeenCalled();
  });

  it('queues the receipt and the staff notice in the same write and announces them, sending nothing itself', async () => {
    const { deps: d } = deps();
    const orders = new MemoryOrders([declined]);
    const events = new RecordingEvents();
    const submitted = await submitOffline({ ...d, orders, events }, declined);
    expect(submitted.version).toBe(declined.version + 1);
    expect(submitted.emailOutbox?.map((email) => [email.kind, email.state])).toEqual([
      ['receipt', 'pending'],
      ['offline_notice', 'pending'],
    ]);
    expect(submitted.history.filter((entry) => entry.type === 'email_queued').map((entry) => entry.data)).toEqual([
      { kind: 'receipt' },
      { kind: 'offline_notice' },
    ]);
    expect(orders.order(declined.id)).toEqual(submitted);
    expect(events.emailsAnnounced).toEqual([declined.id]);
  });

  it('queues only the staff notice when the store sends customers no offline notice', async () => {
    const { deps: d } = deps({ ...defaultSettings, customerOfflineNotice: false });
    const submitted = await submitOffline({ ...d, orders: new MemoryOrders([declined]) }, declined);
    expect(submitted.emailOutbox?.map((email) => email.kind)).toEqual(['offline_notice']);
  });
});
