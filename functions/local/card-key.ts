import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local stand-in for the KMS key: 32 random bytes under the data directory (created once,
 * readable by the owner only), or a fresh key per run in memory mode.
 */
export const loadLocalCardKey = (dataDir: string | null): Uint8Array => {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, 'card-key.bin');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600 });
  const key = readFileSync(file);
  if (key.length !== 32) throw new Error(`${file} must hold exactly 32 bytes`);
  return new Uint8Array(key);
};
