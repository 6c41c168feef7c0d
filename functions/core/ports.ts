import type { CardDetails } from './card.js';
import type { Order, ProductKind } from './order.js';
import type { DeclineReason, GatewayName } from './payments.js';
import type { Settings } from './settings.js';
import type { OrderStatus } from './status.js';
import type { OrderRevision } from './transitions.js';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly kind: ProductKind;
  readonly stock: number;
}

export interface StockLine {
  readonly sku: string;
  readonly quantity: number;
}

export type Reservation = { readonly ok: true } | { readonly ok: false; readonly shortSkus: readonly string[] };

export interface Catalog {
  list(): Promise<Product[]>;
  get(skus: readonly string[]): Promise<Map<string, Product>>;
  put(product: Product): Promise<void>;
  /** Sets only the given fields of an existing product (stock changed by checkouts meanwhile is kept); null if there is none. */
  update(sku: string, changes: Partial<Omit<Product, 'sku'>>): Promise<Product | null>;
  /** Decrements every line or none; `token` makes a repeated call with the same token a no-op. */
  reserve(lines: readonly StockLine[], token: string): Promise<Reservation>;
  release(lines: readonly StockLine[], token: string): Promise<void>;
}

export interface OrderQuery {
  readonly status?: OrderStatus;
  readonly email?: string;
  /** ISO timestamps; `createdBefore` is exclusive. */
  readonly createdFrom?: string;
  readonly createdBefore?: string;
  readonly limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

export interface OrderPage {
  readonly orders: Order[];
  readonly nextCursor: string | null;
}

/**
 * Orders, with per-day totals by status kept in step: every write that creates, removes or
 * moves an order between statuses updates its day's totals in the same transaction.
 */
declare const linkedWrite: unique symbol;

/**
 * A card-vault write prepared to land in the same atomic write as an order: the hold with the
 * order's creation, the purge with its placement (one request instead of three). Opaque to the
 * core: a runtime's vault prepares it and the same runtime's order repository commits it, with
 * the order or not at all.
 */
export type LinkedWrite = { readonly [linkedWrite]: true };

export interface OrderRepository {
  create(order: Order): Promise<void>;
  /**
   * Creates the order holding its stock: the order, every line's decrement and the `linked`
   * writes in one write. Nothing is written when a line is short (`shortSkus`);
   * `order.stock.reserved` must be true.
   */
  createReserving(order: Order, lines: readonly StockLine[], linked?: readonly LinkedWrite[]): Promise<Reservation>;
  get(id: string): Promise<Order | null>;
  /**
   * Writes `next` (and the `linked` writes, atomically) only if the stored order is still
   * `previous` (same version); otherwise throws `VersionConflict`. `previous` is what the daily
   * totals move away from.
   */
  save(next: OrderRevision, previous: Order, linked?: readonly LinkedWrite[]): Promise<void>;
  /** Removes an order that never became one (out of stock at checkout). */
  discard(id: string): Promise<void>;
  /** Newest first, through an index (by status, by email, or all): never a table scan. */
  list(query: OrderQuery): Promise<OrderPage>;
}

/** Order count and total of one status on one day (UTC, by creation date). */
export interface StatusTotals {
  readonly count: number;
  readonly totalCents: number;
}

export interface DailyTotals {
  /** `YYYY-MM-DD`, the UTC creation day of the orders counted. */
  readonly day: string;
  readonly byStatus: Partial<Record<OrderStatus, StatusTotals>>;
}

/** Reads the per-day totals the order repository maintains. */
export interface OrderTotalsReader {
  /** Days in `[fromDay, toDay]` (either end open when omitted), oldest first. */
  daily(range: { readonly fromDay?: string; readonly toDay?: string }): Promise<DailyTotals[]>;
}

export class VersionConflict extends Error {
  override readonly name = 'VersionConflict';

