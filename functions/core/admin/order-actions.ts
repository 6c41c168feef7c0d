import { AppError, notFound } from '../errors.js';
import { formatMoney } from '../format.js';
import { announceOrderPlaced } from '../fulfillment.js';
import type { NewHistoryEntry, OrderEmailKind } from '../history.js';
import { cardIsHeld, type Order } from '../order.js';
import { authorizedPayment, type DeclineReason, type GatewayName } from '../payments.js';
import {
  type AuthorizationResult,
  type CardVault,
  type Catalog,
  type Clock,
  type Email,
  GatewayUnavailable,
  type Links,
  type Mailer,
  type OrderEvents,
  type OrderRepository,
  type PaymentGateway,
  type SettingsStore,
  type SettlementRequest,
  type SettlementResult,
} from '../ports.js';
import { announceEmails, queueEmails } from '../receipts.js';
import { sendAndRecord } from '../send-and-record.js';
import type { Settings } from '../settings.js';
import { releaseOrderStock } from '../stock.js';
import { assertCan, type OrderChanges, type OrderRevision, record, transition } from '../transitions.js';
import { updateOrder } from '../update-order.js';
import { cancellationNotice, customerNote, quoteOffer, shippingNotice } from './emails.js';

/**
 * The back-office actions on one order (SPEC §4.2, §5.2). Each one is a transition of the
 * order process written with the version condition; a concurrent writer makes it re-read
 * and decide again, so two conflicting actions never both succeed. Follow-ups that must not
 * be repeated on a re-decision (stock, voids, emails) run once the transition is stored.
 */
export interface OrderActionDeps {
  readonly orders: OrderRepository;
  readonly catalog: Catalog;
  readonly vault: CardVault;
  /** The configured gateway: new authorizations (a charge of a held card) go here. */
  readonly gateway: PaymentGateway;
  /** The gateway that authorized an earlier order, by the name on its payment: captures and voids go there. */
  readonly gatewayFor: (name: GatewayName) => PaymentGateway;
  readonly settings: SettingsStore;
  readonly links: Links;
  readonly clock: Clock;
  /** Announces placed orders and queued emails (a payment receipt goes through the outbox). */
  readonly events: OrderEvents;
}

/** The actions whose email is written for the occasion (a shipment, a note, a quote) send it themselves. */
export interface MailingActionDeps extends OrderActionDeps {
  readonly mailer: Mailer;
}

export interface StaffRequest {
  readonly orderId: string;
  /** The staff user name, recorded as the actor of every history entry. */
  readonly actor: string;
  /** From `If-Match`: the action applies only to this version of the order (else 412). */
  readonly expectedVersion: number | null;
}

type Entry = NewHistoryEntry;

const preconditionFailed = (order: Order) =>
  new AppError('precondition_failed', `The order is at version ${order.version}, not the version given in If-Match; reload it and try again.`);

/** Runs `decide` on the current order and stores its result, re-deciding after a concurrent write. */
const applyAction = (deps: OrderActionDeps, action: StaffRequest, decide: (order: Order) => OrderRevision | Promise<OrderRevision>): Promise<Order> =>
  updateOrder(deps.orders, action.orderId, async (current) => {
    if (action.expectedVersion !== null && current.version !== action.expectedVersion) throw preconditionFailed(current);
    return decide(current);
  });

/**
 * Records a follow-up that keeps the status (the process table's `note` row: any status to
 * itself), unless `decide` finds nothing left to do.
 */
const followUp = (deps: OrderActionDeps, orderId: string, decide: (order: Order) => Promise<{ changes: OrderChanges; entries: Entry[] } | null>) =>
  updateOrder(deps.orders, orderId, async (order) => {
    const result = await decide(order);
    return result && record(order, result.changes, result.entries, deps.clock.now());
  });

