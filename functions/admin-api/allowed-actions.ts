import type * as z from 'zod/mini';
import { revealableRef } from '../core/admin/card-reveal.js';
import { mayAct, type StaffMember, type StaffRole } from '../core/admin/staff.js';
import { cardIsHeld, type Order } from '../core/order.js';
import { canApply } from '../core/transitions.js';
import { orderActions } from './order-actions.js';
import { actionBodies, revealCardSchema } from './schemas.js';

/**
 * What one staff member may do to one order now, decided here and nowhere else: the dashboard
 * renders these forms and keeps no rules of its own. Each entry names the request to send
 * (`POST path` with the fields as the JSON body). The card operations (reveal, charge) have a
 * function of their own; every other action comes from `orderActions`.
 */
export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'number' | 'checkbox';
  readonly required: boolean;
  /** A checkbox's initial state: the body's default. */
  readonly checked?: boolean;
}

export interface AllowedAction {
  readonly name: string;
  readonly label: string;
  readonly method: 'POST';
  readonly path: string;
  readonly fields: readonly FormField[];
  /** `card`: the answer is a revealed card, to be shown briefly and never kept. */
  readonly answers: 'order' | 'card';
}

const fieldLabels: Record<string, string> = {
  authorizationCode: 'Authorization code',
  note: 'Note',
  carrier: 'Carrier',
  trackingNumber: 'Tracking number',
  notifyCustomer: 'Email the customer',
  invoiceNumber: 'Invoice number',
  reference: 'Payment reference',
  reason: 'Reason',
  message: 'Message',
  visibleToCustomer: 'Visible to the customer',
  amountCents: 'Amount (cents)',
  description: 'Description',
  externalRef: 'Fulfillment reference',
};

const humanize = (name: string) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());

interface ZodDef {
  readonly type: string;
  readonly innerType?: { readonly _zod: { readonly def: ZodDef } };
  readonly defaultValue?: unknown;
}

/** The form of a JSON body schema: one field per property, typed and required as the schema says. */
export const formFields = (schema: z.core.$ZodType, labels: Record<string, string> = fieldLabels): FormField[] => {
  const shape = (schema as unknown as { shape?: Record<string, { _zod: { def: ZodDef } }> }).shape ?? {};
  return Object.entries(shape).map(([name, property]) => {
    let def = property._zod.def;
    let required = true;
    let initial: unknown;
    while (def.innerType) {
      if (def.type === 'default') initial = def.defaultValue;
      required = false;
      def = def.innerType._zod.def;
    }
    const type = def.type === 'boolean' ? 'checkbox' : def.type === 'number' ? 'number' : 'text';
    return {
      name,
      label: labels[name] ?? humanize(name),
      type,
      // A checkbox left unticked is an answer (false), never a missing field.
      required: required && type !== 'checkbox',
      ...(type === 'checkbox' ? { checked: initial === true } : {}),
    };
  });
};

interface Offer {
  readonly name: string;
  readonly label: string;
  readonly body: z.core.$ZodType;
  readonly fieldLabels?: Record<string, string>;
  readonly role: StaffRole;
  readonly answers: AllowedAction['answers'];
  readonly offered: (order: Order, now: Date) => boolean;
}

const offers: readonly Offer[] = [
  {
    name: 'card/reveal',
    label: 'Reveal card',
    body: revealCardSchema,
    fieldLabels: { reason: 'Reason for revealing' },
    role: 'admin',
    answers: 'card',
    offered: (order, now) => revealableRef(order, now) !== null,
  },
  {
    name: 'charge',
    label: 'Charge card',
    body: actionBodies.charge,
    role: 'admin',
    answers: 'order',
    offered: (order, now) => canApply(order.status, 'charge') && cardIsHeld(order, now),
  },
  ...Object.entries(orderActions).map(
    ([name, definition]): Offer => ({
      name,
      label: definition.label,
      body: definition.body,
      role: definition.role ?? 'staff',
      answers: 'order',
      offered: (order, now) => canApply(order.status, definition.process) && (definition.available?.(order, now) ?? true),
    }),
  ),
];

export const allowedActions = (order: Order, member: StaffMember, now: Date): AllowedAction[] =>
  offers
    .filter((offer) => mayAct(member, offer.role) && offer.offered(order, now))
    .map((offer) => ({
      name: offer.name,
      label: offer.label,
      method: 'POST',
      path: `/admin/orders/${encodeURIComponent(order.id)}/${offer.name}`,
      fields: formFields(offer.body, { ...fieldLabels, ...offer.fieldLabels }),
      answers: offer.answers,
    }));
