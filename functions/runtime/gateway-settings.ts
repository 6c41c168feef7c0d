/**
 * The payment settings read from the environment, checked without loading any gateway's code:
 * `npm start` refuses a wrong one at once, before it starts anything.
 */
import { paymentEnv } from '../../contract/environment.js';
import { type GatewayName, gatewayNames } from '../core/payments.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** `PAYMENT_GATEWAY`, or `fallback` where the runtime has a default (the twin's sandbox); AWS has none. */
export const configuredGatewayName = (env: Env, fallback?: GatewayName): GatewayName => {
  const value = env[paymentEnv.gateway] || fallback;
  if (!value || !(gatewayNames as readonly string[]).includes(value)) {
    throw new Error(`${paymentEnv.gateway} must be one of ${gatewayNames.join(', ')}${value ? ` (it is "${value}")` : ' (it is not set)'}`);
  }
  return value as GatewayName;
};

/** The environment variables each gateway's credentials need in the twin. */
const credentialEnv: Record<GatewayName, readonly string[]> = {
  sandbox: [],
  authorizenet: [paymentEnv.authorizeNetLoginId, paymentEnv.authorizeNetTransactionKey],
  stripe: [paymentEnv.stripeSecretKey],
};

/** The credential variables `gateway` lacks in `env`, for a start that stops with a one-line reason. */
const missingCredentials = (gateway: GatewayName, env: Env): string[] => credentialEnv[gateway].filter((name) => !env[name]);

/**
 * `PAYMENT_GATEWAY_TIMEOUT_MS` (default 6 s): a slower answer counts as unavailable, and the
 * workflow asks again with the same idempotency key. Its three tries must end within the
 * workflow's timeout, hence the ceiling.
 */
export const gatewayTimeoutMs = (env: Env): number => {
  const raw = env[paymentEnv.timeoutMs];
  if (!raw) return 6000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 7000)
    throw new Error(`${paymentEnv.timeoutMs} must be a whole number from 100 to 7000 (it is "${raw}")`);
  return value;
};

/** The twin's gateway (sandbox by default), its credentials and timeout checked: a wrong setting throws its one-line reason. */
export const twinGatewayName = (env: Env): GatewayName => {
  const name = configuredGatewayName(env, 'sandbox');
  const missing = missingCredentials(name, env);
  if (missing.length) throw new Error(`${paymentEnv.gateway}=${name} needs ${missing.join(' and ')}`);
  gatewayTimeoutMs(env);
  return name;
};
