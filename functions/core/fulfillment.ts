import { AppError, notFound } from './errors.js';
import { actors, type NewHistoryEntry } from './history.js';
import { type FulfillmentState, type Order, toOrderView } from './order.js';
import type { Clock, FulfillmentWebhook, OrderEvents, OrderRepository, WebhookDelivery } from './ports.js';
import { canApply, record, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * The fulfillment hand-off (SPEC §9): an order in ORDER_PLACED or AWAITING_PAYMENT is pushed
 * to the merchant's webhook; a 2xx moves ORDER_PLACED to IN_PROCESS (AWAITING_PAYMENT only
 * notes the hand-off). Every attempt is recorded on the order. CSRs can retry the push or
 * record that they entered the order in fulfillment by hand.
 */

export interface FulfillmentPolicy {
  /** Attempts per push run; the event source re-runs a failed push a few times more. */
  readonly maxAttempts: number;
  /** Delay after the n-th failed attempt (n from 1). */
  readonly backoffMs: (failedAttempt: number) => number;
  readonly wait: (ms: number) => Promise<void>;
}

/** Exponential backoff: base, 2 × base, 4 × base… */
export const exponentialBackoff = (baseMs: number) => (failedAttempt: number) => baseMs * 2 ** (failedAttempt - 1);

export interface FulfillmentDeps {
  readonly orders: OrderRepository;
  readonly webhook: FulfillmentWebhook;
  readonly clock: Clock;
  readonly fulfillmentPolicy: FulfillmentPolicy;
}

export interface AnnounceDeps {
  readonly orders: OrderRepository;
  readonly events: OrderEvents;
  readonly clock: Clock;
}

/** When the order entered its current status (orders written before this was recorded: creation). */
export const enteredStatusAt = (order: Order): string => order.statusSince ?? order.createdAt;

/** ORDER_PLACED or AWAITING_PAYMENT, and fulfillment has not taken it yet. */
export const awaitsHandOff = (order: Order): boolean => canApply(order.status, 'fulfillmentAccepted') && !order.fulfillment?.handedOffAt;

const noHandOffYet: FulfillmentState = { attempts: 0, lastAttemptAt: null, lastError: null, handedOffAt: null, externalRef: null };

/**
 * The JSON pushed to fulfillment: the customer's view of the order plus the delivery notes.
 * No tracking token, no BIN, no expiry: of the card only brand and last 4.
 */
export const fulfillmentPayload = (order: Order, sentAt: Date): string => {
  const view = toOrderView(order, 'customer');
  const card = view.payment.card;
  return JSON.stringify({
    type: 'OrderPlaced',
    sentAt: sentAt.toISOString(),
    order: { ...view, payment: { ...view.payment, card: card && { brand: card.brand, last4: card.last4 } }, notes: order.notes },
  });
};

/** 5xx, 408, 425, 429 and network failures may pass; any other answer will not change by itself. */
export const isRetryable = (delivery: WebhookDelivery): boolean =>
  delivery.kind === 'unreachable' || (delivery.kind === 'rejected' && (delivery.status >= 500 || [408, 425, 429].includes(delivery.status)));

const deliveryError = (delivery: WebhookDelivery): string | null => (delivery.kind === 'rejected' || delivery.kind === 'unreachable' ? delivery.error : null);

const attemptMessage = (delivery: WebhookDelivery, attempt: number): string => {
  switch (delivery.kind) {
    case 'accepted':
      return `Handed to fulfillment (HTTP ${delivery.status}, attempt ${attempt})`;
    case 'not_configured':
      return 'No fulfillment webhook is configured: the hand-off is accepted at once';
    default:
      return `Fulfillment hand-off attempt ${attempt} failed: ${delivery.error}`;
  }
};

/** Records one attempt; an accepted hand-off also applies `fulfillmentAccepted` in the same write. */
const recordAttempt = (deps: Pick<FulfillmentDeps, 'orders' | 'clock'>, pushed: Order, delivery: WebhookDelivery, ms: number) =>
  updateOrder(
    deps.orders,
    pushed.id,
    (order) => {
      const now = deps.clock.now();
      const at = now.toISOString();
      const accepted = delivery.kind === 'accepted' || delivery.kind === 'not_configured';
      const previous = order.fulfillment ?? noHandOffYet;
      const attempt = previous.attempts + 1;
      const takesIt = accepted && awaitsHandOff(order);
      const fulfillment: FulfillmentState = {
        ...previous,
        attempts: attempt,
        lastAttemptAt: at,
        lastError: accepted ? null : deliveryError(delivery),
        handedOffAt: takesIt ? at : previous.handedOffAt,
      };
      const entry: NewHistoryEntry = {
        type: 'fulfillment_attempt',
        actor: actors.fulfillment,
        message: attemptMessage(delivery, attempt),
        visibleToCustomer: false,
        data: {
          attempt,
          outcome: delivery.kind,
          ms,
          ...('status' in delivery ? { status: delivery.status } : {}),
          ...(deliveryError(delivery) ? { error: deliveryError(delivery)! } : {}),
        },
      };
      if (!takesIt) return record(order, { fulfillment }, [entry], now);
      const entries: NewHistoryEntry[] =
        order.status === 'ORDER_PLACED'
          ? [entry, { type: 'status', actor: actors.fulfillment, message: 'Order in process', visibleToCustomer: true }]
          : [entry];
      return transition(order, 'fulfillmentAccepted', { fulfillment }, entries, now);
    },
    pushed,
  );

