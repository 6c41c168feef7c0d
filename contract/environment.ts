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
  /** How long one gateway call may take before it counts as unavailable (ms; default 6000). */
  timeoutMs: 'PAYMENT_GATEWAY_TIMEOUT_MS',
} as const;

/** The gateways a deployment may choose (`-c paymentGateway=…` in AWS, `PAYMENT_GATEWAY` in the twin; SPEC §11). */
export const paymentGateways = ['authorizenet', 'stripe', 'sandbox'] as const;
export type PaymentGatewayName = (typeof paymentGateways)[number];

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

/** Links in emails: the public API's base URL and the staff dashboard's. */
export const linkEnv = {
  storeUrl: 'STORE_URL',
  dashboardUrl: 'DASHBOARD_URL',
  /**
   * Where pay links for declined orders point (`?order=…&token=…` is appended): the
   * merchant's storefront pay page; unset, the store URL (`STORE_URL`). The twin: `/demo/pay`.
   */
  payPage: 'PAY_PAGE_URL',
} as const;

/** AWS resources the stack creates and hands to the functions that use them. */
export const resourceEnv = {
  cardKeyArn: 'CARD_KEY_ARN',
  checkoutStateMachineArn: 'CHECKOUT_STATE_MACHINE_ARN',
  orderEventsBus: 'ORDER_EVENTS_BUS',
  pagesTopicArn: 'PAGES_TOPIC_ARN',
} as const;

/** The CloudWatch namespace and `Stack` dimension of the stack's own metrics. */
export const metricsEnv = {
  namespace: 'METRICS_NAMESPACE',
  stack: 'METRICS_STACK',
} as const;

/** The fulfillment hand-off (SPEC §9). Without `webhookUrl` placed orders are accepted at once. */
export const fulfillmentEnv = {
  webhookUrl: 'FULFILLMENT_WEBHOOK_URL',
  /** AWS: the Secrets Manager secret with the webhook's HMAC key. */
  webhookSecretArn: 'FULFILLMENT_WEBHOOK_SECRET_ARN',
  /** The twin: the HMAC key itself. */
  webhookSecret: 'FULFILLMENT_WEBHOOK_SECRET',
  timeoutMs: 'FULFILLMENT_TIMEOUT_MS',
  attempts: 'FULFILLMENT_ATTEMPTS',
  backoffMs: 'FULFILLMENT_BACKOFF_MS',
} as const;

/** Staff tokens: the Cognito user pool's issuer URL and the dashboard client's id. */
export const staffTokenEnv = {
  issuer: 'STAFF_TOKEN_ISSUER',
  audience: 'STAFF_TOKEN_AUDIENCE',
} as const;
