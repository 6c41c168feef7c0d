import { type CardDetails, isExpired, summarizeCard } from './card.js';
import { admitCardAttempt, type CardAttempt, type CardTestingDeps, countCardOutcome } from './card-testing.js';
import { AppError, type ErrorDetail } from './errors.js';
import { actors } from './history.js';
import { computeTotals } from './money.js';
import { type Address, cardIsHeld, type Order, type OrderLine } from './order.js';
import { payLinkOpen } from './pay-link.js';
import type { DeclineReason } from './payments.js';
import type { CardVault, Catalog, CheckoutWorkflow, Clock, IdGenerator, OrderRepository, PaymentGateway, SettingsStore, StockReservation } from './ports.js';
import { stockLines } from './stock.js';
import { assertCan, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

export type CheckoutPayment =
  | { readonly method: 'card'; readonly card: CardDetails }
  | { readonly method: 'purchase_order'; readonly poNumber: string }
  /** Staff only: an order already paid elsewhere (virtual terminal), placed as "Approved (M)". */
  | { readonly method: 'recorded'; readonly authorizationCode: string };

export interface CheckoutRequest {
  readonly customer: { readonly email: string; readonly name: string; readonly phone?: string | null };
  readonly billingAddress: Address;
  readonly shippingAddress?: Address | null;
  readonly items: readonly { readonly sku: string; readonly quantity: number }[];
  readonly payment?: CheckoutPayment | null;
  readonly onDecline: 'ask' | 'offline';
  readonly notes?: string | null;
}

export interface CheckoutDeps extends CardTestingDeps {
  readonly orders: OrderRepository;
  readonly catalog: Catalog;
  readonly settings: SettingsStore;
  readonly vault: CardVault;
  readonly workflow: CheckoutWorkflow;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Only its name is read here: an order created while it is the sandbox is a test order. */
  readonly gateway: Pick<PaymentGateway, 'name'>;
}

export type CheckoutOutcome = 'placed' | 'offline' | 'awaiting_payment' | 'awaiting_evaluation';

/** The checkout answer as the wire contract shapes it: 201 with an outcome, or 402 with actions. */
export type CheckoutResult =
  | { readonly kind: 'created'; readonly order: Order; readonly outcome: CheckoutOutcome }
  | { readonly kind: 'declined'; readonly order: Order; readonly declineReason: DeclineReason | 'internal'; readonly actions: readonly string[] };

const outcomes: Partial<Record<Order['status'], CheckoutOutcome>> = {
  ORDER_PLACED: 'placed',
  // The fulfillment hand-off runs on its own and may take the order before checkout answers.
  IN_PROCESS: 'placed',
  OFFLINE_PENDING: 'offline',
  AWAITING_PAYMENT: 'awaiting_payment',
  AWAITING_EVALUATION: 'awaiting_evaluation',
};

const cardProblems = (card: CardDetails, now: Date, path: string): ErrorDetail[] =>
  isExpired(card.expMonth, card.expYear, now) ? [{ path: `${path}.expYear`, message: 'The card has expired.' }] : [];

const priceLines = async (catalog: Catalog, items: CheckoutRequest['items']): Promise<OrderLine[]> => {
  const products = await catalog.get(items.map((i) => i.sku));
  const unknown = items.flatMap((item, index) => (products.has(item.sku) ? [] : [{ path: `items.${index}.sku`, message: 'This SKU is not in the catalog.' }]));
  if (unknown.length) throw new AppError('unknown_sku', 'Some items are not in the catalog.', unknown);
  return items.map((item) => {
    const product = products.get(item.sku)!;
    return {
      sku: product.sku,
      name: product.name,
      kind: product.kind,
      quantity: item.quantity,
      unitPriceCents: product.priceCents,
      lineTotalCents: product.priceCents * item.quantity,
    };
  });
};

const outOfStockError = (order: Order, shortSkus: readonly string[]) =>
  new AppError(
    'out_of_stock',
    'Some items are out of stock.',
    order.items.flatMap((item, index) =>
      shortSkus.includes(item.sku) ? [{ path: `items.${index}.quantity`, message: 'Not enough stock for this item.' }] : [],
    ),
  );

/**
 * Runs the checkout workflow for an order in INCOMPLETE and shapes the result. A new order
 * arrives holding its stock (`reservation`); a retried one reserves it again in the workflow.
 * However the run ends (failed, thrown, timed out, out of stock), the CVC is gone afterwards,
 * and the card too unless an outcome step held it.
 */
const runWorkflow = async (
  deps: CheckoutDeps,
  order: Order,
  card: { readonly ref: string; readonly admitted: CardAttempt } | null,
  onDecline: 'ask' | 'offline',
  reservation?: StockReservation,
): Promise<CheckoutResult> => {
  const cardRef = card?.ref ?? null;
  // Each outcome step deletes the CVC before it returns (placed: purged; held or declined: kept without it).
  let outcomeStepRan = false;
  try {
    const settings = await deps.settings.get();
    const run = await deps.workflow.run({
      orderId: order.id,
      cardRef,
      onDecline: onDecline === 'offline' && settings.allowOfflineResubmit ? 'offline' : 'ask',
      attempt: order.payment.attempt,
      ...(reservation ? { reservation } : {}),
    });
    if (run.status === 'failed') {
      throw new AppError('internal', 'The checkout could not be completed and no payment was taken. Please try again.');
    }
    if (run.outOfStock.length) throw outOfStockError(order, run.outOfStock);
    outcomeStepRan = true;
    const placed = run.order ?? (await deps.orders.get(order.id));
    if (!placed) throw new AppError('internal', 'The order disappeared during checkout.');
    if (card) await countCardOutcome(deps, card.admitted, placed);
    const outcome = outcomes[placed.status];
    if (outcome) return { kind: 'created', order: placed, outcome };
    const canSubmitOffline = settings.allowOfflineResubmit && cardIsHeld(placed, deps.clock.now());
    return {
      kind: 'declined',
      order: placed,
      declineReason: placed.payment.declineReason ?? 'card_declined',
      actions: canSubmitOffline ? ['retry_payment', 'submit_offline'] : ['retry_payment'],
    };
  } finally {
    // Failed, thrown, timed out or out of stock: no outcome step ended the attempt, so it ends
    // here (the item also expires on its own shortly, and reads check that).
    if (cardRef && !outcomeStepRan) await deps.vault.forgetAttempt(order.id, cardRef).catch(() => undefined);
  }
};

/** Who submitted the order, as the first history entry names them, and from which address (card-testing limits). */
export interface CheckoutOrigin {
  readonly actor: string;
  readonly message: string;
  readonly clientIp?: string | null;
}

export const customerOrigin: CheckoutOrigin = { actor: actors.customer, message: 'Order submitted' };

/** A new order before it exists: everything the customer chose, already priced. */
export interface OrderDraft {
  readonly customer: CheckoutRequest['customer'];
  readonly billingAddress: Address;
  readonly shippingAddress: Address | null;
  readonly items: readonly OrderLine[];
  readonly payment: CheckoutPayment | null;
  readonly onDecline: 'ask' | 'offline';
  readonly notes: string | null;
  readonly supersedes: string | null;
  readonly origin: CheckoutOrigin;
}

/** Rejects what cannot be checked out before anything is stored; returns the totals. */
export const assertPayable = async (deps: CheckoutDeps, draft: OrderDraft, now: Date) => {
  const totals = computeTotals(draft.items, await deps.settings.get());
  const { totalCents } = totals;
  if (totalCents > 0 && !draft.payment) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'payment', message: 'A payment is required for this order.' }]);
  }
  if (totalCents > 0 && draft.payment?.method === 'card') {
    const problems = cardProblems(draft.payment.card, now, 'payment.card');
    if (problems.length) throw new AppError('validation_failed', 'The request is invalid.', problems);
  }
  return totals;
};