export type PushOutcome =
  | { readonly outcome: 'accepted'; readonly order: Order }
  /** The order no longer waits for a hand-off (taken, entered by hand, cancelled). */
  | { readonly outcome: 'skipped'; readonly order: Order }
  | { readonly outcome: 'failed'; readonly retryable: boolean; readonly order: Order };

/**
 * Pushes the order to the fulfillment webhook, retrying with backoff up to the policy's
 * attempts. Safe to run twice or concurrently with a CSR: every attempt re-reads the order
 * and stops once fulfillment has it.
 */
export const pushToFulfillment = async (deps: FulfillmentDeps, orderId: string): Promise<PushOutcome> => {
  let order = await deps.orders.get(orderId);
  if (!order) throw notFound();
  for (let attempt = 1; ; attempt++) {
    if (!awaitsHandOff(order)) return { outcome: 'skipped', order };
    const started = deps.clock.now();
    const delivery = await deps.webhook.deliver({ orderId, body: fulfillmentPayload(order, started) });
    order = await recordAttempt(deps, order, delivery, deps.clock.now().getTime() - started.getTime());
    if (delivery.kind === 'accepted' || delivery.kind === 'not_configured') return { outcome: 'accepted', order };
    const retryable = isRetryable(delivery);
    if (!retryable || attempt >= deps.fulfillmentPolicy.maxAttempts) return { outcome: 'failed', retryable, order };
    await deps.fulfillmentPolicy.wait(deps.fulfillmentPolicy.backoffMs(attempt));
    order = (await deps.orders.get(orderId)) ?? order;
  }
};

const queuedSinceEntered = (order: Order) => {
  const queuedAt = order.fulfillment?.queuedAt;
  return !!queuedAt && queuedAt >= enteredStatusAt(order);
};

/**
 * Publishes `OrderPlaced` once for an order that waits for its hand-off and records it on the
 * order, so a repeated workflow step publishes nothing more. A failure to publish never fails
 * the order: it is recorded, the order stays ORDER_PLACED and the monitor pages CSRs about it.
 * Call it after every transition into ORDER_PLACED (checkout, manual approval, recorded orders).
 */
export const announceOrderPlaced = async (deps: AnnounceDeps, orderId: string): Promise<boolean> => {
  const order = await deps.orders.get(orderId);
  if (!order || !awaitsHandOff(order) || queuedSinceEntered(order)) return false;
  let error: string | null = null;
  try {
    await deps.events.orderPlaced({ orderId, status: order.status, at: deps.clock.now().toISOString() });
  } catch (cause) {
    error = cause instanceof Error ? cause.name : 'unknown';
  }
  await updateOrder(deps.orders, orderId, (current) => {
    if (queuedSinceEntered(current)) return null;
    const now = deps.clock.now();
    if (error) {
      return record(
        current,
        {},
        [
          {
            type: 'fulfillment_queue_failed',
            actor: actors.system,
            message: `Could not queue the fulfillment hand-off (${error})`,
            visibleToCustomer: false,
            data: { error },
          },
        ],
        now,
      );
    }
    return record(
      current,
      { fulfillment: { ...(current.fulfillment ?? noHandOffYet), queuedAt: now.toISOString() } },
      [{ type: 'fulfillment_queued', actor: actors.system, message: 'Queued for the fulfillment hand-off', visibleToCustomer: false }],
      now,
    );
  });
  return error === null;
};

/**
 * The hand-off queued in the same write as the transition into `status` (when it awaits one):
 * OrderPlaced is published right after that write (`publishOrderPlaced`), so a re-run step,
 * seeing it queued, publishes nothing more.
 */
