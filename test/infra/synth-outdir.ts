import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Each file's apps synthesize into one directory of its own, removed when the file is done:
// an app given no outdir (CDK_OUTDIR unset) leaves a temporary cloud assembly behind per synth.
const outdir = mkdtempSync(join(tmpdir(), 'orders-synth-'));
process.env.CDK_OUTDIR = outdir;
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  delete process.env.CDK_OUTDIR;
});
