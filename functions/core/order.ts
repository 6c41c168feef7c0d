import type { CardSummary } from './card.js';
import type { HistoryEntry, OrderEmailKind } from './history.js';
import type { Totals } from './money.js';
import { type DeclineReason, declineMessages, type GatewayName } from './payments.js';
import { type OrderStatus, type PaymentStatus, paidPaymentStatuses, paymentStatusLabels, statusLabels } from './status.js';

export interface Address {
  readonly line1: string;
  readonly line2: string | null;
  readonly city: string;
  readonly region: string | null;
  readonly postalCode: string;
  readonly country: string;
}

export interface Customer {
  readonly email: string;
  readonly name: string;
  readonly phone: string | null;
}

export type ProductKind = 'standard' | 'evaluation';

/** A `quote` line prices an accepted repair quote; it has no catalog stock. */
export type LineKind = ProductKind | 'quote';

export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly kind: LineKind;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

export type PaymentMethod = 'card' | 'purchase_order' | 'recorded' | 'none';

export interface Payment {
  readonly method: PaymentMethod;
  readonly status: PaymentStatus;
  readonly card: CardSummary | null;
  readonly authorizationCode: string | null;
  /** What the customer is told; `internal` when the checkout itself failed. */
  readonly declineReason: DeclineReason | 'internal' | null;
  readonly poNumber: string | null;
  readonly invoiceNumber: string | null;
  /** Number of the latest authorization attempt. */
  readonly attempt: number;
  /** The gateway's answer to the latest decided attempt, so a re-run step answers from the record. */
  readonly decision?: { readonly attempt: number; readonly approved: boolean } | null;
  /** The gateway that authorized or declined the card, and its own ids and code (staff view only). */
  readonly gateway?: GatewayName | null;
  readonly transactionId?: string | null;
  readonly gatewayCode?: string | null;
}

export interface Shipment {
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly shippedAt: string;
}

/** A technician's quote for an evaluation order, waiting for the customer. */
export interface Quote {
  readonly amountCents: number;
  readonly description: string;
  readonly quotedAt: string;
}

/** Where the encrypted card is held, if anywhere; `expiresAt` null means held until processed. */
export interface HeldCard {
  readonly ref: string;
  readonly heldAt: string;
  /**
   * When the hold ends: set from the moment the card is held (the hold window). Null only for
   * an OFFLINE_PENDING order, whose card is kept until staff process it (flagged after 30 days).
   */
  readonly expiresAt: string | null;
  /** When staff were told the card has been held more than 30 days (SPEC §7.5). */
  readonly flaggedAt?: string | null;
}

/** The fulfillment hand-off so far (SPEC §9); absent until the first attempt. */
export interface FulfillmentState {
  /** Hand-off attempts made, over every push run. */
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  /** The last attempt's failure (status code or network error); null once handed off. */
  readonly lastError: string | null;
  /** When fulfillment took the order (webhook 2xx, no webhook configured, or entered by hand). */
  readonly handedOffAt: string | null;
  /** The fulfillment system's reference of an order a CSR entered by hand. */
  readonly externalRef: string | null;
  /** When OrderPlaced was last published for this order (compared with `statusSince`). */
  readonly queuedAt?: string | null;
}

/**
 * The pay link a declined customer was emailed (SPEC §8): open until `expiresAt` while the
 * order is INCOMPLETE; one reminder is due at `remindAt` (null: none, or already handled).
 */
export interface PayLink {
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly remindAt: string | null;
}

/** The stored order. Only `toOrderView` decides what leaves the system. */
export interface Order {
  readonly id: string;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly customer: Customer;
  readonly billingAddress: Address;
  readonly shippingAddress: Address | null;
  readonly items: readonly OrderLine[];
  readonly currency: string;
  readonly totals: Totals;
  readonly payment: Payment;
  readonly shipments: readonly Shipment[];
  readonly notes: string | null;
  readonly supersedes: string | null;
  readonly supersededBy: string | null;
  readonly quote: Quote | null;
  readonly history: readonly HistoryEntry[];
  readonly trackingToken: string;
  /** Stock reservation: `round` increments on every release so each reservation is applied once. */
  readonly stock: { readonly reserved: boolean; readonly round: number };
  readonly heldCard: HeldCard | null;
  /** When the order entered its current status; every status-changing transition sets it. */
  readonly statusSince?: string;
  readonly fulfillment?: FulfillmentState;
  /** The `statusSince` of the ORDER_PLACED stay CSRs were paged about; null again after a failed page. */
  readonly pagedFor?: string | null;
  /** Emails already sent about this order, each kind once. */
  readonly emailsSent?: readonly OrderEmailKind[];
  readonly payLink?: PayLink | null;
  /**
   * The outbox: emails due but not sent yet, written with the change that made them due and
   * drained off the customer's wait. `sending` is claimed by one drain; a stale claim is retaken.
   */
  readonly emailOutbox?: readonly OutboxEmail[];
  /** Created or authorized while the gateway was the sandbox: no money moves for it. */
  readonly testMode?: boolean;
}

