import * as z from 'zod/mini';

/**
 * Store settings (SPEC §5.2) with their ranges; a partial update is merged, then re-validated.
 * Built by one call marked pure, so that functions that only read settings bundle neither the
 * schema nor zod (calls in a pure call's arguments would be kept).
 */
const buildSettingsSchema = () => {
  const whole = (min: number, max?: number) => z.int().check(z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)]));
  return z.strictObject({
    storeName: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    fromEmail: z.email(),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
    allowOfflineResubmit: z.boolean(),
    offlineHoldMinutes: whole(1, 1440),
    customerOfflineNotice: z.boolean(),
    stuckAfterSeconds: whole(1, 604800),
    csrEmails: z.array(z.email()).check(z.minLength(1), z.maxLength(20)),
    flatShippingCents: whole(0),
    taxRateBps: whole(0, 10000),
    // Card-testing defences (SPEC §12).
    paymentAttemptsPerOrder: whole(1, 100),
    declinesPerCardPerHour: whole(1, 10000),
    declinesPerIpPerHour: whole(1, 100000),
    // Pay links for declined orders (SPEC §8); a reminder after 0 hours is no reminder.
    payLinkDays: whole(1, 30),
    payLinkReminderHours: whole(0, 168),
  });
};

export const settingsSchema = /* @__PURE__ */ buildSettingsSchema();

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
