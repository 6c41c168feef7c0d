import type { MailingActionDeps } from '../../functions/core/admin/order-actions.js';
import type { CardDetails } from '../../functions/core/card.js';
import type { FulfillmentDeps, FulfillmentPolicy } from '../../functions/core/fulfillment.js';
import type { MonitorDeps } from '../../functions/core/monitor.js';
import type { Order } from '../../functions/core/order.js';
import type {
  AttemptCounters,
  AuthorizationResult,
  CardVault,
  Catalog,
  Email,
  FulfillmentWebhook,
  Mailer,
  NoticeLedger,
  OrderEvents,
  OrderPlacedEvent,
  Pager,
  PaymentGateway,
  Product,
  Reservation,
  SettingsStore,
  SettlementResult,
  StockLine,
  StuckOrdersMetric,
  WebhookDelivery,
} from '../../functions/core/ports.js';
import { defaultSettings, type Settings } from '../../functions/core/settings.js';
import { createLinks } from '../../functions/runtime/adapters.js';
import { MemoryOrders, memoryLinkedWrite } from './memory-orders.js';

export { MemoryOrders } from './memory-orders.js';

/** In-memory ports for the unit tests of the core use cases, recording what they are asked. */

const tick = () => new Promise((resolve) => setImmediate(resolve));

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

/** A catalog in memory whose reserve and release keep the DynamoDB catalog's rules: all lines or none, once per token. */
export class MemoryCatalog implements Catalog {
  readonly stock = new Map<string, number>();
  /** Releases that gave stock back (a repeated token gives nothing). */
  readonly releases: string[] = [];
  private readonly tokens = new Set<string>();

  constructor(private readonly products: readonly Product[]) {
    for (const product of products) this.stock.set(product.sku, product.stock);
  }

  async list() {
    return this.products.map((product) => ({ ...product, stock: this.stock.get(product.sku)! }));
  }

  async get(skus: readonly string[]) {
    return new Map((await this.list()).filter((product) => skus.includes(product.sku)).map((product) => [product.sku, product]));
  }

  async put(product: Product) {
    this.stock.set(product.sku, product.stock);
  }

  async update() {
    return null;
  }

  async reserve(lines: readonly StockLine[], token: string): Promise<Reservation> {
    if (this.tokens.has(token)) return { ok: true };
    const shortSkus = lines.filter((line) => (this.stock.get(line.sku) ?? 0) < line.quantity).map((line) => line.sku);
    if (shortSkus.length) return { ok: false, shortSkus };
    this.tokens.add(token);
    for (const line of lines) this.stock.set(line.sku, this.stock.get(line.sku)! - line.quantity);
    return { ok: true };
  }

  async release(lines: readonly StockLine[], token: string) {
    if (this.tokens.has(token)) return;
    this.tokens.add(token);
    this.releases.push(token);
    for (const line of lines) this.stock.set(line.sku, (this.stock.get(line.sku) ?? 0) + line.quantity);
  }
}

/** A catalog with nothing in it that records the stock given back. */
export const releaseRecordingCatalog = (released: { lines: readonly StockLine[]; token: string }[]): Catalog => ({
  list: async () => [],
  get: async () => new Map(),
  put: async () => undefined,
  update: async () => null,
  reserve: async () => ({ ok: true }),
  release: async (lines, token) => void released.push({ lines, token }),
});

type GatewayAnswer = SettlementResult | Error;
const answer = async (given: GatewayAnswer | undefined, fallback: SettlementResult) => {
  if (given instanceof Error) throw given;
  return given ?? fallback;
};

