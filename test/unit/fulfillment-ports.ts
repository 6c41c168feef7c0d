import { createLinks } from '../../functions/runtime/adapters.js';
import type { FulfillmentDeps, FulfillmentPolicy } from '../../functions/core/fulfillment.js';
import { enteredStatusAt } from '../../functions/core/fulfillment.js';
import type { MonitorDeps } from '../../functions/core/monitor.js';
import type { Order } from '../../functions/core/order.js';
import {
  type Email,
  type FulfillmentWebhook,
  type Mailer,
  type NoticeLedger,
  type OrderEvents,
  type OrderPage,
  type OrderPlacedEvent,
  type OrderQuery,
  type OrderRepository,
  type Pager,
  type PlacedOrderIndex,
  type SettingsStore,
  type StuckOrdersMetric,
  VersionConflict,
  type WebhookDelivery,
} from '../../functions/core/ports.js';
import { defaultSettings, type Settings } from '../../functions/core/settings.js';

/** Stub ports for the fulfillment and monitor use cases: in memory, recording what they are asked. */

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Versioned like the DynamoDB repository; every call yields once, so concurrent callers interleave. */
export class MemoryOrders implements OrderRepository, PlacedOrderIndex {
  readonly stored = new Map<string, Order>();
  readonly calls: string[] = [];

  async create(order: Order) {
    await tick();
    this.stored.set(order.id, structuredClone(order));
  }

  /** Stock is not modelled here: every reservation succeeds. */
  async createReserving(order: Order) {
    await this.create(order);
    return { ok: true } as const;
  }

  async get(id: string) {
    this.calls.push('get');
    await tick();
    const order = this.stored.get(id);
    return order ? structuredClone(order) : null;
  }

  async save(next: Order) {
    this.calls.push('save');
    await tick();
    const current = this.stored.get(next.id);
    if (!current || current.version !== next.version - 1) throw new VersionConflict(`order ${next.id} changed concurrently`);
    this.stored.set(next.id, structuredClone(next));
  }

  async discard(id: string) {
    this.stored.delete(id);
  }

  async list(query: OrderQuery): Promise<OrderPage> {
    this.calls.push('list');
    await tick();
    const offset = Number(query.cursor ?? 0);
    const matching = [...this.stored.values()]
      .filter((o) => (!query.status || o.status === query.status) && (!query.createdBefore || o.createdAt < query.createdBefore))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const orders = matching.slice(offset, offset + query.limit);
    return { orders: structuredClone(orders), nextCursor: offset + query.limit < matching.length ? String(offset + query.limit) : null };
  }

  async listPlacedUpTo(query: { placedUpTo: string; limit: number; cursor?: string | null }): Promise<OrderPage> {
    this.calls.push('listPlacedUpTo');
    await tick();
    const offset = Number(query.cursor ?? 0);
    const matching = [...this.stored.values()]
      .filter((o) => o.status === 'ORDER_PLACED' && enteredStatusAt(o) <= query.placedUpTo)
      .sort((a, b) => enteredStatusAt(a).localeCompare(enteredStatusAt(b)));
    const orders = matching.slice(offset, offset + query.limit);
    return { orders: structuredClone(orders), nextCursor: offset + query.limit < matching.length ? String(offset + query.limit) : null };
  }

  order(id: string): Order {
    return this.stored.get(id)!;
  }
}

export class TestClock {
  constructor(public current = new Date('2026-03-02T10:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Answers each delivery with the next scripted result; the last one repeats. */
export class ScriptedWebhook implements FulfillmentWebhook {
  readonly deliveries: { orderId: string; body: string }[] = [];
  beforeAnswer: (() => Promise<void>) | null = null;
  constructor(private readonly script: WebhookDelivery[]) {}
  async deliver(request: { orderId: string; body: string }): Promise<WebhookDelivery> {
    this.deliveries.push(request);
    await this.beforeAnswer?.();
    return this.script.length > 1 ? this.script.shift()! : this.script[0]!;
  }
}

export const http = (status: number): WebhookDelivery =>
  status >= 200 && status < 300 ? { kind: 'accepted', status } : { kind: 'rejected', status, error: `HTTP ${status}` };

export class RecordingEvents implements OrderEvents {
  readonly published: OrderPlacedEvent[] = [];
  readonly emailsAnnounced: string[] = [];
  failWith: Error | null = null;
  async orderPlaced(event: OrderPlacedEvent) {
    if (this.failWith) throw this.failWith;
    this.published.push(event);
  }
  async emailsPending(event: { orderId: string }) {
    this.emailsAnnounced.push(event.orderId);
  }
}

export class RecordingPager implements Pager {
  readonly pages: { from: string; message: Email }[] = [];
  failWith: Error | null = null;
  async page(from: string, message: Email) {
    await tick();
    if (this.failWith) throw this.failWith;
    this.pages.push({ from, message });
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: { from: string; email: Email }[] = [];
  failWith: Error | null = null;
  async send(from: string, email: Email) {
    if (this.failWith) throw this.failWith;
    this.sent.push({ from, email });
  }
}

export class RecordingMetric implements StuckOrdersMetric {
  readonly values: number[] = [];
  async record(count: number) {
    this.values.push(count);
  }
}

export class MemoryLedger implements NoticeLedger {
  readonly keys = new Map<string, Date>();
  constructor(private readonly clock: TestClock) {}
  async has(key: string) {
    const expires = this.keys.get(key);
    return expires !== undefined && expires > this.clock.now();
  }
  async claim(key: string, expiresAt: Date) {
    if (await this.has(key)) return false;
    this.keys.set(key, expiresAt);
    return true;
  }
  async release(key: string) {
    this.keys.delete(key);
  }
}

export class MemorySettings implements SettingsStore {
  constructor(public value: Settings = { ...defaultSettings }) {}
  async get() {
    return structuredClone(this.value);
  }
  async put(settings: Settings) {
    this.value = settings;
  }
  async update(changes: Partial<Settings>) {
    this.value = { ...this.value, ...changes };
    return this.get();
  }
}

export const instantPolicy = (maxAttempts = 3): FulfillmentPolicy & { waits: number[] } => {
  const waits: number[] = [];
  return { maxAttempts, backoffMs: (n) => 100 * 2 ** (n - 1), wait: async (ms) => void waits.push(ms), waits };
};

export const fulfillmentDeps = (script: WebhookDelivery[], maxAttempts = 3) => {
  const clock = new TestClock();
  const orders = new MemoryOrders();
  const webhook = new ScriptedWebhook(script);
  const fulfillmentPolicy = instantPolicy(maxAttempts);
  const deps: FulfillmentDeps = { orders, webhook, clock, fulfillmentPolicy };
  return { deps, clock, orders, webhook, policy: fulfillmentPolicy };
};

export const monitorDeps = (settings: Partial<Settings> = {}) => {
  const clock = new TestClock();
  const orders = new MemoryOrders();
  const pager = new RecordingPager();
  const mailer = new RecordingMailer();
  const stuckOrdersMetric = new RecordingMetric();
  const ledger = new MemoryLedger(clock);
  const deps: MonitorDeps = {
    orders,
    placedOrders: orders,
    settings: new MemorySettings({ ...defaultSettings, csrEmails: ['csr1@example.com', 'csr2@example.com'], ...settings }),
    pager,
    mailer,
    stuckOrdersMetric,
    ledger,
    links: createLinks('https://shop.test'),
    clock,
  };
  return { deps, clock, orders, pager, mailer, stuckOrdersMetric, ledger };
};