export const queueHandOff = (
  order: Order,
  status: Order['status'],
  now: Date,
): { changes: Pick<Order, 'fulfillment'> | Record<string, never>; entries: NewHistoryEntry[] } => {
  if (!canApply(status, 'fulfillmentAccepted') || order.fulfillment?.handedOffAt) return { changes: {}, entries: [] };
  return {
    changes: { fulfillment: { ...(order.fulfillment ?? noHandOffYet), queuedAt: now.toISOString() } },
    entries: [{ type: 'fulfillment_queued', actor: actors.system, message: 'Queued for the fulfillment hand-off', visibleToCustomer: false }],
  };
};

/** Whether `publishOrderPlaced` publishes for this order: its hand-off was queued with its transition. */
export const publishesOrderPlaced = (order: Order): boolean => awaitsHandOff(order) && queuedSinceEntered(order);

/**
 * Publishes OrderPlaced for an order whose hand-off was queued with its transition. A failure
 * never fails the order: it is recorded and the queue mark cleared, the order stays
 * ORDER_PLACED and the monitor pages CSRs about it. Answers the order as it now stands.
 */
export const publishOrderPlaced = async (deps: AnnounceDeps, order: Order): Promise<Order> => {
  if (!publishesOrderPlaced(order)) return order;
  try {
    await deps.events.orderPlaced({ orderId: order.id, status: order.status, at: deps.clock.now().toISOString() });
    return order;
  } catch (cause) {
    const error = cause instanceof Error ? cause.name : 'unknown';
    return updateOrder(deps.orders, order.id, (current) =>
      record(
        current,
        { fulfillment: { ...(current.fulfillment ?? noHandOffYet), queuedAt: null } },
        [
          {
            type: 'fulfillment_queue_failed',
            actor: actors.system,
            message: `Could not queue the fulfillment hand-off (${error})`,
            visibleToCustomer: false,
            data: { error },
          },
        ],
        deps.clock.now(),
      ),
    );
  }
};

export interface ActionOptions {
  /** The client's `If-Match` version: a different stored version is `412 precondition_failed`. */
  readonly expectedVersion?: number;
}

const checkVersion = (order: Order, options: ActionOptions | undefined) => {
  if (options?.expectedVersion !== undefined && options.expectedVersion !== order.version) {
    throw new AppError('precondition_failed', 'The order has changed since you loaded it; reload it and try again.');
  }
};

const notAwaitingHandOff = (order: Order) =>
  new AppError(
    'invalid_transition',
    order.fulfillment?.handedOffAt ? 'Fulfillment already has this order.' : 'Only an order that is placed or awaiting payment can be handed to fulfillment.',
  );

/**
 * `fulfillment-retry`: a CSR re-runs the push now (one attempt, answered at once). The retry
 * is audited with the CSR as actor; the attempt is recorded like any other. Returns the order
 * as it is afterwards: IN_PROCESS when fulfillment took it, else with the new error recorded.
 */
export const retryFulfillment = async (deps: FulfillmentDeps, orderId: string, actor: string, options?: ActionOptions): Promise<Order> => {
  await updateOrder(deps.orders, orderId, (order) => {
    checkVersion(order, options);
    if (!awaitsHandOff(order)) throw notAwaitingHandOff(order);
    return record(
      order,
      {},
      [{ type: 'fulfillment_retry', actor, message: `Fulfillment hand-off retried by ${actor}`, visibleToCustomer: false }],
      deps.clock.now(),
    );
  });
  const result = await pushToFulfillment({ ...deps, fulfillmentPolicy: { ...deps.fulfillmentPolicy, maxAttempts: 1 } }, orderId);
  return result.order;
};

/**
 * `fulfillment-manual`: a CSR entered an ORDER_PLACED order in fulfillment by hand; the order
 * moves to IN_PROCESS with the fulfillment system's reference, audited with the CSR as actor.
 */
export const enterFulfillmentManually = async (
  deps: Pick<FulfillmentDeps, 'orders' | 'clock'>,
  orderId: string,
  externalRef: string,
  actor: string,
  options?: ActionOptions,
): Promise<Order> => {
  const ref = externalRef.trim();
  if (ref === '' || ref.length > 200) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'externalRef', message: 'must be 1 to 200 characters' }]);
  }
  return updateOrder(deps.orders, orderId, (order) => {
    checkVersion(order, options);
    const now = deps.clock.now();
    const fulfillment: FulfillmentState = { ...(order.fulfillment ?? noHandOffYet), lastError: null, handedOffAt: now.toISOString(), externalRef: ref };
    return transition(
      order,
      'fulfillmentManual',
      { fulfillment },
      [
        {
          type: 'fulfillment_manual',
          actor,
          message: `Entered in fulfillment by hand (reference ${ref})`,
          visibleToCustomer: false,
          data: { externalRef: ref },
        },
        { type: 'status', actor, message: 'Order in process', visibleToCustomer: true },
      ],
      now,
    );
  });
};
