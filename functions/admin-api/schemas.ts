import * as z from 'zod';
import { containsCardNumber } from '../core/free-text.js';
import { settingsSchema } from '../core/settings.js';
import { orderStatuses } from '../core/status.js';
import type { ContractsFor } from '../http/api-handler.js';
import { checkoutSchema } from '../storefront-api/schemas.js';

/**
 * The staff API's request schemas. Objects are strict, like the storefront's: an unknown
 * field is a validation error. Free text that reaches the timeline or an email may not hold
 * anything shaped like a card number; neither may the references staff type (authorization
 * codes, invoice numbers, fulfillment references). Carrier tracking numbers are left alone:
 * some carriers' are long digit runs that a card check would refuse.
 */
const text = (max: number) => z.string().trim().min(1).max(max);
const freeText = (max: number) => text(max).refine((value) => !containsCardNumber(value), 'must not contain a card number');

export const isoDay = z.iso.date('must be a date as YYYY-MM-DD');

export const listOrdersQuery = z
  .object({
    status: z.enum(orderStatuses).optional(),
    email: z.email().max(254).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const reportQuery = z.object({ from: isoDay.optional(), to: isoDay.optional() }).strict();

export const auditQuery = z
  .object({
    day: isoDay.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();

export const recordedPaymentSchema = z.object({ method: z.literal('recorded'), authorizationCode: freeText(64), note: freeText(1000).nullish() }).strict();

/** The checkout body, paid elsewhere: `payment` is the recorded payment and nothing else. */
export const recordOrderSchema = checkoutSchema.extend({ payment: recordedPaymentSchema });

export const revealCardSchema = z.object({ reason: freeText(500) }).strict();

export const settingsPatchSchema = settingsSchema.partial();

export const skuSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -');

export const productPatchSchema = z
  .object({
    name: freeText(200),
    priceCents: z.number().int().min(0).max(100_000_000),
    kind: z.enum(['standard', 'evaluation']),
    stock: z.number().int().min(0).max(1_000_000),
  })
  .strict()
  .partial();

/** The bodies of the order actions (SPEC §5.2). */
export const actionBodies = {
  approve: z.object({ authorizationCode: freeText(64), note: freeText(1000).nullish() }).strict(),
  ship: z.object({ carrier: text(64), trackingNumber: text(64), notifyCustomer: z.boolean().default(true) }).strict(),
  complete: z.object({}).strict(),
  invoice: z.object({ invoiceNumber: freeText(64) }).strict(),
  markPaid: z.object({ reference: freeText(128) }).strict(),
  cancel: z.object({ reason: freeText(500), notifyCustomer: z.boolean().default(true) }).strict(),
  note: z.object({ message: freeText(2000), visibleToCustomer: z.boolean().default(false), notifyCustomer: z.boolean().default(false) }).strict(),
  quote: z.object({ amountCents: z.number().int().min(0).max(100_000_000), description: freeText(2000) }).strict(),
  fulfillmentRetry: z.object({}).strict(),
  fulfillmentManual: z.object({ externalRef: freeText(128) }).strict(),
  /** Served on its own route by the card function (it decrypts the held card). */
  charge: z.object({}).strict(),
};

/** `If-Match: 7`, `"7"` or `W/"7"`: the order version the action was decided on. */
export const ifMatchSchema = z
  .string()
  .trim()
  .regex(/^(W\/)?"?\d{1,12}"?$/, 'must be the order version, e.g. "7"')
  .transform((value) => Number(value.replace(/\D/g, '')));

const documented = (schema: z.ZodType) => {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return jsonSchema;
};

/** The body of `POST /admin/orders/{id}/{action}` depends on the action, so the handler validates it per action. */
export const orderActionBody = z
  .unknown()
  .meta({ description: 'The body of the action named in the path', anyOf: Object.values(actionBodies).map(documented) });

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
