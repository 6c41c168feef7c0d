import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AslDefinition } from '../../lib/checkout-asl.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The folders whose code the workflow's synthesis imports (an infra test checks it imports
 * nothing else of ours). Any change in them synthesizes the definition again.
 */
export const checkoutAslSources = ['lib', 'contract', 'functions/core'] as const;

const packageVersion = (name: string) => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

/** Names one synthesis: the CDK versions and every source file it may read. */
export const checkoutAslKey = (): string => {
  const hash = createHash('sha256').update(`aws-cdk-lib ${packageVersion('aws-cdk-lib')} constructs ${packageVersion('constructs')}\0`);
  for (const folder of checkoutAslSources) {
    const files = readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .sort();
    for (const file of files)
      hash
        .update(`${folder}/${file}\0`)
        .update(readFileSync(join(root, folder, file)))
        .update('\0');
  }
  return hash.digest('hex').slice(0, 32);
};

const defaultCacheDir = join(root, 'node_modules', '.cache', 'orders-twin');
const cachePrefix = 'checkout-asl-';

/**
 * The checkout state machine as CDK synthesizes it. Loading CDK and synthesizing take about a
 * second of CPU at every twin start, so the definition is kept, named by `checkoutAslKey`, and
 * synthesized again only when that key changes.
 */
export const checkoutDefinition = async (cacheDir = defaultCacheDir): Promise<AslDefinition> => {
  const file = join(cacheDir, `${cachePrefix}${checkoutAslKey()}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AslDefinition;
  } catch {
    // Not synthesized for these sources yet.
  }
  const { synthesizeCheckoutAsl } = await import('../../lib/checkout-asl.js');
  const definition = synthesizeCheckoutAsl();
  keep(cacheDir, file, definition);
  return definition;
};

/** Best effort: a folder it cannot write costs the next start a second, nothing more. */
const keep = (cacheDir: string, file: string, definition: AslDefinition) => {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const older = readdirSync(cacheDir).filter((name) => name.startsWith(cachePrefix) && name.endsWith('.json') && name !== basename(file));
    for (const name of older) rmSync(join(cacheDir, name), { force: true });
    // Twins starting side by side may write it at once: each renames a whole file into place.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(definition));
    renameSync(partial, file);
  } catch {
    // Synthesized again at the next start.
  }
};