const email = async (deps: MailingActionDeps, order: Order, kind: OrderEmailKind, compose: (settings: Settings, trackUrl: string) => Email) => {
  const settings = await deps.settings.get();
  await sendAndRecord(deps, order, kind, settings.fromEmail, compose(settings, deps.links.trackOrder(order.id, order.trackingToken)));
};

/**
 * After a staff action placed the order: OrderPlaced starts the hand-off and reaches the mail
 * function too, so the queued emails need their own event only when none went out.
 */
const announcePlacement = async (deps: OrderActionDeps, order: Order) => {
  if (!(await announceOrderPlaced(deps, order.id))) await announceEmails(deps, order);
};

/** The order as stored after the action and its follow-ups. */
const reload = async (deps: OrderActionDeps, id: string) => {
  const order = await deps.orders.get(id);
  if (!order) throw notFound();
  return order;
};

/** Deletes a held card before the transition that forgets it is written (purging twice is harmless). */
const purgeHeldCard = async (deps: OrderActionDeps, order: Order, actor: string): Promise<Entry[]> => {
  if (!order.heldCard) return [];
  await deps.vault.purge(order.id, order.heldCard.ref);
  return [{ type: 'card_purged', actor, message: 'Held card data deleted', visibleToCustomer: false }];
};

/**
 * Captures or voids the order's authorization at the gateway that made it (orders from before
 * gateways were recorded were the sandbox's); the key makes a repeated call (a re-decision) safe.
 * A gateway that stays unavailable is an answer too: the caller decides what it means.
 */
const settle = async (deps: OrderActionDeps, order: Order, kind: 'capture' | 'void'): Promise<SettlementResult> => {
  const request: SettlementRequest = {
    idempotencyKey: `${order.id}.${kind}`,
    transactionId: order.payment.transactionId ?? '',
    amountCents: order.totals.totalCents,
    currency: order.currency,
  };
  const gateway = deps.gatewayFor(order.payment.gateway ?? 'sandbox');
  try {
    return await gateway[kind](request);
  } catch (error) {
    if (error instanceof GatewayUnavailable) return { ok: false, reason: 'gateway_unavailable' };
    throw error;
  }
};

/** OFFLINE_PENDING → ORDER_PLACED after the card was charged by hand in the virtual terminal: "Approved (M)". */
export const approveOrder = async (
  deps: OrderActionDeps,
  action: StaffRequest,
  input: { readonly authorizationCode: string; readonly note?: string | null },
): Promise<Order> => {
  const approved = await applyAction(deps, action, async (order) => {
    assertCan(order, 'approve');
    const purged = await purgeHeldCard(deps, order, action.actor);
    const now = deps.clock.now();
    const receipt = queueEmails(order, ['payment_receipt'], now);
    return transition(
      order,
      'approve',
      { payment: { ...order.payment, status: 'APPROVED_MANUAL', authorizationCode: input.authorizationCode }, heldCard: null, ...receipt.changes },
      [
        {
          type: 'payment_approved',
          actor: action.actor,
          message: `Approved (M): charged in the virtual terminal, authorization ${input.authorizationCode}${input.note ? ` — ${input.note}` : ''}`,
          visibleToCustomer: false,
          data: { authorizationCode: input.authorizationCode, ...(input.note ? { note: input.note } : {}) },
        },
        ...purged,
        { type: 'status', actor: action.actor, message: 'Payment received; order placed', visibleToCustomer: true },
        ...receipt.entries,
      ],
      now,
    );
  });
  await announcePlacement(deps, approved);
  return reload(deps, approved.id);
};

/** What a charge of a held card came to: the order as stored, and what the customer would be told of a decline. */
export type ChargeResult =
  | { readonly approved: true; readonly order: Order }
  | { readonly approved: false; readonly order: Order; readonly declineReason: DeclineReason };

const chargeMessage = (gateway: GatewayName, result: AuthorizationResult | null) =>
  result === null
    ? `Held card not charged: the ${gateway} gateway did not answer`
    : result.approved
      ? `Held card charged through ${gateway}, authorization ${result.authorizationCode}`
      : `Held card declined by ${gateway}: ${result.gatewayCode}`;