/** When a new order may be written, and under which id. */
export interface NewOrderOptions {
  /** Fixed in advance when another order links to it. */
  readonly id?: string;
  /** Awaited before the first write: the request's idempotency key is claimed meanwhile (see `runIdempotently`). */
  readonly claimed?: () => Promise<void>;
}

/**
 * Creates the order in INCOMPLETE (holding the card encrypted, CVC apart) and runs the
 * checkout workflow on it. Everything before the creating write only reads and seals the card.
 */
export const placeNewOrder = async (deps: CheckoutDeps, draft: OrderDraft, options: NewOrderOptions = {}): Promise<CheckoutResult> => {
  const id = options.id ?? deps.ids.orderId();
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const totals = await assertPayable(deps, draft, now);
  // An order of evaluation items only costs nothing yet: any payment given is not used.
  const payment = totals.totalCents > 0 ? draft.payment : null;
  // Limits are checked before anything is stored or sent to the gateway. The card is sealed
  // meanwhile: its ciphertext is only written with the order (short of stock or over a limit,
  // nothing was ever stored).
  const [admitted, cardAttempt] =
    payment?.method === 'card'
      ? await Promise.all([admitCardAttempt(deps, payment.card, draft.origin.clientIp ?? null, 1), deps.vault.prepareAttempt(id, payment.card)])
      : [null, null];
  const cardRef = cardAttempt?.ref ?? null;
  const at = now.toISOString();
  const order: Order = {
    id,
    status: 'INCOMPLETE',
    createdAt: at,
    updatedAt: at,
    version: 1,
    customer: { email: draft.customer.email, name: draft.customer.name, phone: draft.customer.phone ?? null },
    billingAddress: draft.billingAddress,
    shippingAddress: draft.shippingAddress,
    items: draft.items,
    currency: settings.currency,
    totals,
    payment: {
      method: payment?.method ?? 'none',
      status: 'NONE',
      card: payment?.method === 'card' ? summarizeCard(payment.card) : null,
      authorizationCode: payment?.method === 'recorded' ? payment.authorizationCode : null,
      declineReason: null,
      poNumber: payment?.method === 'purchase_order' ? payment.poNumber : null,
      invoiceNumber: null,
      attempt: payment?.method === 'card' ? 1 : 0,
    },
    shipments: [],
    notes: draft.notes,
    supersedes: draft.supersedes,
    supersededBy: null,
    quote: null,
    history: [{ at, type: 'created', actor: draft.origin.actor, message: draft.origin.message, visibleToCustomer: false }],
    trackingToken: deps.ids.token(),
    stock: { reserved: true, round: 0 },
    // The card is the attempt's, not held: only an outcome that keeps it holds it.
    heldCard: null,
    testMode: deps.gateway.name === 'sandbox',
  };
  // The order and its stock in one write: short of stock, the customer never had an order.
  await options.claimed?.();
  const created = await deps.orders.createReserving(order, stockLines(order), cardAttempt?.writes ?? []);
  if (!created.ok) throw outOfStockError(order, created.shortSkus);
  const reservation: StockReservation = {
    reserved: true,
    paymentMethod: order.payment.method,
    outOfStock: [],
    amountCents: totals.totalCents,
    currency: order.currency,
  };
  return runWorkflow(deps, order, cardRef && admitted ? { ref: cardRef, admitted } : null, draft.onDecline, reservation);
};

