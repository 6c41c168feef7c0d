/** Where a secret (the webhook's, the fingerprint key, the payment gateway's credentials) comes from; fetched once per process. */
export type SecretSource = () => Promise<string>;

/** Reads a value on first use and keeps it; a failed read is tried again on the next use. */
export const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= load().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
};

/** The twin: the secret is an environment variable. */
export const secretFromEnv = (name: string): SecretSource =>
  once(async () => {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
  });

/**
 * AWS: a Secrets Manager secret read through the AWS Parameters and Secrets Lambda Extension
 * (a layer that serves and caches secrets on localhost), so the bundle needs no extra client.
 */
export const secretFromLambdaExtension = (secretId: string, envVar = 'FULFILLMENT_WEBHOOK_SECRET_ARN'): SecretSource =>
  once(async () => {
    if (!secretId) throw new Error(`no secret configured (${envVar})`);
    const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
    const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok) throw new Error(`the secrets extension answered ${response.status}`);
    const { SecretString } = (await response.json()) as { SecretString?: string };
    if (!SecretString) throw new Error(`the secret in ${envVar} has no string value`);
    return SecretString;
  });
