import { paymentEnv } from '../../contract/environment.js';
import { type AuthorizeNetCredentials, AuthorizeNetGateway, authorizeNetEndpoints } from '../adapters/gateways/authorizenet.js';
import { type GatewayCredentials, secretFields } from '../adapters/gateways/credentials.js';
import { SandboxGateway } from '../adapters/gateways/sandbox.js';
import { StripeGateway } from '../adapters/gateways/stripe.js';
import { once, type SecretSource } from '../adapters/webhook-secret.js';
import { type GatewayName, gatewayNames } from '../core/payments.js';
import type { PaymentGateway } from '../core/ports.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where each gateway's credentials come from: environment variables (twin) or one secret (AWS). */
export interface GatewayCredentialSources {
  readonly authorizeNet: GatewayCredentials<AuthorizeNetCredentials>;
  readonly stripe: GatewayCredentials<string>;
}

/** The gateway new authorizations go to, and the one that authorized an earlier order (for its capture or void). */
export interface PaymentGateways {
  readonly configured: PaymentGateway;
  named(name: GatewayName): PaymentGateway;
}

/** `PAYMENT_GATEWAY`, or `fallback` where the runtime has a default (the twin's sandbox); AWS has none. */
export const configuredGatewayName = (env: Env, fallback?: GatewayName): GatewayName => {
  const value = env[paymentEnv.gateway] || fallback;
  if (!value || !(gatewayNames as readonly string[]).includes(value)) {
    throw new Error(`${paymentEnv.gateway} must be one of ${gatewayNames.join(', ')}${value ? ` (it is "${value}")` : ' (it is not set)'}`);
  }
  return value as GatewayName;
};

/** `AUTHORIZENET_API_URL`, else the production endpoint, or the sandbox one with `AUTHORIZENET_ENVIRONMENT=sandbox`. */
export const authorizeNetApiUrl = (env: Env): string =>
  env[paymentEnv.authorizeNetApiUrl] ||
  (env[paymentEnv.authorizeNetEnvironment] === 'sandbox' ? authorizeNetEndpoints.sandbox : authorizeNetEndpoints.production);

/** The environment variables each gateway's credentials need in the twin. */
const credentialEnv: Record<GatewayName, readonly string[]> = {
  sandbox: [],
  authorizenet: [paymentEnv.authorizeNetLoginId, paymentEnv.authorizeNetTransactionKey],
  stripe: [paymentEnv.stripeSecretKey],
};

/** The credential variables `gateway` lacks in `env`, for a start that stops with a one-line reason. */
export const missingCredentials = (gateway: GatewayName, env: Env): string[] => credentialEnv[gateway].filter((name) => !env[name]);

const fromEnv = (env: Env, name: string) => async () => {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};

/** The twin: credentials in environment variables. */
export const credentialsFromEnv = (env: Env): GatewayCredentialSources => ({
  authorizeNet: async () => ({
    apiLoginId: await fromEnv(env, paymentEnv.authorizeNetLoginId)(),
    transactionKey: await fromEnv(env, paymentEnv.authorizeNetTransactionKey)(),
  }),
  stripe: fromEnv(env, paymentEnv.stripeSecretKey),
});

/** AWS: the configured gateway's credentials in one JSON secret, read when the gateway is first called. */
export const credentialsFromSecret = (secret: SecretSource): GatewayCredentialSources => ({
  authorizeNet: once(async () => secretFields(await secret(), ['apiLoginId', 'transactionKey'])),
  stripe: once(async () => secretFields(await secret(), ['secretKey']).secretKey),
});

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

const createGateway = (name: GatewayName, sources: GatewayCredentialSources, env: Env): PaymentGateway => {
  const timeoutMs = gatewayTimeoutMs(env);
  if (name === 'authorizenet') return new AuthorizeNetGateway({ apiUrl: authorizeNetApiUrl(env), credentials: sources.authorizeNet, timeoutMs });
  if (name === 'stripe') return new StripeGateway({ secretKey: sources.stripe, apiBase: env[paymentEnv.stripeApiBase] || undefined, timeoutMs });
  return new SandboxGateway();
};

/**
 * Gateways are built on first use: a function that never pays reads none of their settings,
 * and nothing is fetched at module load.
 */
export const paymentGateways = (configuredName: () => GatewayName, sources: GatewayCredentialSources, env: Env = process.env): PaymentGateways => {
  const built = new Map<GatewayName, PaymentGateway>();
  const named = (name: GatewayName) => {
    const gateway = built.get(name) ?? createGateway(name, sources, env);
    built.set(name, gateway);
    return gateway;
  };
  const configured = () => named(configuredName());
  return {
    configured: {
      get name() {
        return configured().name;
      },
      authorize: (request) => configured().authorize(request),
      capture: (request) => configured().capture(request),
      void: (request) => configured().void(request),
    },
    named,
  };
};
