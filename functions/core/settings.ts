import * as z from 'zod';

/**
 * Store settings (SPEC §5.2) with their ranges; a partial update is merged, then re-validated.
 * Marked pure so that functions that only read settings bundle neither the schema nor zod.
 */
export const settingsSchema = /* @__PURE__ */ z
  .object({
    storeName: z.string().trim().min(1).max(100),
    fromEmail: z.email(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
    allowOfflineResubmit: z.boolean(),
    offlineHoldMinutes: z.number().int().min(1).max(1440),
    customerOfflineNotice: z.boolean(),
    stuckAfterSeconds: z.number().int().min(1).max(604800),
    csrEmails: z.array(z.email()).min(1).max(20),
    flatShippingCents: z.number().int().min(0),
    taxRateBps: z.number().int().min(0).max(10000),
    // Card-testing defences (SPEC §12).
    paymentAttemptsPerOrder: z.number().int().min(1).max(100),
    declinesPerCardPerHour: z.number().int().min(1).max(10000),
    declinesPerIpPerHour: z.number().int().min(1).max(100000),
    // Pay links for declined orders (SPEC §8); a reminder after 0 hours is no reminder.
    payLinkDays: z.number().int().min(1).max(30),
    payLinkReminderHours: z.number().int().min(0).max(168),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  storeName: 'Demo Store',
  fromEmail: 'orders@example.com',
  currency: 'USD',
  allowOfflineResubmit: true,
  offlineHoldMinutes: 30,
  customerOfflineNotice: true,
  stuckAfterSeconds: 900,
  csrEmails: ['csr@example.com'],
  flatShippingCents: 0,
  taxRateBps: 0,
  paymentAttemptsPerOrder: 10,
  declinesPerCardPerHour: 5,
  declinesPerIpPerHour: 20,
  payLinkDays: 7,
  payLinkReminderHours: 24,
};