/**
 * OFFLINE_PENDING: charges the held card (held without CVC) through the configured gateway
 * (SPEC §4.2). Approved: ORDER_PLACED with the payment AUTHORIZED and the gateway's ids, the card
 * purged, a payment receipt and OrderPlaced. Declined, or no answer: still OFFLINE_PENDING with
 * the card kept and the attempt on the timeline. The attempt number keys the gateway call, so two
 * admins charging at once send one key (one authorization), and an attempt the gateway did not
 * answer is asked again with the same key.
 */
export const chargeHeldCard = async (deps: OrderActionDeps, action: StaffRequest): Promise<ChargeResult> => {
  const order = await deps.orders.get(action.orderId);
  if (!order) throw notFound();
  if (action.expectedVersion !== null && order.version !== action.expectedVersion) throw preconditionFailed(order);
  assertCan(order, 'charge');
  const now = deps.clock.now();
  const held = order.heldCard && cardIsHeld(order, now) ? await deps.vault.readHeld(order.id, order.heldCard.ref, now) : null;
  if (!held) throw new AppError('no_card_on_file', 'No card is held for this order.');
  const attempt = order.payment.attempt + 1;
  const gateway = deps.gateway.name;
  let result: AuthorizationResult | null = null;
  try {
    result = await deps.gateway.authorize({
      idempotencyKey: `${order.id}.${attempt}`,
      amountCents: order.totals.totalCents,
      currency: order.currency,
      card: { number: held.number, expMonth: held.expMonth, expYear: held.expYear, holderName: held.holderName },
    });
  } catch (error) {
    if (!(error instanceof GatewayUnavailable)) throw error;
  }
  const declineReason: DeclineReason | null = result === null ? 'gateway_unavailable' : result.approved ? null : result.declineReason;
  let charged = false;
  const stored = await updateOrder(deps.orders, order.id, async (current) => {
    charged = false;
    // A concurrent charge with the same key already recorded the gateway's (same) answer.
    if (current.payment.decision?.attempt === attempt) return null;
    assertCan(current, 'charge');
    const entry: Entry = {
      type: 'card_charged',
      actor: action.actor,
      message: chargeMessage(gateway, result),
      visibleToCustomer: false,
      data: {
        attempt,
        approved: result?.approved === true,
        gateway,
        ...(declineReason ? { declineReason, gatewayCode: result && !result.approved ? result.gatewayCode : 'gateway_unavailable' } : {}),
      },
    };
    charged = true;
    if (result === null) return record(current, {}, [entry], deps.clock.now());
    const decided = { ...current.payment, attempt, decision: { attempt, approved: result.approved }, gateway };
    if (!result.approved) {
      return transition(
        current,
        'charge',
        { payment: { ...decided, declineReason: result.declineReason, gatewayCode: result.gatewayCode } },
        [entry],
        deps.clock.now(),
      );
    }
    const purged = await purgeHeldCard(deps, current, action.actor);
    const now = deps.clock.now();
    const receipt = queueEmails(current, ['payment_receipt'], now);
    return transition(
      current,
      'charge',
      {
        payment: authorizedPayment(decided, result),
        heldCard: null,
        ...(gateway === 'sandbox' ? { testMode: true } : {}),
        ...receipt.changes,
      },
      [entry, ...purged, { type: 'status', actor: action.actor, message: 'Payment received; order placed', visibleToCustomer: true }, ...receipt.entries],
      now,
    );
  });
  if (declineReason) return { approved: false, order: stored, declineReason };
  if (charged) await announcePlacement(deps, stored);
  return { approved: true, order: await reload(deps, stored.id) };
};

