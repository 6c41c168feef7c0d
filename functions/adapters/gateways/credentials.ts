/** A gateway's credentials, read on first use (never at module load) and then kept. */
export type GatewayCredentials<T> = () => Promise<T>;

/**
 * The fields of a JSON secret (`{"apiLoginId","transactionKey"}` or `{"secretKey"}`), each a
 * non-empty string; the error names the missing field, never a value.
 */
export const secretFields = <Field extends string>(secretString: string, fields: readonly Field[]): Record<Field, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error('the payment gateway secret is not JSON');
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  for (const field of fields) {
    if (typeof record[field] !== 'string' || record[field] === '') throw new Error(`the payment gateway secret has no "${field}"`);
  }
  return Object.fromEntries(fields.map((field) => [field, record[field] as string])) as Record<Field, string>;
};
