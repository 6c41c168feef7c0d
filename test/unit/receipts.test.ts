import { describe, expect, it } from 'vitest';
import { createCheckoutSteps, type StepDeps } from '../../functions/core/checkout-steps.js';
import { ReceiptNotSent } from '../../functions/core/ports.js';
import type { Order } from '../../functions/core/order.js';
import { defaultSettings } from '../../functions/core/settings.js';
import { createLinks } from '../../functions/runtime/adapters.js';
import { anOrder } from '../support/fixtures.js';
import { MemoryOrders } from '../support/memory-orders.js';

const memoryOrders = (initial: Order) => {
  const orders = new MemoryOrders([initial]);
  return { orders, current: () => orders.order(initial.id) };
};

describe('the sendReceipt step', () => {
  it('records a failed email and throws for the workflow to retry; the retry sends only what is missing', async () => {
    const { orders, current } = memoryOrders(anOrder({ status: 'OFFLINE_PENDING', history: [] }));
    let mailServerUp = false;
    const sent: string[] = [];
    const steps = createCheckoutSteps({
      orders,
      settings: { get: async () => defaultSettings },
      mailer: {
        send: async (_from: string, email: { subject: string }) => {
          // The staff notice goes through; the customer's receipt fails while the server is down.
          if (!mailServerUp && email.subject.includes('received')) throw Object.assign(new Error('down'), { name: 'MessageRejected' });
          sent.push(email.subject);
        },
      },
      links: createLinks('https://shop.test'),
      clock: { now: () => new Date('2026-11-23T10:00:00Z') },
    } as unknown as StepDeps);
    const state = { orderId: 'ord_TEST', cardRef: null, onDecline: 'offline' as const, attempt: 1 };

    await expect(steps.sendReceipt(state)).rejects.toBeInstanceOf(ReceiptNotSent);
    expect(current().history.map((e) => [e.type, 'data' in e && e.data && 'kind' in e.data ? e.data.kind : undefined])).toEqual([
      ['email_failed', 'receipt'],
      ['email_sent', 'offline_notice'],
    ]);

    mailServerUp = true;
    expect(await steps.sendReceipt(state)).toEqual({ sent: true });
    expect(sent.filter((s) => s.includes('waits for a manual charge'))).toHaveLength(1);
    expect(sent.filter((s) => s.includes('received'))).toHaveLength(1);
    expect(await steps.sendReceipt(state)).toEqual({ sent: true });
    expect(sent).toHaveLength(2);
  });
});
