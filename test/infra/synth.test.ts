import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/orders-stack.js';
import { projectFunctions } from './project-functions.js';

/** The app as `npx cdk synth` builds it: esbuild bundling and cdk-nag on. */
const { app, stack } = buildApp({ context: { fromEmail: 'shop@store.test', storeUrl: 'https://store.test' } });
const assembly = app.synth();
const artifact = assembly.getStackByName(stack.stackName);
const functions = [...projectFunctions(stack, artifact.template.Resources).values()];

describe('synthesis as deployed', () => {
  it('passes the cdk-nag AwsSolutions checks with every finding fixed or acknowledged', () => {
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error')
      .map((violation) => `${violation.ruleName} at ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('bundles each function into an ESM file with a require shim and a source map', () => {
    expect(stack.bundlingRequired).toBe(true);
    const assetDirs = functions.map((fn) => join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace('.zip', '')}`));
    expect(assetDirs).not.toHaveLength(0);
    for (const dir of assetDirs) {
      expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toMatch(/^import \{ createRequire as \w+ \} from 'node:module'; const require = /);
    }
  });

  it('takes the sender and store URL from context', () => {
    for (const fn of functions) expect(fn.Properties.Environment.Variables).toMatchObject({ MAIL_FROM: 'shop@store.test', STORE_URL: 'https://store.test' });
    expect(Object.values(artifact.template.Resources as Record<string, any>)).toContainEqual(
      expect.objectContaining({ Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: 'shop@store.test' } }),
    );
  });
});

describe('synthesis for assertions', () => {
  it('skips esbuild when bundling is off', () => {
    expect(buildApp({ bundling: false, nag: false }).stack.bundlingRequired).toBe(false);
  });
});
