import * as z from 'zod';
import { luhnValid, normalizeCardNumber } from '../core/card.js';
import { containsCardNumber } from '../core/free-text.js';
import type { ContractsFor } from '../http/api-handler.js';

/**
 * The storefront's request schemas: the handlers validate with them and the OpenAPI document
 * is generated from them. Objects are strict: an unknown field is a validation error, so a
 * misspelled optional field never passes silently.
 */
const noCardNumber = 'must not contain a card number';
const withoutCardNumber = (value: string | null | undefined) => !value || !containsCardNumber(value);
/** Free text is stored in the clear, so a card number typed into it is refused (SPEC §5.1). */
const text = (max: number) => z.string().trim().min(1).max(max).refine(withoutCardNumber, noCardNumber);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(withoutCardNumber, noCardNumber)
    .nullish()
    .transform((v) => (v ? v : null));

export const addressSchema = z
  .object({
    line1: text(200),
    line2: optionalText(200),
    city: text(100),
    region: optionalText(100),
    postalCode: text(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US'),
  })
  .strict();

export const cardSchema = z
  .object({
    number: z
      .string()
      .transform(normalizeCardNumber)
      .refine((n) => /^\d{12,19}$/.test(n), 'must be 12 to 19 digits')
      .refine(luhnValid, 'is not a valid card number'),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
    holderName: z.string().trim().min(1).max(100),
  })
  .strict();

export const cardPaymentSchema = z.object({ method: z.literal('card'), card: cardSchema }).strict();
export const purchaseOrderPaymentSchema = z.object({ method: z.literal('purchase_order'), poNumber: text(64) }).strict();

export const onDeclineSchema = z.enum(['ask', 'offline']).default('ask');

export const checkoutSchema = z
  .object({
    customer: z.object({ email: z.email().max(254).refine(withoutCardNumber, noCardNumber), name: text(200), phone: optionalText(40) }).strict(),
    billingAddress: addressSchema,
    shippingAddress: addressSchema.nullish().transform((v) => v ?? null),
    items: z
      .array(z.object({ sku: z.string().trim().min(1).max(64), quantity: z.number().int().min(1).max(999) }).strict())
      .min(1)
      .max(100)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, index) => {
          if (seen.has(item.sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: 'A SKU may appear only once.' });
          seen.add(item.sku);
        });
      }),
    payment: z.discriminatedUnion('method', [cardPaymentSchema, purchaseOrderPaymentSchema]).nullish(),
    onDecline: onDeclineSchema,
    notes: optionalText(1000),
  })
  .strict();

export type CheckoutBody = z.infer<typeof checkoutSchema>;

export const retryPaymentSchema = z.object({ payment: cardPaymentSchema, onDecline: onDeclineSchema }).strict();

export const acceptQuoteSchema = z
  .object({
    payment: z.discriminatedUnion('method', [cardPaymentSchema, purchaseOrderPaymentSchema]).nullish(),
    onDecline: onDeclineSchema,
  })
  .strict();

/** What each storefront operation accepts; the handler and the OpenAPI document both read it. */
export const storefrontContract = {
  getHealth: {},
  listProducts: {},
  getOpenApi: {},
  // Pricing, the card-testing check and sealing the card overlap the key's claim.
  checkout: { body: checkoutSchema, idempotent: 'required', preparesWhileClaiming: true },
  getOrder: { orderToken: true },
  retryPayment: { body: retryPaymentSchema, idempotent: 'required', orderToken: true },
  submitOffline: { orderToken: true },
  acceptQuote: { body: acceptQuoteSchema, orderToken: true },
  rejectQuote: { orderToken: true },
} as const satisfies ContractsFor<'storefront'>;
