import type * as z from 'zod/mini';
import {
  addNote,
  approveOrder,
  cancelOrder,
  completeOrder,
  invoiceOrder,
  markOrderPaid,
  quoteOrder,
  shipOrder,
  type StaffRequest,
} from '../core/admin/order-actions.js';
import { awaitsHandOff, enterFulfillmentManually, type FulfillmentDeps, retryFulfillment } from '../core/fulfillment.js';
import type { StaffRole } from '../core/admin/staff.js';
import type { OrderAction } from '../core/transitions.js';
import type { Order } from '../core/order.js';
import { actionBodies } from './schemas.js';

/**
 * `POST /admin/orders/{id}/{action}`: each action is one entry, its body schema and its use
 * case. Adding an action (e.g. the fulfillment hand-off's `fulfillment-retry`) is adding an entry.
 */
export interface OrderActionDefinition<Deps, Schema extends z.core.$ZodType = z.core.$ZodType> {
  readonly body: Schema;
  /** What staff read on the button; the form's fields come from `body`. */
  readonly label: string;
  /** The order process row it applies: offered only from the statuses that row starts from. */
  readonly process: OrderAction;
  /** Who may run it (default: any staff member). */
  readonly role?: StaffRole;
  /** Beyond the status, what the order must be in for the action to make sense. */
  readonly available?: (order: Order, now: Date) => boolean;
  run(deps: Deps, action: StaffRequest, input: z.output<Schema>): Promise<Order>;
}

const versionOption = (staff: StaffRequest) => (staff.expectedVersion === null ? {} : { expectedVersion: staff.expectedVersion });

const action = <Deps, Schema extends z.core.$ZodType>(definition: OrderActionDefinition<Deps, Schema>) => definition;

export const orderActions = {
  approve: action({ body: actionBodies.approve, label: 'Approve (M)', process: 'approve', run: approveOrder }),
  ship: action({ body: actionBodies.ship, label: 'Ship', process: 'ship', run: shipOrder }),
  complete: action({ body: actionBodies.complete, label: 'Complete', process: 'complete', run: completeOrder }),
  invoice: action({ body: actionBodies.invoice, label: 'Record invoice', process: 'invoice', run: invoiceOrder }),
  'mark-paid': action({ body: actionBodies.markPaid, label: 'Mark paid', process: 'markPaid', run: markOrderPaid }),
  quote: action({ body: actionBodies.quote, label: 'Send quote', process: 'quote', run: quoteOrder }),
  'fulfillment-retry': action({
    body: actionBodies.fulfillmentRetry,
    label: 'Retry hand-off',
    process: 'fulfillmentAccepted',
    available: awaitsHandOff,
    run: (deps: FulfillmentDeps, staff) => retryFulfillment(deps, staff.orderId, staff.actor, versionOption(staff)),
  }),
  'fulfillment-manual': action({
    body: actionBodies.fulfillmentManual,
    label: 'Entered in fulfillment by hand',
    process: 'fulfillmentManual',
    run: (deps: FulfillmentDeps, staff, input) => enterFulfillmentManually(deps, staff.orderId, input.externalRef, staff.actor, versionOption(staff)),
  }),
  cancel: action({ body: actionBodies.cancel, label: 'Cancel order', process: 'cancel', run: cancelOrder }),
  notes: action({ body: actionBodies.note, label: 'Add note', process: 'note', run: addNote }),
};

export type OrderActionName = keyof typeof orderActions;

export const isOrderAction = (name: string): name is OrderActionName => Object.hasOwn(orderActions, name);
