import * as z from 'zod/mini';
import { luhnValid, normalizeCardNumber } from '../core/card.js';
import { containsCardNumber } from '../core/free-text.js';
import type { ContractsFor } from '../http/api-handler.js';

/**
 * The storefront's request schemas: the handlers validate with them and the OpenAPI document
 * is generated from them. Objects are strict: an unknown field is a validation error, so a
 * misspelled optional field never passes silently. Written with zod's tree-shakeable `mini`
 * build, which costs a cold start a fraction of the classic one's init.
 */
const noCardNumber = 'must not contain a card number';
const withoutCardNumber = (value: string | null | undefined) => !value || !containsCardNumber(value);
/** Free text is stored in the clear, so a card number typed into it is refused (SPEC §5.1). */
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.refine(withoutCardNumber, noCardNumber));
const optionalText = (max: number) =>
  z.pipe(
    z.nullish(z.string().check(z.trim(), z.maxLength(max), z.refine(withoutCardNumber, noCardNumber))),
    z.transform((v) => (v ? v : null)),
  );

export const addressSchema = z.strictObject({
  line1: text(200),
  line2: optionalText(200),
  city: text(100),
  region: optionalText(100),
  postalCode: text(20),
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US')),
});

export const cardSchema = z.strictObject({
  number: z.pipe(
    z.string(),
    z.pipe(
      z.transform(normalizeCardNumber),
      z.string().check(
        z.refine((n) => /^\d{12,19}$/.test(n), 'must be 12 to 19 digits'),
        z.refine(luhnValid, 'is not a valid card number'),
      ),
    ),
  ),
  expMonth: z.int().check(z.minimum(1), z.maximum(12)),
  expYear: z.int().check(z.minimum(2000), z.maximum(2100)),
  cvc: z.string().check(z.regex(/^\d{3,4}$/, 'must be 3 or 4 digits')),
  holderName: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
});

export const cardPaymentSchema = z.strictObject({ method: z.literal('card'), card: cardSchema });
export const purchaseOrderPaymentSchema = z.strictObject({ method: z.literal('purchase_order'), poNumber: text(64) });

export const onDeclineSchema = z._default(z.enum(['ask', 'offline']), 'ask');

const uniqueSkus = z.superRefine((items: readonly { readonly sku: string }[], ctx) => {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: 'A SKU may appear only once.' });
    seen.add(item.sku);
  });
});

export const checkoutSchema = z.strictObject({
  customer: z.strictObject({
    email: z.email().check(z.maxLength(254), z.refine(withoutCardNumber, noCardNumber)),
    name: text(200),
    phone: optionalText(40),
  }),
  billingAddress: addressSchema,
  shippingAddress: z.pipe(
    z.nullish(addressSchema),
    z.transform((v) => v ?? null),
  ),
  items: z
    .array(z.strictObject({ sku: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), quantity: z.int().check(z.minimum(1), z.maximum(999)) }))
    .check(z.minLength(1), z.maxLength(100), uniqueSkus),
  payment: z.nullish(z.discriminatedUnion('method', [cardPaymentSchema, purchaseOrderPaymentSchema])),
  onDecline: onDeclineSchema,
  notes: optionalText(1000),
});

export type CheckoutBody = z.infer<typeof checkoutSchema>;

export const retryPaymentSchema = z.strictObject({ payment: cardPaymentSchema, onDecline: onDeclineSchema });

export const acceptQuoteSchema = z.strictObject({
  payment: z.nullish(z.discriminatedUnion('method', [cardPaymentSchema, purchaseOrderPaymentSchema])),
  onDecline: onDeclineSchema,
});

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