  /** `current`: the order as the store now holds it, when the failed write brought it back (saves a read). */
  constructor(
    message: string,
    readonly current: Order | null = null,
  ) {
    super(message);
  }
}

export interface SettingsStore {
  get(): Promise<Settings>;
  put(settings: Settings): Promise<void>;
  /** Sets only the given fields (a concurrent change to other fields is kept) and returns the result. */
  update(changes: Partial<Settings>): Promise<Settings>;
}

/**
 * Keyed fingerprints: HMAC-SHA256 under a secret only this installation holds, so a
 * fingerprint cannot be recomputed from guesses (a PAN has too few unknown digits for a plain
 * hash). `purpose` separates the uses: the same input gives unrelated values per purpose.
 */
export interface Fingerprints {
  of(purpose: 'card' | 'client' | 'request', value: string): Promise<string>;
}

/**
 * Counters with expiry (declines per card and per client in the current window), kept in the
 * orders table. TTL only clears them later: reads count an expired counter as zero.
 */
export interface AttemptCounters {
  /** The live count of each key, in order; 0 for a key never counted or expired. */
  read(keys: readonly string[], now: Date): Promise<number[]>;
  /** Adds one to each key; a counter first written now lives until `expiresAt`. */
  increment(keys: readonly string[], expiresAt: Date): Promise<void>;
}

/** `PaymentAttempts` and `PaymentDeclines` (Powertools Metrics in AWS, a log line in the twin): the stack alarms on their ratio. */
export interface PaymentMetrics {
  recordAttempt(outcome: { readonly declined: boolean }): Promise<void>;
}

/**
 * Field-level encrypted card storage, bound to the order by encryption context. A card comes
 * in for an attempt (one authorization, with its CVC); it is held (without its CVC) only once an
 * authorization did not go through and an outcome keeps it.
 */
export interface CardVault {
  /**
   * Encrypts the card with its CVC for one attempt (minutes at most) and returns its reference
   * with the writes that store it, to be written with the order write that takes the card
   * (`createReserving`, `save`).
   */
  prepareAttempt(orderId: string, card: CardDetails): Promise<{ readonly ref: string; readonly writes: readonly LinkedWrite[] }>;
  /** `purge`, written with the order write that ends the attempt or the hold. */
  purgeWrites(orderId: string, ref: string): readonly LinkedWrite[];
  /** The decrypted card with its CVC while its attempt runs (to authorize it), or null once the attempt ended or expired. */
  read(orderId: string, ref: string, now: Date): Promise<CardDetails | null>;
  /**
   * Holds the card of an attempt that did not go through (declined, or the gateway unavailable),
   * without its CVC, for the outcome step that keeps it (`keepWithoutCvc`); held for minutes until then.
   */
  holdAttemptCard(orderId: string, ref: string, card: CardDetails): Promise<void>;
  /** The decrypted held card, never its CVC (to reveal or charge it), or null when not held, purged or past its expiry. */
  readHeld(orderId: string, ref: string, now: Date): Promise<CardDetails | null>;
  /**
   * Ends the attempt (its card and CVC deleted) and sets how long the held card stays held
   * (null: until staff process it); false when no card is held or its hold has expired by `now`.
   */
  keepWithoutCvc(orderId: string, ref: string, expiresAt: Date | null, now: Date): Promise<boolean>;
  /**
   * Ends an attempt that no outcome step ended (the run failed, threw or found no stock): its
   * card and CVC are deleted, with any hold of that card. Nothing changes when an outcome step
   * had ended it already (and decided what is held).
   */
  forgetAttempt(orderId: string, ref: string): Promise<void>;
  purge(orderId: string, ref: string): Promise<void>;
}

/**
 * A gateway's answer to an authorization. `gatewayCode` is the gateway's own reason (staff
 * view only); `declineReason` is what the customer is told (SPEC §5.1). A gateway that cannot
 * answer throws `GatewayUnavailable` instead.
 */
export type AuthorizationResult =
  | { readonly approved: true; readonly authorizationCode: string; readonly transactionId: string }
  | { readonly approved: false; readonly declineReason: DeclineReason; readonly gatewayCode: string };

/** Error names the checkout workflow matches in its Retry and Catch rules. */
export const workflowErrorNames = { gatewayUnavailable: 'GatewayUnavailable' } as const;

/** Thrown for transient gateway failures; the workflow retries on this error name. */
export class GatewayUnavailable extends Error {
  override readonly name = workflowErrorNames.gatewayUnavailable;
}

/** The gateway's answer to a capture or void of an earlier authorization. */
export type SettlementResult = { readonly ok: true; readonly reference: string } | { readonly ok: false; readonly reason: string };

export interface SettlementRequest {
  readonly idempotencyKey: string;
  /** The gateway's id of the authorization being captured or voided. */
  readonly transactionId: string;
  readonly amountCents: number;
  readonly currency: string;
}

export interface PaymentGateway {
  /** Which gateway this is (`sandbox`, `authorizenet`, `stripe`); kept on the orders it authorizes. */
  readonly name: GatewayName;
  /** A charge of a held card is an authorization without `card.cvc`. */
  authorize(request: {
    readonly idempotencyKey: string;
    readonly amountCents: number;
    readonly currency: string;
    readonly card: CardDetails;
  }): Promise<AuthorizationResult>;
  /** Collects an authorized amount (on shipping). Throws `GatewayUnavailable` on transient failures. */
  capture(request: SettlementRequest): Promise<SettlementResult>;
  /** Releases an authorization that will not be collected (on cancellation). */
  void(request: SettlementRequest): Promise<SettlementResult>;
}

export interface Email {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  send(from: string, email: Email): Promise<void>;
}

export interface CheckoutRun {
  readonly orderId: string;
  readonly cardRef: string | null;
  readonly onDecline: 'ask' | 'offline';
  readonly attempt: number;
  /** Given when the order was created holding its stock: the workflow skips its reservation. */
  readonly reservation?: StockReservation;
}

/** What the reservation established, passed to later steps so they need not re-read the order. */
export interface StockReservation {
  readonly reserved: boolean;
  readonly paymentMethod: Order['payment']['method'];
  readonly outOfStock: readonly string[];
  readonly amountCents: number;
  readonly currency: string;
}

/** What the workflow answers: what the run found out of stock, and the order its outcome step wrote (when it carried it). */
export type CheckoutRunResult =
  | { readonly status: 'succeeded'; readonly outOfStock: readonly string[]; readonly order?: Order }
  | { readonly status: 'failed'; readonly error: string };

export interface CheckoutWorkflow {
  run(input: CheckoutRun): Promise<CheckoutRunResult>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  orderId(): string;
  token(): string;
}

/** Links in emails: the customer's tracking page and the staff dashboard. */
export interface Links {
  trackOrder(orderId: string, token: string): string;
  /** The tracking page, opened on the customer's answer to a quote. */
  quoteDecision(orderId: string, token: string, decision: 'accept' | 'reject'): string;
  dashboardOrder(orderId: string): string;
  /** The storefront's pay page for a declined order (`?order=…&token=…`): the twin's `/demo/pay`, the merchant's store in AWS. */
  payOrder(orderId: string, token: string): string;
}

/** Orders in ORDER_PLACED by the time they entered it, through a sparse index: never a table scan. */
export interface PlacedOrderIndex {
  /** Orders that entered ORDER_PLACED at or before `placedUpTo` (ISO), in no set order. */
  listPlacedUpTo(query: { readonly placedUpTo: string; readonly limit: number; readonly cursor?: string | null }): Promise<OrderPage>;
}

/** Orders with emails in their outbox, through a sparse index: never a table scan. */
export interface PendingEmailIndex {
  /** Oldest first. */
  listWithPendingEmails(query: { readonly limit: number; readonly cursor?: string | null }): Promise<OrderPage>;
}

/** Announced when an order is ready for fulfillment (ORDER_PLACED or AWAITING_PAYMENT). */
export interface OrderPlacedEvent {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly at: string;
}

/** Announced when an order's outbox holds emails to send (SPEC §8); the mail function drains it. */
export interface OrderEmailsPendingEvent {
  readonly orderId: string;
  readonly at: string;
}

/** Order events: EventBridge in AWS, an in-process dispatcher in the twin. */
export interface OrderEvents {
  orderPlaced(event: OrderPlacedEvent): Promise<void>;
  emailsPending(event: OrderEmailsPendingEvent): Promise<void>;
}

/** What one delivery to the fulfillment webhook came to. */
export type WebhookDelivery =
  | { readonly kind: 'accepted'; readonly status: number }
  | { readonly kind: 'rejected'; readonly status: number; readonly error: string }
  | { readonly kind: 'unreachable'; readonly error: string }
  /** No webhook URL is configured: the hand-off is accepted at once. */
  | { readonly kind: 'not_configured' };

/** The merchant's fulfillment webhook; the adapter signs the body it is given, byte for byte. */
export interface FulfillmentWebhook {
  deliver(request: { readonly orderId: string; readonly body: string }): Promise<WebhookDelivery>;
}

/** Pages the CSRs: SNS in AWS, an email through the local SES in the twin. Throws if not handed over. */
export interface Pager {
  page(from: string, message: Email): Promise<void>;
}

/** The `StuckOrders` metric (CloudWatch in AWS, a log line in the twin). */
export interface StuckOrdersMetric {
  record(count: number, at: Date): Promise<void>;
}

/** Remembers notices sent once per period (the daily offline digest). */
export interface NoticeLedger {
  has(key: string): Promise<boolean>;
  /** True for the one caller that records `key` first. */
  claim(key: string, expiresAt: Date): Promise<boolean>;
  release(key: string): Promise<void>;
}

/**
 * One staff event outside any order's own timeline: sign-ins, and the outcome of every staff
 * request that changes something or was refused. Never holds card data or request bodies.
 */
export interface AuditEvent {
  readonly at: string;
  /** The staff user name, or `anonymous` when no valid identity was presented. */
  readonly actor: string;
  readonly action: string;
  /** `succeeded`, or the error code the request was answered with. */
  readonly outcome: string;
  readonly orderId?: string;
  readonly requestId?: string;
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

export interface AuditEventPage {
  readonly events: AuditEvent[];
  readonly nextCursor: string | null;
}

/** Append-only: events can be recorded and read, never changed or removed. */
export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
  /** The events of one UTC day, newest first. */
  list(query: { readonly day: string; readonly limit: number; readonly cursor?: string | null }): Promise<AuditEventPage>;
}