export interface OutboxEmail {
  readonly kind: OrderEmailKind;
  readonly state: 'pending' | 'sending';
  /** When it was queued, or when the current drain claimed it. */
  readonly since: string;
  /** Send attempts that failed so far. */
  readonly failures: number;
}

/** A test order: created on, or authorized by, the sandbox gateway. Every view and email says so. */
export const isTestOrder = (order: Order): boolean => order.testMode === true || order.payment.gateway === 'sandbox';

export const orderFlags = (order: Order) => ({
  sent: order.status !== 'INCOMPLETE',
  invoiced: order.payment.invoiceNumber !== null,
  paid: paidPaymentStatuses.includes(order.payment.status),
  dispatched: order.shipments.length > 0,
  cancelled: order.status === 'CANCELLED',
});

/** A held card counts only while its hold window lasts; TTL clean-up lags, so reads decide. */
/**
 * A card is held while its hold has not expired. Only an OFFLINE_PENDING order holds a card
 * without expiry (until staff charge, approve or cancel it); any other hold without one is gone.
 */
export const cardIsHeld = (order: Order, now: Date): boolean =>
  order.heldCard !== null && (order.heldCard.expiresAt === null ? order.status === 'OFFLINE_PENDING' : Date.parse(order.heldCard.expiresAt) > now.getTime());

export type { HistoryEntry };

export type Audience = 'customer' | 'staff';

/** The wire `Order` without its history, as order lists show it. Customers see brand + last 4; staff also the BIN. */
export const toOrderSummary = (order: Order, audience: Audience) => {
  const card = order.payment.card;
  return {
    id: order.id,
    status: order.status,
    statusLabel: statusLabels[order.status],
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
    customer: { email: order.customer.email, name: order.customer.name },
    billingAddress: order.billingAddress,
    shippingAddress: order.shippingAddress,
    items: order.items.map(({ sku, name, quantity, unitPriceCents, lineTotalCents }) => ({
      sku,
      name,
      quantity,
      unitPriceCents,
      lineTotalCents,
    })),
    currency: order.currency,
    totals: order.totals,
    payment: {
      method: order.payment.method,
      status: order.payment.status,
      statusLabel: paymentStatusLabels[order.payment.status],
      card: card && {
        brand: card.brand,
        ...(audience === 'staff' ? { bin: card.bin } : {}),
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
      },
      authorizationCode: order.payment.authorizationCode,
      declineReason: order.payment.declineReason,
      // The words a customer is told, so no storefront keeps its own copy of them.
      declineMessage: order.payment.declineReason ? declineMessages[order.payment.declineReason] : null,
      poNumber: order.payment.poNumber,
      invoiceNumber: order.payment.invoiceNumber,
      // Staff see which gateway answered, with its own ids and decline code.
      ...(audience === 'staff'
        ? { gateway: order.payment.gateway ?? null, transactionId: order.payment.transactionId ?? null, gatewayCode: order.payment.gatewayCode ?? null }
        : {}),
    },
    shipments: order.shipments,
    flags: orderFlags(order),
    supersedes: order.supersedes,
    supersededBy: order.supersededBy,
    quote: order.quote ?? null,
    testMode: isTestOrder(order),
  };
};

/** The wire `Order` (SPEC §5.1): customers see only customer-visible history, staff all of it with its data. */
export const toOrderView = (order: Order, audience: Audience) => {
  const history = order.history
    .filter((entry) => audience === 'staff' || entry.visibleToCustomer)
    .map((entry) => {
      const { at, type, actor, message, visibleToCustomer } = entry;
      const data = 'data' in entry ? entry.data : undefined;
      return audience === 'staff' && data ? { at, type, actor, message, visibleToCustomer, data } : { at, type, actor, message, visibleToCustomer };
    });
  return { ...toOrderSummary(order, audience), history };
};

export type OrderView = ReturnType<typeof toOrderView>;
