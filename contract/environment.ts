/**
 * Environment variables the functions read, declared once: the stack sets them, the AWS
 * composition root reads them, and the deployment contract test checks one against the other.
 */
export const paymentEnv = {
  /** `sandbox`, `authorizenet` or `stripe`. */
  gateway: 'PAYMENT_GATEWAY',
  /** AWS: the Secrets Manager secret with the gateway's credentials (JSON). */
  secretArn: 'PAYMENT_GATEWAY_SECRET_ARN',
  authorizeNetLoginId: 'AUTHORIZENET_API_LOGIN_ID',
  authorizeNetTransactionKey: 'AUTHORIZENET_TRANSACTION_KEY',
  authorizeNetApiUrl: 'AUTHORIZENET_API_URL',
  authorizeNetEnvironment: 'AUTHORIZENET_ENVIRONMENT',
  stripeSecretKey: 'STRIPE_SECRET_KEY',
  stripeApiBase: 'STRIPE_API_BASE',
} as const;

export const cardSecurityEnv = {
  /** AWS: the Secrets Manager secret keying PAN and idempotency fingerprints (HMAC-SHA256). */
  fingerprintSecretArn: 'FINGERPRINT_SECRET_ARN',
} as const;

export const mailEnv = {
  /** The deploy's sender: the default `fromEmail` setting. */
  from: 'MAIL_FROM',
  /** The SES identity senders must belong to: an address, or a domain. Unset: any sender. */
  verifiedIdentity: 'MAIL_VERIFIED_IDENTITY',
} as const;

export const linkEnv = {
  /**
   * Where pay links for declined orders point (`?order=…&token=…` is appended): the
   * merchant's storefront pay page; unset, the store URL (`STORE_URL`). The twin: `/demo/pay`.
   */
  payPage: 'PAY_PAGE_URL',
} as const;
