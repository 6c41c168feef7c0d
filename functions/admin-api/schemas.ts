import * as z from 'zod/mini';
import { containsCardNumber } from '../core/free-text.js';
import { settingsSchema } from '../core/settings.js';
import { orderStatuses } from '../core/status.js';
import type { ContractsFor } from '../http/api-handler.js';
import { checkoutSchema } from '../storefront-api/schemas.js';

/**
 * The staff API's request schemas (zod's `mini` build, like the storefront's). Objects are
 * strict: an unknown field is a validation error. Free text that reaches the timeline or an
 * email may not hold anything shaped like a card number; neither may the references staff type
 * (authorization codes, invoice numbers, fulfillment references). Carrier tracking numbers are
 * left alone: some carriers' are long digit runs that a card check would refuse.
 */
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const freeText = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    z.refine((value) => !containsCardNumber(value), 'must not contain a card number'),
  );
/** A whole number in a range, from a query string's text. */
const queryInteger = (min: number, max: number, byDefault: number) => z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), byDefault);

export const isoDay = z.iso.date('must be a date as YYYY-MM-DD');

export const listOrdersQuery = z.strictObject({
  status: z.optional(z.enum(orderStatuses)),
  email: z.optional(z.email().check(z.maxLength(254))),
  limit: queryInteger(1, 100, 25),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const reportQuery = z.strictObject({ from: z.optional(isoDay), to: z.optional(isoDay) });

export const auditQuery = z.strictObject({
  day: z.optional(isoDay),
  limit: queryInteger(1, 100, 50),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});

export const recordedPaymentSchema = z.strictObject({ method: z.literal('recorded'), authorizationCode: freeText(64), note: z.nullish(freeText(1000)) });

/** The checkout body, paid elsewhere: `payment` is the recorded payment and nothing else. */
export const recordOrderSchema = z.extend(checkoutSchema, { payment: recordedPaymentSchema });

export const revealCardSchema = z.strictObject({ reason: freeText(500) });

export const settingsPatchSchema = z.partial(settingsSchema);

export const skuSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'));

export const productPatchSchema = z.partial(
  z.strictObject({
    name: freeText(200),
    priceCents: z.int().check(z.minimum(0), z.maximum(100_000_000)),
    kind: z.enum(['standard', 'evaluation']),
    stock: z.int().check(z.minimum(0), z.maximum(1_000_000)),
  }),
);

const flag = (byDefault: boolean) => z._default(z.boolean(), byDefault);

/** The bodies of the order actions (SPEC §5.2). */
export const actionBodies = {
  approve: z.strictObject({ authorizationCode: freeText(64), note: z.nullish(freeText(1000)) }),
  ship: z.strictObject({ carrier: text(64), trackingNumber: text(64), notifyCustomer: flag(true) }),
  complete: z.strictObject({}),
  invoice: z.strictObject({ invoiceNumber: freeText(64) }),
  markPaid: z.strictObject({ reference: freeText(128) }),
  cancel: z.strictObject({ reason: freeText(500), notifyCustomer: flag(true) }),
  note: z.strictObject({ message: freeText(2000), visibleToCustomer: flag(false), notifyCustomer: flag(false) }),
  quote: z.strictObject({ amountCents: z.int().check(z.minimum(0), z.maximum(100_000_000)), description: freeText(2000) }),
  fulfillmentRetry: z.strictObject({}),
  fulfillmentManual: z.strictObject({ externalRef: freeText(128) }),
  /** Served on its own route by the card function (it decrypts the held card). */
  charge: z.strictObject({}),
};

/** `If-Match: 7`, `"7"` or `W/"7"`: the order version the action was decided on. */
export const ifMatchSchema = z.pipe(
  z.string().check(z.trim(), z.regex(/^(W\/)?"?\d{1,12}"?$/, 'must be the order version, e.g. "7"')),
  z.transform((value) => Number(value.replace(/\D/g, ''))),
);

const documented = (schema: z.core.$ZodType) => {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return jsonSchema;
};

/**
 * The body of `POST /admin/orders/{id}/{action}` depends on the action, so the handler validates
 * it per action. Its documentation is written when the OpenAPI document is, not at every cold start.
 */
export const orderActionBody = z.unknown().register(z.globalRegistry, {
  description: 'The body of the action named in the path',
  get anyOf() {
    return Object.values(actionBodies).map(documented);
  },
});

/** What each back-office operation accepts; the handler and the OpenAPI document both read it. */
export const adminContract = {
  listOrders: { query: listOrdersQuery },
  recordOrder: { body: recordOrderSchema, idempotent: 'optional' },
  getStaffOrder: {},
  applyOrderAction: { body: orderActionBody },
  revealCard: { body: revealCardSchema },
  getWorkQueue: {},
  chargeCard: { body: actionBodies.charge },
  getReportSummary: { query: reportQuery },
  getDailyReport: { query: reportQuery },
  getSettings: {},
  updateSettings: { body: settingsPatchSchema },
  listCatalog: {},
  putProduct: { path: z.object({ sku: skuSchema }), body: productPatchSchema },
  runMonitor: {},
  listAuditEvents: { query: auditQuery },
} as const satisfies ContractsFor<'admin' | 'cardReveal'>;
