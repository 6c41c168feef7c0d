import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for the SDK's default credential chain in the Lambda bundles (an esbuild alias of
 * `@aws-sdk/credential-provider-node`, see lib/constructs/node-function.ts). Lambda hands each
 * function its role's credentials in the environment, which is the chain's first link; the
 * rest (profiles, SSO, web identity, instance metadata, with their STS and SSO clients) finds
 * nothing in Lambda and weighs about 90 KB.
 */
export const defaultProvider = () => fromEnv();
