import { AppError } from './errors.js';
import type { NewHistoryEntry } from './history.js';
import type { Order } from './order.js';
import { type OrderStatus, orderStatuses, statusLabels } from './status.js';

/**
 * The order process as a transition table (SPEC §4.2): for each action, the statuses it may
 * start from and the status it leads to. Every pair not listed is an invalid transition.
 */
type Target = OrderStatus | ((order: Order) => OrderStatus);

const openStatuses = orderStatuses.filter((s) => s !== 'COMPLETED' && s !== 'CANCELLED');
const fromEach = (statuses: readonly OrderStatus[], to: (from: OrderStatus) => Target) =>
  Object.fromEntries(statuses.map((s) => [s, to(s)])) as Partial<Record<OrderStatus, Target>>;

export const orderProcess = {
  // Checkout workflow outcomes: every checkout (new or retried) starts from INCOMPLETE.
  authorizationApproved: { INCOMPLETE: 'ORDER_PLACED' },
  authorizationDeclined: { INCOMPLETE: 'INCOMPLETE' },
  holdOffline: { INCOMPLETE: 'OFFLINE_PENDING' },
  placePurchaseOrder: { INCOMPLETE: 'AWAITING_PAYMENT' },
  placeEvaluation: { INCOMPLETE: 'AWAITING_EVALUATION' },
  recordPaidOrder: { INCOMPLETE: 'ORDER_PLACED' },
  checkoutFailed: { INCOMPLETE: 'INCOMPLETE' },
  // Customer actions.
  retryPayment: { INCOMPLETE: 'INCOMPLETE' },
  submitOffline: { INCOMPLETE: 'OFFLINE_PENDING' },
  acceptQuote: { AWAITING_CUSTOMER_APPROVAL: 'CANCELLED' },
  rejectQuote: { AWAITING_CUSTOMER_APPROVAL: 'CANCELLED' },
  // Back office and fulfillment.
  approve: { OFFLINE_PENDING: 'ORDER_PLACED' },
  // The held card through the gateway: placed once authorized, else still waiting offline.
  charge: { OFFLINE_PENDING: (order) => (order.payment.status === 'AUTHORIZED' ? 'ORDER_PLACED' : 'OFFLINE_PENDING') },
  fulfillmentAccepted: { ORDER_PLACED: 'IN_PROCESS', AWAITING_PAYMENT: 'AWAITING_PAYMENT' },
  fulfillmentManual: { ORDER_PLACED: 'IN_PROCESS' },
  ship: { IN_PROCESS: 'SHIPPED', AWAITING_PAYMENT: 'AWAITING_PAYMENT' },
  invoice: { AWAITING_PAYMENT: 'AWAITING_PAYMENT' },
  markPaid: { AWAITING_PAYMENT: (order) => (order.shipments.length > 0 ? 'COMPLETED' : 'IN_PROCESS') },
  complete: { SHIPPED: 'COMPLETED' },
  quote: { AWAITING_EVALUATION: 'AWAITING_CUSTOMER_APPROVAL' },
  cancel: fromEach(openStatuses, () => 'CANCELLED'),
  note: fromEach(orderStatuses, (s) => s),
} satisfies Record<string, Partial<Record<OrderStatus, Target>>>;

export type OrderAction = keyof typeof orderProcess;

export const canApply = (status: OrderStatus, action: OrderAction): boolean =>
  (orderProcess[action] as Partial<Record<OrderStatus, Target>>)[status] !== undefined;

/** The status `action` leads to from the order's current status, or `409 invalid_transition`. */
export const nextStatus = (order: Order, action: OrderAction): OrderStatus => {
  const target = (orderProcess[action] as Partial<Record<OrderStatus, Target>>)[order.status];
  if (target === undefined) {
    throw new AppError('invalid_transition', `Cannot ${describeAction(action)} an order that is ${statusLabels[order.status]}.`);
  }
  return typeof target === 'function' ? target(order) : target;
};

/** Refuses (`409 invalid_transition`) an action the order's status does not allow, before any side effect. */
export const assertCan = (order: Order, action: OrderAction): void => {
  nextStatus(order, action);
};

const describeAction = (action: OrderAction) => action.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

export type OrderChanges = Partial<Omit<Order, 'id' | 'status' | 'version' | 'history' | 'createdAt' | 'updatedAt'>>;

declare const revised: unique symbol;

/**
 * An order as `transition` made it: the only shape the repository writes. The brand cannot be
 * built anywhere else, so every order write passes the transition table.
 */
export type OrderRevision = Order & { readonly [revised]: true };

/**
 * The one write path: applies `action` with its field changes, checks the transition, bumps
 * the version, stamps `updatedAt` and appends the history entries. The repository writes the
 * result only if the stored version is still `order.version`.
 */
export const transition = (order: Order, action: OrderAction, changes: OrderChanges, entries: readonly NewHistoryEntry[], now: Date): OrderRevision => {
  const status = nextStatus({ ...order, ...changes } as Order, action);
  const at = now.toISOString();
  return {
    ...order,
    ...changes,
    status,
    // The stuck-order monitor counts from here, not from creation (SPEC §9).
    ...(status !== order.status ? { statusSince: at } : {}),
    version: order.version + 1,
    updatedAt: at,
    history: [...order.history, ...entries.map((entry) => ({ at, ...entry }))],
  } as Order as OrderRevision;
};

/** A change that keeps the status (the process table's `note` row: any status to itself). */
export const record = (order: Order, changes: OrderChanges, entries: readonly NewHistoryEntry[], now: Date): OrderRevision =>
  transition(order, 'note', changes, entries, now);