export const checkout = async (
  deps: CheckoutDeps,
  request: CheckoutRequest,
  origin: CheckoutOrigin = customerOrigin,
  claimed?: () => Promise<void>,
): Promise<CheckoutResult> =>
  placeNewOrder(
    deps,
    {
      customer: request.customer,
      billingAddress: request.billingAddress,
      shippingAddress: request.shippingAddress ?? null,
      items: await priceLines(deps.catalog, request.items),
      payment: request.payment ?? null,
      onDecline: request.onDecline,
      notes: request.notes ?? null,
      supersedes: null,
      origin,
    },
    { claimed },
  );

/** Retries a card on an INCOMPLETE order through the same workflow (SPEC §4.2). */
export const retryPayment = async (
  deps: CheckoutDeps,
  order: Order,
  request: { readonly card: CardDetails; readonly onDecline: 'ask' | 'offline'; readonly clientIp?: string | null },
): Promise<CheckoutResult> => {
  const now = deps.clock.now();
  const problems = cardProblems(request.card, now, 'payment.card');
  if (problems.length) throw new AppError('validation_failed', 'The request is invalid.', problems);
  const retryable = (current: Order) => {
    if (current.status === 'INCOMPLETE' && current.payLink && !payLinkOpen(current, now)) {
      throw new AppError('invalid_transition', 'This order can no longer be paid: its pay link has expired. Please place a new order.');
    }
    assertCan(current, 'retryPayment');
  };
  retryable(order);
  const attempt = order.payment.attempt + 1;
  const admitted = await admitCardAttempt(deps, request.card, request.clientIp ?? null, attempt);
  // The new card is written with the retry's transition, the previous one purged in the same write.
  const cardAttempt = await deps.vault.prepareAttempt(order.id, request.card);
  const previousRef = order.heldCard?.ref;
  const linked = [...cardAttempt.writes, ...(previousRef ? deps.vault.purgeWrites(order.id, previousRef) : [])];
  // Background writes (an email sent, the pay link) may land first: decide again on the order as it is.
  const next = await updateOrder(
    deps.orders,
    order.id,
    (current) => {
      retryable(current);
      if (current.payment.attempt !== order.payment.attempt || current.heldCard?.ref !== previousRef) {
        throw new AppError('conflict', 'Another payment attempt for this order is under way.');
      }
      return transition(
        current,
        'retryPayment',
        {
          payment: { ...current.payment, method: 'card', card: summarizeCard(request.card), attempt, declineReason: null, status: 'NONE' },
          heldCard: null,
        },
        [{ type: 'payment_retry', actor: actors.customer, message: `Payment attempt ${attempt} started`, visibleToCustomer: false, data: { attempt } }],
        now,
      );
    },
    order,
    linked,
  );
  return runWorkflow(deps, next, { ref: cardAttempt.ref, admitted }, request.onDecline);
};
