/** Reading the environment the stack sets (names in contract/environment.ts and contract/tables.ts). */

export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};

/** Unset and empty both mean "not configured". */
export const optionalEnv = (name: string): string | undefined => process.env[name] || undefined;

export const numberEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`environment variable ${name} must be a non-negative number`);
  return value;
};