/** Ships with a tracking number; an authorized card is captured first (nothing ships on a refused capture). */
export const shipOrder = async (
  deps: MailingActionDeps,
  action: StaffRequest,
  input: { readonly carrier: string; readonly trackingNumber: string; readonly notifyCustomer: boolean },
): Promise<Order> => {
  const shipment = { carrier: input.carrier, trackingNumber: input.trackingNumber, shippedAt: deps.clock.now().toISOString() };
  const shipped = await applyAction(deps, action, async (order) => {
    assertCan(order, 'ship');
    const entries: Entry[] = [];
    let payment = order.payment;
    if (payment.status === 'AUTHORIZED') {
      const capture = await settle(deps, order, 'capture');
      if (!capture.ok) throw new AppError('conflict', `The payment could not be captured (${capture.reason}); the order was not shipped.`);
      payment = { ...payment, status: 'CAPTURED' };
      entries.push({
        type: 'payment_captured',
        actor: action.actor,
        message: `Payment of ${formatMoney(order.totals.totalCents, order.currency)} captured`,
        visibleToCustomer: false,
        data: { reference: capture.reference, amountCents: order.totals.totalCents },
      });
    }
    entries.push({
      type: 'shipped',
      actor: action.actor,
      message: `Shipped with ${input.carrier}, tracking number ${input.trackingNumber}`,
      visibleToCustomer: true,
      data: { carrier: input.carrier, trackingNumber: input.trackingNumber },
    });
    return transition(order, 'ship', { payment, shipments: [...order.shipments, shipment] }, entries, deps.clock.now());
  });
  if (input.notifyCustomer) {
    await email(deps, shipped, 'shipping_notice', (settings, trackUrl) => shippingNotice(shipped, shipped.shipments.at(-1)!, settings, trackUrl));
  }
  return reload(deps, shipped.id);
};

export const completeOrder = (deps: OrderActionDeps, action: StaffRequest): Promise<Order> =>
  applyAction(deps, action, (order) =>
    transition(order, 'complete', {}, [{ type: 'status', actor: action.actor, message: 'Order completed', visibleToCustomer: true }], deps.clock.now()),
  );

/** Purchase orders: records the invoice sent after shipping. */
export const invoiceOrder = (deps: OrderActionDeps, action: StaffRequest, input: { readonly invoiceNumber: string }): Promise<Order> =>
  applyAction(deps, action, (order) =>
    transition(
      order,
      'invoice',
      { payment: { ...order.payment, status: 'INVOICED', invoiceNumber: input.invoiceNumber } },
      [
        {
          type: 'invoiced',
          actor: action.actor,
          message: `Invoice ${input.invoiceNumber} issued`,
          visibleToCustomer: true,
          data: { invoiceNumber: input.invoiceNumber },
        },
      ],
      deps.clock.now(),
    ),
  );

/** Purchase orders: the invoice is paid; COMPLETED if already dispatched, else on to fulfillment (IN_PROCESS). */
export const markOrderPaid = (deps: OrderActionDeps, action: StaffRequest, input: { readonly reference: string }): Promise<Order> =>
  applyAction(deps, action, (order) =>
    transition(
      order,
      'markPaid',
      { payment: { ...order.payment, status: 'PAID' } },
      [{ type: 'paid', actor: action.actor, message: 'Payment received', visibleToCustomer: true, data: { reference: input.reference } }],
      deps.clock.now(),
    ),
  );

/**
 * Cancels an open order: the held card is deleted with the transition; once it is stored the
 * stock is returned (unless the goods left) and an authorization voided, each recorded once.
 */
