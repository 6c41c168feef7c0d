import { paymentEnv } from '../../contract/environment.js';
import { type AuthorizeNetCredentials, AuthorizeNetGateway, authorizeNetEndpoints } from '../adapters/gateways/authorizenet.js';
import { type GatewayCredentials, secretFields } from '../adapters/gateways/credentials.js';
import { SandboxGateway } from '../adapters/gateways/sandbox.js';
import { StripeGateway } from '../adapters/gateways/stripe.js';
import { once, type SecretSource } from '../adapters/webhook-secret.js';
import { type Env, gatewayTimeoutMs } from './gateway-settings.js';
import type { GatewayName } from '../core/payments.js';
import type { PaymentGateway } from '../core/ports.js';

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

/** `AUTHORIZENET_API_URL`, else the production endpoint, or the sandbox one with `AUTHORIZENET_ENVIRONMENT=sandbox`. */
export const authorizeNetApiUrl = (env: Env): string =>
  env[paymentEnv.authorizeNetApiUrl] ||
  (env[paymentEnv.authorizeNetEnvironment] === 'sandbox' ? authorizeNetEndpoints.sandbox : authorizeNetEndpoints.production);

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
