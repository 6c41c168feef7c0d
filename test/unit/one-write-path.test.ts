import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Ways an order write could bypass `transition` (it alone bumps the version and appends history). */
const handRolledWrite = [/\bversion\s*\+\s*1\b/, /\bhistory:\s*\[\s*\.\.\./];

describe('one write path for orders', () => {
  it('only transition() bumps a version or appends history', () => {
    const offenders = sources('functions').flatMap((file) => {
      if (file === join('functions', 'core', 'transitions.ts')) return [];
      const text = readFileSync(file, 'utf8');
      return handRolledWrite.filter((pattern) => pattern.test(text)).map((pattern) => `${file}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });
});
