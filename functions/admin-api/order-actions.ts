import type { z } from 'zod';
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
import { enterFulfillmentManually, type FulfillmentDeps, retryFulfillment } from '../core/fulfillment.js';
import type { Order } from '../core/order.js';
import { actionBodies } from './schemas.js';

/**
 * `POST /admin/orders/{id}/{action}`: each action is one entry, its body schema and its use
 * case. Adding an action (e.g. the fulfillment hand-off's `fulfillment-retry`) is adding an entry.
 */
export interface OrderActionDefinition<Deps, Schema extends z.ZodType = z.ZodType> {
  readonly body: Schema;
  run(deps: Deps, action: StaffRequest, input: z.infer<Schema>): Promise<Order>;
}

const versionOption = (staff: StaffRequest) => (staff.expectedVersion === null ? {} : { expectedVersion: staff.expectedVersion });

const action = <Deps, Schema extends z.ZodType>(definition: OrderActionDefinition<Deps, Schema>) => definition;

export const orderActions = {
  approve: action({ body: actionBodies.approve, run: approveOrder }),
  ship: action({ body: actionBodies.ship, run: shipOrder }),
  complete: action({ body: actionBodies.complete, run: completeOrder }),
  invoice: action({ body: actionBodies.invoice, run: invoiceOrder }),
  'mark-paid': action({ body: actionBodies.markPaid, run: markOrderPaid }),
  cancel: action({ body: actionBodies.cancel, run: cancelOrder }),
  notes: action({ body: actionBodies.note, run: addNote }),
  quote: action({ body: actionBodies.quote, run: quoteOrder }),
  'fulfillment-retry': action({
    body: actionBodies.fulfillmentRetry,
    run: (deps: FulfillmentDeps, staff) => retryFulfillment(deps, staff.orderId, staff.actor, versionOption(staff)),
  }),
  'fulfillment-manual': action({
    body: actionBodies.fulfillmentManual,
    run: (deps: FulfillmentDeps, staff, input) => enterFulfillmentManually(deps, staff.orderId, input.externalRef, staff.actor, versionOption(staff)),
  }),
};

export type OrderActionName = keyof typeof orderActions;

export const isOrderAction = (name: string): name is OrderActionName => Object.hasOwn(orderActions, name);
