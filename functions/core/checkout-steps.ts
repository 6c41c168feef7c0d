import { publishesOrderPlaced, publishOrderPlaced, queueHandOff } from './fulfillment.js';
import type { NewHistoryEntry } from './history.js';
import { actors } from './history.js';
import type { Order, Payment } from './order.js';
import { issuePayLink } from './pay-link.js';
import { authorizedPayment, declineMessages } from './payments.js';
import {
  type AuthorizationResult,
  type CardVault,
  type Catalog,
  type Clock,
  type Links,
  type OrderEvents,
  type OrderRepository,
  type PaymentGateway,
  type SettingsStore,
  type StockReservation,
  workflowErrorNames,
} from './ports.js';
import { announceEmails, queueEmails, receiptKinds } from './receipts.js';
import { releaseOrderStock, reserveOrderStock } from './stock.js';
import { nextStatus, type OrderAction, record, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * The checkout workflow's task steps (SPEC §6). What a step learned travels to the next in the
 * execution state (ids and small facts, never card data); each step that writes re-reads the
 * order and writes it once, so that running a step twice changes nothing the second time.
 */
export interface StepDeps {
  readonly orders: OrderRepository;
  readonly catalog: Catalog;
  readonly settings: SettingsStore;
  readonly vault: CardVault;
  readonly gateway: PaymentGateway;
  readonly links: Links;
  readonly clock: Clock;
  readonly events: OrderEvents;
}

/** The workflow's answer when the gateway could not answer after its retries. */
export interface GatewayUnavailableOutcome {
  readonly approved: false;
  readonly declineReason: 'gateway_unavailable';
}

/** The execution state each step receives: ids and earlier step results, never card data. */
export interface CheckoutState {
  readonly orderId: string;
  readonly cardRef: string | null;
  readonly onDecline: 'ask' | 'offline';
  readonly attempt: number;
  readonly reservation?: StockReservation;
  readonly authorization?: AuthorizationResult | GatewayUnavailableOutcome;
}

/** How an order whose payment is settled (or not needed) is placed, by payment method. */
const placements = {
  card: 'authorizationApproved',
  purchase_order: 'placePurchaseOrder',
  recorded: 'recordPaidOrder',
  none: 'placeEvaluation',
} as const satisfies Record<Order['payment']['method'], OrderAction>;

const fromGateway = (authorization: CheckoutState['authorization']): authorization is AuthorizationResult =>
  !!authorization && ('authorizationCode' in authorization || 'gatewayCode' in authorization);

/**
 * An outcome step's answer: the status it left, and the order as written, so that the API can
 * answer without reading it again. An order too large to travel in the execution state (many
 * attempts and notes) is read again instead.
 */
export interface Placement {
  readonly status: Order['status'];
  readonly order?: Order;
}

/** Well under the 256 KB a Step Functions payload may hold, even in multi-byte characters. */
const maxCarriedOrderChars = 32 * 1024;

const placementOf = (order: Order): Placement =>
  JSON.stringify(order).length <= maxCarriedOrderChars ? { status: order.status, order } : { status: order.status };

export const createCheckoutSteps = (deps: StepDeps) => {
  const now = () => deps.clock.now();

  /** The gateway's answer to this attempt as the order records it, with its timeline entry. */
  const decidedPayment = (order: Order, state: CheckoutState): { payment: Payment; entries: NewHistoryEntry[]; testMode?: true } => {
    const result = state.authorization;
    if (!fromGateway(result) || order.payment.decision?.attempt === state.attempt) return { payment: order.payment, entries: [] };
    const decided = {
      ...order.payment,
      decision: { attempt: state.attempt, approved: result.approved },
      gateway: deps.gateway.name,
    };
    const payment: Payment = result.approved
      ? authorizedPayment(decided, result)
      : { ...decided, status: 'DECLINED', declineReason: result.declineReason, gatewayCode: result.gatewayCode };
    const entry: NewHistoryEntry = {
      type: 'payment_attempt',
      actor: actors.system,
      message: result.approved ? `Card authorized (attempt ${state.attempt})` : `Card declined: ${result.gatewayCode} (attempt ${state.attempt})`,
      visibleToCustomer: false,
      data: {
        attempt: state.attempt,
        approved: result.approved,
        gateway: deps.gateway.name,
        ...(result.approved ? {} : { declineReason: result.declineReason, gatewayCode: result.gatewayCode }),
      },
    };
    // An order the sandbox answered moves no money: it is marked so (SPEC §11).
    return { payment, entries: [entry], ...(deps.gateway.name === 'sandbox' ? { testMode: true as const } : {}) };
  };

  const announce = (order: Order) => announceEmails(deps, order);

  const steps = {
    async reserveStock(state: CheckoutState): Promise<StockReservation> {
      const order = await deps.orders.get(state.orderId);
      if (!order) throw new Error('order not found');
      const facts = { paymentMethod: order.payment.method, amountCents: order.totals.totalCents, currency: order.currency };
      if (order.stock.reserved) return { reserved: true, outOfStock: [], ...facts };
      const reservation = await reserveOrderStock(deps.catalog, order);
      if (!reservation.ok) return { reserved: false, outOfStock: reservation.shortSkus, ...facts };
      await updateOrder(deps.orders, order.id, (current) =>
        current.stock.reserved ? null : record(current, { stock: { ...current.stock, reserved: true } }, [], now()),
      );
      return { reserved: true, outOfStock: [], ...facts };
    },

    /**
     * Asks the gateway; the answer travels to the outcome step, which records it with the
     * transition. A re-run sends the same idempotency key, so the gateway answers it once.
     * A card that did not go through is held (without its CVC) for the outcome step to keep:
     * only this step ever opens a CVC, and an approved card is never held.
     */
    async authorizePayment(state: CheckoutState): Promise<AuthorizationResult> {
      const charge = state.reservation;
      if (!charge) throw new Error('no reservation in the checkout state');
      const cardRef = state.cardRef;
      const card = cardRef ? await deps.vault.read(state.orderId, cardRef, now()) : null;
      if (!cardRef || !card) throw new Error('card not in vault');
      const hold = () => deps.vault.holdAttemptCard(state.orderId, cardRef, card);
      try {
        const result = await deps.gateway.authorize({
          idempotencyKey: `${state.orderId}.${state.attempt}`,
          amountCents: charge.amountCents,
          currency: charge.currency,
          card,
        });
        if (!result.approved) await hold();
        return result;
      } catch (error) {
        // The name the workflow's retry and catch match: once they give up, an outcome step keeps the card.
        if ((error as Error).name === workflowErrorNames.gatewayUnavailable) await hold();
        throw error;
      }
    },

    async placeOrder(state: CheckoutState): Promise<Placement> {
      const settings = await deps.settings.get();
      let wrote = false;
      const placed = await updateOrder(
        deps.orders,
        state.orderId,
        (order) => {
          wrote = order.status === 'INCOMPLETE';
          if (!wrote) return null;
          const method = order.payment.method;
          const decided = decidedPayment(order, state);
          const payment = method === 'recorded' ? { ...decided.payment, status: 'APPROVED_MANUAL' as const } : decided.payment;
          const placedStatus = nextStatus({ ...order, payment }, placements[method]);
          // One instant per write: the hand-off counts as queued only from the status's own start.
          const at = now();
          const handOff = queueHandOff(order, placedStatus, at);
          const emails = queueEmails(order, receiptKinds(placedStatus, settings), at);
          return transition(
            order,
            placements[method],
            { heldCard: null, payment, ...(decided.testMode ? { testMode: true } : {}), ...handOff.changes, ...emails.changes },
            [
              ...decided.entries,
              { type: 'status', actor: actors.system, message: 'Order placed', visibleToCustomer: true },
              ...handOff.entries,
              ...emails.entries,
            ],
            at,
          );
        },
        undefined,
        state.cardRef ? deps.vault.purgeWrites(state.orderId, state.cardRef) : [],
      );
      // An authorized card has done its job: nothing is held once the order is placed (purged
      // with the placing write; an order placed by an earlier run, or no longer to place, here).
      if (state.cardRef && !wrote) await deps.vault.purge(state.orderId, state.cardRef);
      if (!wrote) return placementOf(placed);
      // OrderPlaced starts the fulfillment hand-off and the receipt (the mail rule takes it too,
      // contract/order-events.ts), published by the run that placed the order: one EventBridge
      // call on the customer's wait. An order placed with no hand-off to start announces its emails.
      if (publishesOrderPlaced(placed)) return placementOf(await publishOrderPlaced(deps, placed));
      await announce(placed);
      return placementOf(placed);
    },

    async holdCardOffline(state: CheckoutState): Promise<Placement> {
      if (!state.cardRef) throw new Error('no card to hold');
      const cardRef = state.cardRef;
      // An offline order's card stays held until staff charge, approve or cancel it (no expiry).
      if (!(await deps.vault.keepWithoutCvc(state.orderId, cardRef, null, now()))) throw new Error('card hold expired');
      const settings = await deps.settings.get();
      let wrote = false;
      // The reservation made at creation carries over: a held order keeps its stock.
      const held = await updateOrder(deps.orders, state.orderId, (order) => {
        wrote = order.status === 'INCOMPLETE';
        if (!wrote) return null;
        const decided = decidedPayment(order, state);
        const at = now();
        const emails = queueEmails(order, receiptKinds('OFFLINE_PENDING', settings), at);
        return transition(
          order,
          'holdOffline',
          {
            payment: { ...decided.payment, status: 'OFFLINE', declineReason: declineReasonOf(state) },
            ...(decided.testMode ? { testMode: true } : {}),
            heldCard: { ref: cardRef, heldAt: at.toISOString(), expiresAt: null },
            ...emails.changes,
          },
          [
            ...decided.entries,
            { type: 'status', actor: actors.system, message: 'Order received; the payment will be processed offline', visibleToCustomer: true },
            ...emails.entries,
          ],
          at,
        );
      });
      if (wrote) await announce(held);
      return placementOf(held);
    },

    async markIncomplete(state: CheckoutState): Promise<Placement> {
      const settings = await deps.settings.get();
      const expiresAt = new Date(now().getTime() + settings.offlineHoldMinutes * 60_000);
      const kept = state.cardRef ? await deps.vault.keepWithoutCvc(state.orderId, state.cardRef, expiresAt, now()) : false;
      const marked = await updateOrder(deps.orders, state.orderId, async (order) => {
        if (order.status !== 'INCOMPLETE' || (order.payment.status === 'DECLINED' && !order.stock.reserved)) return null;
        const reason = declineReasonOf(state);
        const decided = decidedPayment(order, state);
        // The customer was asked (402 with the next actions): they get a link to pay later too, off their wait.
        const asked = state.onDecline === 'ask' && !!state.cardRef;
        const at = now();
        const emails = asked ? queueEmails(order, ['pay_link'], at) : { changes: {}, entries: [] };
        return transition(
          order,
          'authorizationDeclined',
          {
            stock: await releaseOrderStock(deps.catalog, order),
            payment: { ...decided.payment, status: 'DECLINED', declineReason: reason },
            ...(decided.testMode ? { testMode: true } : {}),
            heldCard: kept ? { ref: state.cardRef!, heldAt: at.toISOString(), expiresAt: expiresAt.toISOString() } : null,
            ...(asked ? { payLink: issuePayLink(order, settings, at) } : {}),
            ...emails.changes,
          },
          [
            ...decided.entries,
            { type: 'status', actor: actors.system, message: `Payment not completed: ${declineMessages[reason]}`, visibleToCustomer: true },
            ...emails.entries,
          ],
          at,
        );
      });
      await announce(marked);
      return placementOf(marked);
    },

    async compensateCheckout(state: CheckoutState) {
      if (state.cardRef) await deps.vault.purge(state.orderId, state.cardRef);
      await updateOrder(deps.orders, state.orderId, async (order) => {
        if (order.status !== 'INCOMPLETE') return null;
        if (!order.stock.reserved && order.payment.declineReason === 'internal') return null;
        return transition(
          order,
          'checkoutFailed',
          { stock: await releaseOrderStock(deps.catalog, order), heldCard: null, payment: { ...order.payment, declineReason: 'internal' } },
          [{ type: 'checkout_failed', actor: actors.system, message: 'Checkout failed unexpectedly; stock released', visibleToCustomer: false }],
          now(),
        );
      });
      return { compensated: true };
    },
  };

  return steps;
};

const declineReasonOf = (state: CheckoutState) => (state.authorization && !state.authorization.approved ? state.authorization.declineReason : 'card_declined');
