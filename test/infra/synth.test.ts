import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntry, type DeployedFunction, deployedFunctions, lambdaRuntimeEnvironment, loadInFreshProcess } from '../../bench/bundle-probe.js';
import { bundleAliases, bundleBudgets } from '../../lib/constructs/node-function.js';
import { buildApp } from '../../lib/orders-stack.js';
import { deploymentContext } from './deployment-context.js';
import { projectFunctions } from './project-functions.js';

/** The app as `npm run synth` builds it: esbuild bundling and cdk-nag on. */
const { app, stack } = buildApp({ context: { ...deploymentContext, storeUrl: 'https://store.test' } });
const assembly = app.synth();
const artifact = assembly.getStackByName(stack.stackName);
const functions = [...projectFunctions(stack, artifact.template.Resources).values()];
const deployed = deployedFunctions(stack, artifact.template);
const bundleOf = (fn: DeployedFunction) =>
  join(assembly.directory, `asset.${String(artifact.template.Resources[fn.logicalId].Properties.Code.S3Key).replace('.zip', '')}`, 'index.mjs');

const scratch = mkdtempSync(join(tmpdir(), 'deployment-contract-'));
/** A string of the Stripe SDK's own code (its API host). */
const stripeSdkMarker = 'api.stripe.com';
/** A string of the module the Stripe SDK resolves to in a deployment on another gateway. */
const stripeStandInMarker = 'deploy with -c paymentGateway=stripe';
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('synthesis as deployed', () => {
  it('passes the cdk-nag AwsSolutions checks with every finding fixed or acknowledged', () => {
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error')
      .map((violation) => `${violation.ruleName} at ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it("passes CDK's built-in CloudFormation template validation with no finding, which does report a broken template", () => {
    const findings = (directory: string) =>
      (JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as { pluginReports: { violations: unknown[] }[] }).pluginReports.flatMap(
        (report) => report.violations,
      );
    expect(findings(assembly.directory)).toEqual([]);
    const broken = new App({ builtinCloudFormationValidation: true, autoSynth: false });
    new CfnResource(new Stack(broken, 'Broken'), 'Queue', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeout: 'soon' } });
    expect(findings(broken.synth().directory)).not.toEqual([]);
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
    for (const fn of functions)
      expect(fn.Properties.Environment.Variables).toMatchObject({ MAIL_FROM: deploymentContext.fromEmail, STORE_URL: 'https://store.test' });
    expect(Object.values(artifact.template.Resources as Record<string, any>)).toContainEqual(
      expect.objectContaining({ Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: deploymentContext.fromEmail } }),
    );
  });
});

/** Variables set on a function that no code of it reads: Node's own, and the secrets extension's (set by CDK with the layer). */
const readByTheRuntime = (name: string) => name === 'NODE_OPTIONS' || /^(PARAMETERS_SECRETS_EXTENSION|SECRETS_MANAGER|SSM_PARAMETER_STORE)_/.test(name);

/** What the stack sets that the bundle did not read while loading (the composition root reads every variable then). */
const unreadVariables = (environment: Record<string, string>, reads: readonly string[]) =>
  Object.keys(environment).filter((name) => !readByTheRuntime(name) && !reads.includes(name));

describe('deployment contract: each bundle loads with exactly the environment the stack gives it', () => {
  it.each(deployed.map((fn) => [fn.name, fn] as const))('%s', async (_name, fn) => {
    const loaded = await loadInFreshProcess({
      file: bundleOf(fn),
      handler: fn.handler,
      environment: { ...lambdaRuntimeEnvironment(fn.name), ...fn.environment },
      scratchDir: scratch,
    });
    // A variable the code needs and the stack forgot fails the load (the composition root reads them all then).
    expect(loaded.handlerType).toBe('function');
    expect(loaded.network).toEqual([]);
    expect(unreadVariables(fn.environment, loaded.envReads)).toEqual([]);
  });

  it('reports a variable the stack sets but no code reads (a sender set and never used sends from the default)', async () => {
    const [fn] = deployed;
    const environment = { ...fn!.environment, MAIL_SENDER: 'shop@store.test' };
    const loaded = await loadInFreshProcess({
      file: bundleOf(fn!),
      handler: fn!.handler,
      environment: { ...lambdaRuntimeEnvironment(fn!.name), ...environment },
      scratchDir: scratch,
    });
    expect(unreadVariables(environment, loaded.envReads)).toEqual(['MAIL_SENDER']);
  });

  it('fails the load of a bundle missing a variable its code needs, naming it', async () => {
    const fn = deployed.find((candidate) => candidate.handler === 'handler')!;
    const { MAIL_FROM: _dropped, ...environment } = fn.environment;
    await expect(
      loadInFreshProcess({
        file: bundleOf(fn),
        handler: fn.handler,
        environment: { ...lambdaRuntimeEnvironment(fn.name), ...environment },
        scratchDir: scratch,
      }),
    ).rejects.toThrow(/environment variable MAIL_FROM is not set/);
  });
});

const overItsBudget = (fn: DeployedFunction, bytes: number) => bytes > bundleBudgets[fn.budget].kilobytes * 1000;

describe('lean bundles', () => {
  it('keeps every bundle within its size budget in a deployment on another gateway than Stripe, which carries no Stripe SDK', () => {
    const overBudget = deployed.filter((fn) => overItsBudget(fn, statSync(bundleOf(fn)).size)).map((fn) => fn.name);
    expect(overBudget).toEqual([]);
    for (const fn of deployed) expect(readFileSync(bundleOf(fn), 'utf8'), fn.name).not.toContain(stripeSdkMarker);
  });

  it('keeps every bundle within its size budget where Stripe is the gateway too, the Stripe SDK in card access', async () => {
    // Only a bundle that imports the Stripe SDK changes with the gateway: it carries the stand-in in this deployment.
    const entries = [...new Map(deployed.map((fn) => [fn.entryFile, fn])).values()].filter((fn) =>
      readFileSync(bundleOf(fn), 'utf8').includes(stripeStandInMarker),
    );
    expect(entries.map((fn) => fn.name)).toContain('ApiFunctions/cardReveal');
    const bundles = await Promise.all(
      entries.map(async (fn, index) => ({ fn, bundle: await bundleEntry(fn.entryFile, join(scratch, `stripe-${index}`), bundleAliases('stripe')) })),
    );
    const overBudget = bundles.filter(({ fn, bundle }) => overItsBudget(fn, bundle.bytes)).map(({ fn }) => fn.name);
    expect(overBudget).toEqual([]);
    const cardReveal = bundles.find(({ fn }) => fn.name === 'ApiFunctions/cardReveal')!;
    expect(readFileSync(cardReveal.bundle.file, 'utf8')).toContain(stripeSdkMarker);
  });

  it('keeps card crypto out of the functions that never seal or open a card', () => {
    for (const fn of deployed.filter((candidate) => !candidate.environment.CARD_KEY_ARN)) {
      expect(readFileSync(bundleOf(fn), 'utf8')).not.toContain('ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY');
    }
  });
});

describe('synthesis for assertions', () => {
  it('skips esbuild when bundling is off', () => {
    expect(buildApp({ bundling: false, nag: false, context: deploymentContext }).stack.bundlingRequired).toBe(false);
  });
});
