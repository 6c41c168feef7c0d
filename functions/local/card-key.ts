import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyringNode } from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';

/** A random secret under the data directory (created once, readable by the owner only), or a fresh one per run in memory mode. */
const loadLocalSecret = (dataDir: string | null, fileName: string): Buffer => {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, fileName);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600 });
  const key = readFileSync(file);
  if (key.length !== 32) throw new Error(`${file} must hold exactly 32 bytes`);
  return key;
};

/** The keyring the twin seals cards with in place of the KMS keyring: a local AES key. */
export const rawAesKeyring = (key: Uint8Array): KeyringNode =>
  new RawAesKeyringNode({
    keyName: 'local-card-key',
    keyNamespace: 'orders-local',
    unencryptedMasterKey: key,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

/** The local stand-in for the KMS key. */
export const loadLocalCardKey = (dataDir: string | null): Uint8Array => new Uint8Array(loadLocalSecret(dataDir, 'card-key.bin'));

/** The local stand-in for the fingerprint secret in Secrets Manager: keys card, client and idempotency fingerprints. */
export const loadLocalFingerprintSecret = (dataDir: string | null): string => loadLocalSecret(dataDir, 'fingerprint-key.bin').toString('base64');
