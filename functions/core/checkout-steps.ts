import { announceOrderPlaced } from './fulfillment.js';
import type { Order } from './order.js';
import { type AuthorizationResult, type CardVault, type Catalog, type Clock, type Links, type Mailer, type OrderEvents, type OrderRepository, type PaymentGateway, ReceiptNotSent, type SettingsStore } from './ports.js';
import { sendOrderReceipts } from './receipts.js';
import { releaseOrderStock, reserveOrderStock } from './stock.js';
import { actors } from './history.js';
import { type OrderAction, record, transition } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * The checkout workflow's task steps (SPEC §6). Each reads the order by id, acts, and records
 * the result on the order, so that running a step twice changes nothing the second time.
 */
export interface StepDeps {
  readonly orders: OrderRepository;
  readonly catalog: Catalog;
  readonly settings: SettingsStore;
  readonly vault: CardVault;
  readonly gateway: PaymentGateway;
  readonly mailer: Mailer;
  readonly links: Links;
  readonly clock: Clock;
  readonly events: OrderEvents;
}

/** The execution state each step receives: ids and earlier step results, never card data. */
export interface CheckoutState {
  readonly orderId: string;
  readonly cardRef: string | null;
  readonly onDecline: 'ask' | 'offline';
  readonly attempt: number;
  readonly authorization?: AuthorizationResult;
}

/** How an order whose payment is settled (or not needed) is placed, by payment method. */
const placements = {
  card: 'authorizationApproved',
  purchase_order: 'placePurchaseOrder',
  recorded: 'recordPaidOrder',
  none: 'placeEvaluation',
} as const satisfies Record<Order['payment']['method'], OrderAction>;

