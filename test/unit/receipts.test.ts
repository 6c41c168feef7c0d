import { describe, expect, it } from 'vitest';
import type { Order } from '../../functions/core/order.js';
import type { OrderRepository } from '../../functions/core/ports.js';
import { queueEmails, type ReceiptDeps, receiptKinds, sendPendingEmails } from '../../functions/core/receipts.js';
import { defaultSettings } from '../../functions/core/settings.js';
import { record } from '../../functions/core/transitions.js';
import { createLinks } from '../../functions/runtime/adapters.js';
import { anOrder } from '../support/fixtures.js';
import { MemoryOrders } from '../support/memory-orders.js';

const memoryOrders = (initial: Order) => {
  const orders = new MemoryOrders([initial]);
  return { orders, current: () => orders.order(initial.id) };
};

const now = new Date('2026-11-23T10:00:00Z');

/** An offline order whose receipt and staff notice were queued with its transition. */
const offlineOrderWithOutbox = () => {
  const order = anOrder({ status: 'OFFLINE_PENDING', history: [] });
  const queued = queueEmails(order, receiptKinds('OFFLINE_PENDING', defaultSettings), now);
  return record(order, queued.changes, queued.entries, now);
};

const depsWith = (orders: OrderRepository, send: (subject: string) => void): ReceiptDeps => ({
  orders,
  settings: { get: async () => defaultSettings } as ReceiptDeps['settings'],
  mailer: { send: async (_from, email) => send(email.subject) },
  links: createLinks('https://shop.test'),
  clock: { now: () => now },
});

const kindsOf = (order: Order) => order.history.map((e) => [e.type, 'data' in e && e.data && 'kind' in e.data ? e.data.kind : undefined]);

describe('the receipt outbox', () => {
  it('queues each due email once, with its state on the timeline', () => {
    const order = offlineOrderWithOutbox();
    expect(order.emailOutbox?.map((e) => [e.kind, e.state])).toEqual([
      ['receipt', 'pending'],
      ['offline_notice', 'pending'],
    ]);
    expect(queueEmails(order, ['receipt', 'offline_notice'], now).entries).toEqual([]);
    expect(kindsOf(order)).toEqual([
      ['email_queued', 'receipt'],
      ['email_queued', 'offline_notice'],
    ]);
  });

  it('keeps a failed email pending for a later drain, which sends only what is missing', async () => {
    const { orders, current } = memoryOrders(offlineOrderWithOutbox());
    let mailServerUp = false;
    const sent: string[] = [];
    const deps = depsWith(orders, (subject) => {
      // The staff notice goes through; the customer's receipt fails while the server is down.
      if (!mailServerUp && subject.includes('received')) throw Object.assign(new Error('down'), { name: 'MessageRejected' });
      sent.push(subject);
    });

    expect(await sendPendingEmails(deps, 'ord_TEST')).toBe(false);
    expect(kindsOf(current()).slice(2)).toEqual([
      ['email_failed', 'receipt'],
      ['email_sent', 'offline_notice'],
    ]);
    expect(current().emailOutbox).toEqual([{ kind: 'receipt', state: 'pending', since: now.toISOString(), failures: 1 }]);

    mailServerUp = true;
    expect(await sendPendingEmails(deps, 'ord_TEST')).toBe(true);
    expect(await sendPendingEmails(deps, 'ord_TEST')).toBe(true);
    expect(sent.filter((s) => s.includes('waits for a manual charge'))).toHaveLength(1);
    expect(sent.filter((s) => s.includes('received'))).toHaveLength(1);
    expect(current().emailOutbox).toEqual([]);
    expect(current().emailsSent).toEqual(['offline_notice', 'receipt']);
  });

  it('sends each email once when drains run concurrently', async () => {
    const { orders, current } = memoryOrders(offlineOrderWithOutbox());
    const sent: string[] = [];
    const deps = depsWith(orders, (subject) => void sent.push(subject));
    await Promise.all([sendPendingEmails(deps, 'ord_TEST'), sendPendingEmails(deps, 'ord_TEST'), sendPendingEmails(deps, 'ord_TEST')]);
    expect(sent).toHaveLength(2);
    expect([...(current().emailsSent ?? [])].sort()).toEqual(['offline_notice', 'receipt']);
  });
});