export const cancelOrder = async (
  deps: MailingActionDeps,
  action: StaffRequest,
  input: { readonly reason: string; readonly notifyCustomer: boolean },
): Promise<Order> => {
  const cancelled = await applyAction(deps, action, async (order) => {
    assertCan(order, 'cancel');
    const purged = await purgeHeldCard(deps, order, action.actor);
    return transition(
      order,
      'cancel',
      { heldCard: null },
      [...purged, { type: 'status', actor: action.actor, message: 'Order canceled', visibleToCustomer: true, data: { reason: input.reason } }],
      deps.clock.now(),
    );
  });

  // CANCELLED is final, so these decisions cannot change between attempts.
  await followUp(deps, cancelled.id, async (order) => {
    if (!order.stock.reserved || order.shipments.length > 0) return null;
    return {
      changes: { stock: await releaseOrderStock(deps.catalog, order) },
      entries: [{ type: 'stock_released', actor: action.actor, message: 'Reserved stock returned to the catalog', visibleToCustomer: false }],
    };
  });
  await followUp(deps, cancelled.id, async (order) => {
    if (order.payment.status !== 'AUTHORIZED') return null;
    const voided = await settle(deps, order, 'void');
    return voided.ok
      ? {
          changes: { payment: { ...order.payment, status: 'VOIDED' } },
          entries: [
            {
              type: 'payment_voided',
              actor: action.actor,
              message: 'Card authorization voided',
              visibleToCustomer: false,
              data: { reference: voided.reference },
            },
          ],
        }
      : {
          changes: {},
          entries: [
            {
              type: 'payment_void_failed',
              actor: action.actor,
              message: `The gateway did not void the authorization (${voided.reason}); it will lapse uncaptured`,
              visibleToCustomer: false,
              data: { reason: voided.reason },
            },
          ],
        };
  });
  if (input.notifyCustomer) {
    const current = await reload(deps, cancelled.id);
    await email(deps, current, 'cancellation_notice', (settings, trackUrl) => cancellationNotice(current, settings, trackUrl));
  }
  return reload(deps, cancelled.id);
};

/** A comment on the timeline, optionally shown to (and emailed to) the customer. */
export const addNote = async (
  deps: MailingActionDeps,
  action: StaffRequest,
  input: { readonly message: string; readonly visibleToCustomer: boolean; readonly notifyCustomer: boolean },
): Promise<Order> => {
  if (input.notifyCustomer && !input.visibleToCustomer) {
    throw new AppError('validation_failed', 'The request is invalid.', [
      { path: 'notifyCustomer', message: 'only a note visible to the customer can be emailed to them' },
    ]);
  }
  const noted = await applyAction(deps, action, (order) =>
    transition(
      order,
      'note',
      {},
      [
        {
          type: 'note',
          actor: action.actor,
          message: input.message,
          visibleToCustomer: input.visibleToCustomer,
          data: { notifyCustomer: input.notifyCustomer },
        },
      ],
      deps.clock.now(),
    ),
  );
  if (!input.notifyCustomer) return noted;
  await email(deps, noted, 'customer_note', (settings, trackUrl) => customerNote(noted, input.message, settings, trackUrl));
  return reload(deps, noted.id);
};

/** Prices an evaluation order; the customer accepts (a new priced order) or rejects from the quote email. */
export const quoteOrder = async (
  deps: MailingActionDeps,
  action: StaffRequest,
  input: { readonly amountCents: number; readonly description: string },
): Promise<Order> => {
  const quote = { amountCents: input.amountCents, description: input.description, quotedAt: deps.clock.now().toISOString() };
  const quoted = await applyAction(deps, action, (order) =>
    transition(
      order,
      'quote',
      { quote },
      [
        {
          type: 'quote',
          actor: action.actor,
          message: `Quote sent: ${formatMoney(quote.amountCents, order.currency)} — ${quote.description}`,
          visibleToCustomer: true,
          data: { amountCents: quote.amountCents },
        },
      ],
      deps.clock.now(),
    ),
  );
  const settings = await deps.settings.get();
  const links = {
    accept: deps.links.quoteDecision(quoted.id, quoted.trackingToken, 'accept'),
    reject: deps.links.quoteDecision(quoted.id, quoted.trackingToken, 'reject'),
  };
  await sendAndRecord(deps, quoted, 'quote', settings.fromEmail, quoteOffer(quoted, quote, settings, links));
  return reload(deps, quoted.id);
};