/** Ports for the back-office order actions on one stored order; the gateway settles with `options` when given. */
export const orderActionDeps = (initial: Order, options: { capture?: GatewayAnswer; void?: GatewayAnswer; authorize?: AuthorizationResult | Error } = {}) => {
  const orders = new MemoryOrders([initial]);
  const calls = {
    released: [] as { lines: readonly StockLine[]; token: string }[],
    purged: [] as string[],
    mails: [] as Email[],
    captures: 0,
    voids: 0,
    announced: [] as string[],
    emailsAnnounced: [] as string[],
  };
  const gateway: PaymentGateway = {
    name: 'sandbox',
    authorize: async () => {
      if (options.authorize instanceof Error) throw options.authorize;
      return options.authorize ?? { approved: true, authorizationCode: 'SBX1', transactionId: 'SBXTX1' };
    },
    capture: async () => {
      calls.captures += 1;
      return answer(options.capture, { ok: true, reference: 'CAP1' });
    },
    void: async () => {
      calls.voids += 1;
      return answer(options.void, { ok: true, reference: 'VOID1' });
    },
  };
  const deps: MailingActionDeps = {
    orders,
    catalog: releaseRecordingCatalog(calls.released),
    vault: { ...emptyVault, purge: async (_orderId, ref) => void calls.purged.push(ref) },
    gateway,
    gatewayFor: () => gateway,
    mailer: { send: async (_from, email) => void calls.mails.push(email) },
    settings: new MemorySettings(),
    links: createLinks('https://store.test'),
    clock: { now: () => new Date('2026-05-01T12:00:00Z') },
    events: {
      orderPlaced: async (event) => void calls.announced.push(event.orderId),
      emailsPending: async (event) => void calls.emailsAnnounced.push(event.orderId),
    },
  };
  return { deps, calls, orders, current: () => orders.order(initial.id) };
};

/** A vault that holds nothing: every read finds no card, every write does nothing. */
export const emptyVault: CardVault = {
  prepareAttempt: async () => ({ ref: 'ref', writes: [] }),
  purgeWrites: () => [],
  read: async () => null,
  holdAttemptCard: async () => undefined,
  readHeld: async () => null,
  keepWithoutCvc: async () => true,
  forgetAttempt: async () => undefined,
  purge: async () => undefined,
};

/**
 * A vault that keeps an attempt's card (with its CVC) apart from held cards (never with one), as
 * the real one does, and honours a hold's expiry on read (an attempt lasts a test).
 */
export class MemoryVault implements CardVault {
  readonly attempts = new Map<string, CardDetails>();
  readonly cards = new Map<string, { card: Omit<CardDetails, 'cvc'>; expiresAt: Date | null }>();
  private next = 0;
  async prepareAttempt(_orderId: string, card: CardDetails) {
    const ref = `ref-${++this.next}`;
    return { ref, writes: [memoryLinkedWrite(() => void this.attempts.set(ref, card))] };
  }
  purgeWrites(_orderId: string, ref: string) {
    return [memoryLinkedWrite(() => this.forget(ref))];
  }
  async read(_orderId: string, ref: string, _now: Date) {
    return this.attempts.get(ref) ?? null;
  }
  async holdAttemptCard(_orderId: string, ref: string, card: CardDetails) {
    const { cvc: _cvc, ...held } = card;
    this.cards.set(ref, { card: held, expiresAt: null });
  }
  async readHeld(_orderId: string, ref: string, now: Date) {
    const held = this.cards.get(ref);
    return !held || (held.expiresAt && held.expiresAt <= now) ? null : held.card;
  }
  async keepWithoutCvc(_orderId: string, ref: string, expiresAt: Date | null, now: Date) {
    this.attempts.delete(ref);
    const held = this.cards.get(ref);
    if (!held || (held.expiresAt && held.expiresAt <= now)) return false;
    this.cards.set(ref, { ...held, expiresAt });
    return true;
  }
  async forgetAttempt(_orderId: string, ref: string) {
    if (this.attempts.has(ref)) this.forget(ref);
  }
  async purge(_orderId: string, ref: string) {
    this.forget(ref);
  }
  private forget(ref: string) {
    this.attempts.delete(ref);
    this.cards.delete(ref);
  }
}

export class MemoryCounters implements AttemptCounters {
  readonly counts = new Map<string, { count: number; expiresAt: Date }>();
  async read(keys: readonly string[], now: Date) {
    return keys.map((key) => {
      const counter = this.counts.get(key);
      return counter && counter.expiresAt > now ? counter.count : 0;
    });
  }
  async increment(keys: readonly string[], expiresAt: Date) {
    for (const key of keys) this.counts.set(key, { count: (this.counts.get(key)?.count ?? 0) + 1, expiresAt: this.counts.get(key)?.expiresAt ?? expiresAt });
  }
}