export const createCheckoutSteps = (deps: StepDeps) => {
  const now = () => deps.clock.now();
  const holdUntil = async () => new Date(now().getTime() + (await deps.settings.get()).offlineHoldMinutes * 60_000);

  const steps = {
    async reserveStock(state: CheckoutState) {
      const order = await deps.orders.get(state.orderId);
      if (!order) throw new Error('order not found');
      const paymentMethod = order.payment.method;
      if (order.stock.reserved) return { reserved: true, paymentMethod, outOfStock: [] };
      const reservation = await reserveOrderStock(deps.catalog, order);
      if (!reservation.ok) return { reserved: false, paymentMethod, outOfStock: reservation.shortSkus };
      await updateOrder(deps.orders, order.id, (current) =>
        current.stock.reserved ? null : record(current, { stock: { ...current.stock, reserved: true } }, [], now()),
      );
      return { reserved: true, paymentMethod, outOfStock: [] };
    },

    async authorizePayment(state: CheckoutState): Promise<AuthorizationResult> {
      const order = await deps.orders.get(state.orderId);
      if (!order) throw new Error('order not found');
      const recorded = recordedAuthorization(order, state.attempt);
      if (recorded) return recorded;
      const card = state.cardRef ? await deps.vault.read(order.id, state.cardRef, now()) : null;
      if (!card) throw new Error('card not in vault');
      const result = await deps.gateway.authorize({
        idempotencyKey: `${order.id}.${state.attempt}`,
        amountCents: order.totals.totalCents,
        currency: order.currency,
        card,
      });
      await updateOrder(deps.orders, order.id, (current) => {
        if (recordedAuthorization(current, state.attempt)) return null;
        const decided = { ...current.payment, decision: { attempt: state.attempt, approved: result.approved }, gateway: deps.gateway.name };
        const payment = result.approved
          ? { ...decided, status: 'AUTHORIZED' as const, authorizationCode: result.authorizationCode, transactionId: result.transactionId, declineReason: null, gatewayCode: null }
          : { ...decided, status: 'DECLINED' as const, declineReason: result.declineReason, gatewayCode: result.gatewayCode };
        return record(
          current,
          { payment, ...(deps.gateway.name === 'sandbox' ? { testMode: true } : {}) },
          [
            {
              type: 'payment_attempt',
              actor: actors.system,
              message: result.approved
                ? `Card authorized (attempt ${state.attempt})`
                : `Card declined: ${result.gatewayCode} (attempt ${state.attempt})`,
              visibleToCustomer: false,
              data: {
                attempt: state.attempt,
                approved: result.approved,
                gateway: deps.gateway.name,
                ...(result.approved ? {} : { declineReason: result.declineReason, gatewayCode: result.gatewayCode }),
              },
            },
          ],
          now(),
        );
      });
      return result;
    },

    async placeOrder(state: CheckoutState) {
      const placed = await updateOrder(deps.orders, state.orderId, (order) => {
        if (order.status !== 'INCOMPLETE') return null;
        const method = order.payment.method;
        const payment = method === 'recorded' ? { ...order.payment, status: 'APPROVED_MANUAL' as const } : order.payment;
        return transition(
          order,
          placements[method],
          { heldCard: null, payment },
          [{ type: 'status', actor: actors.system, message: 'Order placed', visibleToCustomer: true }],
          now(),
        );
      });
      // An authorized card has done its job: nothing is held once the order is placed.
      if (state.cardRef) await deps.vault.purge(state.orderId, state.cardRef);
      // OrderPlaced starts the fulfillment hand-off; published once, and never fails the order.
      await announceOrderPlaced(deps, state.orderId);
      return { status: placed.status };
    },

    async holdCardOffline(state: CheckoutState) {
      if (!state.cardRef) throw new Error('no card to hold');
      const cardRef = state.cardRef;
      // An offline order's card stays held until staff charge, approve or cancel it (no expiry).
      if (!(await deps.vault.keepWithoutCvc(state.orderId, cardRef, null, now()))) throw new Error('card hold expired');
      // The reservation made by reserveStock carries over: a held order keeps its stock.
      const held = await updateOrder(deps.orders, state.orderId, (order) => {
        if (order.status !== 'INCOMPLETE') return null;
        return transition(
          order,
          'holdOffline',
          {
            payment: { ...order.payment, status: 'OFFLINE', declineReason: declineReasonOf(state) },
            heldCard: { ref: cardRef, heldAt: now().toISOString(), expiresAt: null },
          },
          [{ type: 'status', actor: actors.system, message: 'Order received; the payment will be processed offline', visibleToCustomer: true }],
          now(),
        );
      });
      return { status: held.status };
    },

    async markIncomplete(state: CheckoutState) {
      const expiresAt = await holdUntil();
      const kept = state.cardRef ? await deps.vault.keepWithoutCvc(state.orderId, state.cardRef, expiresAt, now()) : false;
      const marked = await updateOrder(deps.orders, state.orderId, async (order) => {
        if (order.status !== 'INCOMPLETE' || (order.payment.status === 'DECLINED' && !order.stock.reserved)) return null;
        const reason = declineReasonOf(state);
        return transition(
          order,
          'authorizationDeclined',
          {
            stock: await releaseOrderStock(deps.catalog, order),
            payment: { ...order.payment, status: 'DECLINED', declineReason: reason },
            heldCard: kept ? { ref: state.cardRef!, heldAt: now().toISOString(), expiresAt: expiresAt.toISOString() } : null,
          },
          [{ type: 'status', actor: actors.system, message: `Payment not completed (${reason}); the order is incomplete`, visibleToCustomer: true }],
          now(),
        );
      });
      return { status: marked.status };
    },

    /**
     * Sends the receipt once; it never fails the order. Each failure is on the timeline; throwing
     * lets the workflow retry a little later (only the emails not yet sent go again), then finish.
     */
    async sendReceipt(state: CheckoutState) {
      const order = await deps.orders.get(state.orderId);
      if (!order) throw new Error('order not found');
      if (!(await sendOrderReceipts(deps, order))) throw new ReceiptNotSent(`receipt for ${order.id} not sent`);
      return { sent: true };
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

const declineReasonOf = (state: CheckoutState) =>
  state.authorization && !state.authorization.approved ? state.authorization.declineReason : 'card_declined';

/** The gateway's answer to `attempt` as the order recorded it, if the attempt was decided. */
const recordedAuthorization = (order: Order, attempt: number): AuthorizationResult | null => {
  const { payment } = order;
  if (payment.decision?.attempt !== attempt) return null;
  return !payment.decision.approved
    ? { approved: false, declineReason: payment.declineReason === 'internal' || !payment.declineReason ? 'card_declined' : payment.declineReason, gatewayCode: payment.gatewayCode ?? '' }
    : { approved: true, authorizationCode: payment.authorizationCode ?? '', transactionId: payment.transactionId ?? '' };
};
