/**
 * `npx tsx bench/bundles.ts`: bundles every function of the stack as the stack does (one
 * bundle per entry), and prints its minified size and cold module init beside its budget
 * (≤ 400 KB and ≤ 60 ms lean, ≤ 1,000 KB and ≤ 100 ms with card crypto or a gateway SDK).
 * Init is the median of 10 fresh Node processes importing the bundle with the function's own
 * environment and flags, minus the median for an empty handler, counted in CPU time (the
 * wall time is printed too, but on a shared machine it mostly measures the neighbours); it is
 * measured with and without `--enable-source-maps` to show what the flag costs. The resident
 * set after init is printed beside the configured memory size. Beside each function's init is
 * its reference, measured the same way: a bundle constructing only the SDK clients of its
 * budget class (the issue set the budgets at 60 and 100 ms where these measured 34 and 81 ms),
 * so that a reader can tell this machine's speed from the code's weight. Every probe is
 * sampled once per round, for ten rounds, so all of them see the machine at the same speeds.
 * Writes bench/results-bundles.json, with each bundle's size and init as figures of the summary table
 * (`npm run bench`); exits non-zero when a budget is exceeded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { type BundleBudget, bundleAliases, bundleBudgets } from '../lib/constructs/node-function.js';
import { buildApp } from '../lib/orders-stack.js';
import {
  type BuiltBundle,
  bundleEntry,
  type SynthesizedTemplate,
  deployedFunctions,
  lambdaRuntimeEnvironment,
  loadInFreshProcess,
  median,
  writeEmptyHandler,
} from './bundle-probe.js';
import { type Figure, writeSection } from './results.js';

const runs = 10;
const kilobyte = 1000;

/** The SDK clients alone, per budget class, with the init the issue measured for each where it set the budgets. */
const initReferences: Record<BundleBudget, { readonly label: string; readonly entry: string; readonly issueMs: number }> = {
  lean: { label: 'DynamoDB DocumentClient', entry: 'bench/init-references/dynamodb.ts', issueMs: 34 },
  cardsOrGateway: { label: 'DynamoDB + Encryption SDK', entry: 'bench/init-references/dynamodb-card-crypto.ts', issueMs: 81 },
};

// A store taking real payments through Authorize.Net; a Stripe deployment's paying functions add the Stripe SDK.
const gateway = process.env.BENCH_PAYMENT_GATEWAY ?? 'authorizenet';
const { stack } = buildApp({ bundling: false, nag: false, context: { paymentGateway: gateway, fromEmail: 'orders@store.example' } });
const functions = deployedFunctions(stack, Template.fromStack(stack).toJSON() as SynthesizedTemplate);
const scratch = mkdtempSync(join(tmpdir(), 'bundles-'));

interface Init {
  /** CPU ms of the import. */
  readonly ms: number;
  readonly wallMs: number;
  readonly rssMb: number;
}

interface Probe {
  readonly file: string;
  readonly handler: string;
  readonly environment: Record<string, string>;
}

/**
 * The medians of every probe, sampled in rounds (each probe once per round, one process at a
 * time), so that a machine slowing down or speeding up during the run weighs on all of them alike
 * and the ratios between them hold.
 */
const initMedians = async (probes: Readonly<Record<string, Probe>>): Promise<Record<string, Init>> => {
  const samples = new Map(Object.keys(probes).map((key) => [key, [] as Awaited<ReturnType<typeof loadInFreshProcess>>[]]));
  for (let run = 0; run < runs; run += 1) {
    for (const [key, probe] of Object.entries(probes)) samples.get(key)!.push(await loadInFreshProcess({ ...probe, scratchDir: scratch }));
  }
  return Object.fromEntries(
    [...samples].map(([key, of]) => [
      key,
      { ms: median(of.map((s) => s.importCpuMs)), wallMs: median(of.map((s) => s.importMs)), rssMb: median(of.map((s) => s.rssMb)) },
    ]),
  );
};

try {
  const empty = writeEmptyHandler(scratch);
  const baseEnvironment = lambdaRuntimeEnvironment('empty');
  const probes: Record<string, Probe> = {
    emptyPlain: { file: empty, handler: 'handler', environment: { ...baseEnvironment, NODE_OPTIONS: '' } },
    emptyMapped: { file: empty, handler: 'handler', environment: { ...baseEnvironment, NODE_OPTIONS: '--enable-source-maps' } },
  };
  for (const [budget, reference] of Object.entries(initReferences)) {
    const bundle = await bundleEntry(reference.entry, join(scratch, `reference-${budget}`), bundleAliases(gateway));
    probes[`reference-${budget}`] = { file: bundle.file, handler: 'handler', environment: { ...baseEnvironment, NODE_OPTIONS: '--enable-source-maps' } };
  }
  // Functions sharing an entry (the checkout steps) load the same bundle the same way: measured once.
  const bundles = new Map<string, BuiltBundle>();
  for (const fn of functions) {
    if (bundles.has(fn.entryFile)) continue;
    const bundle = await bundleEntry(fn.entryFile, join(scratch, String(bundles.size)), fn.aliases);
    bundles.set(fn.entryFile, bundle);
    const environment = { ...lambdaRuntimeEnvironment(fn.name), ...fn.environment };
    probes[`${fn.entryFile}:plain`] = { file: bundle.file, handler: fn.handler, environment: { ...environment, NODE_OPTIONS: '' } };
    probes[`${fn.entryFile}:mapped`] = { file: bundle.file, handler: fn.handler, environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' } };
  }
  const inits = await initMedians(probes);
  const emptyPlain = inits.emptyPlain!;
  const emptyMapped = inits.emptyMapped!;

  // `budgetShare`: the budget over the reference's init where the issue measured both.
  const references = Object.fromEntries(
    (Object.entries(initReferences) as [BundleBudget, (typeof initReferences)[BundleBudget]][]).map(([budget, reference]) => [
      budget,
      { ...reference, initMs: inits[`reference-${budget}`]!.ms - emptyMapped.ms, budgetShare: bundleBudgets[budget].initMs / reference.issueMs },
    ]),
  ) as Record<BundleBudget, (typeof initReferences)[BundleBudget] & { readonly initMs: number; readonly budgetShare: number }>;

  const rows = [];
  for (const fn of functions) {
    const environment = { ...lambdaRuntimeEnvironment(fn.name), ...fn.environment };
    const flags = environment.NODE_OPTIONS ?? '';
    const bundle = bundles.get(fn.entryFile)!;
    const plain = inits[`${fn.entryFile}:plain`]!;
    const mapped = inits[`${fn.entryFile}:mapped`]!;
    const asDeployed = flags.includes('--enable-source-maps') ? mapped : plain;
    const initMs = asDeployed.ms - (flags.includes('--enable-source-maps') ? emptyMapped.ms : emptyPlain.ms);
    const budget = bundleBudgets[fn.budget];
    const reference = references[fn.budget];
    rows.push({
      function: fn.name,
      entry: fn.entryFile,
      budget: fn.budget,
      kilobytes: Math.round(bundle.bytes / kilobyte),
      kilobytesBudget: budget.kilobytes,
      sizeRatio: Number((bundle.bytes / kilobyte / budget.kilobytes).toFixed(2)),
      mapKilobytes: Math.round(bundle.mapBytes / kilobyte),
      flags,
      initMs: Number(initMs.toFixed(1)),
      initMsBudget: budget.initMs,
      initRatio: Number((initMs / budget.initMs).toFixed(2)),
      referenceInitMs: Number(reference.initMs.toFixed(1)),
      initOverReference: Number((initMs / reference.initMs).toFixed(2)),
      budgetOverIssueReference: Number(reference.budgetShare.toFixed(2)),
      initWallMs: Number((asDeployed.wallMs - (flags.includes('--enable-source-maps') ? emptyMapped.wallMs : emptyPlain.wallMs)).toFixed(1)),
      initMsWithoutSourceMaps: Number((plain.ms - emptyPlain.ms).toFixed(1)),
      initMsWithSourceMaps: Number((mapped.ms - emptyMapped.ms).toFixed(1)),
      rssMb: Math.round(asDeployed.rssMb),
      memorySize: fn.memorySize,
    });
  }

  const pad = (value: unknown, width: number) => String(value).padStart(width);
  console.log(
    `empty handler: ${emptyPlain.ms.toFixed(1)} CPU ms to import (${emptyMapped.ms.toFixed(1)} with --enable-source-maps), ${Math.round(emptyPlain.rssMb)} MB resident`,
  );
  for (const [budget, reference] of Object.entries(references)) {
    console.log(
      `init reference for ${budget}: ${reference.label} alone ${reference.initMs.toFixed(1)} CPU ms here (the issue: ${reference.issueMs} ms, its budget = ${reference.budgetShare.toFixed(2)} × that)`,
    );
  }
  console.log(
    `${'function'.padEnd(34)} ${pad('KB', 6)} ${pad('budget', 7)} ${pad('ratio', 6)} ${pad('init ms', 8)} ${pad('budget', 7)} ${pad('ratio', 6)} ${pad('× ref', 6)} ${pad('wall ms', 8)} ${pad('+maps', 6)} ${pad('RSS MB', 7)} ${pad('memory', 7)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.function.padEnd(34)} ${pad(row.kilobytes, 6)} ${pad(row.kilobytesBudget, 7)} ${pad(row.sizeRatio.toFixed(2), 6)} ${pad(row.initMs.toFixed(1), 8)} ${pad(row.initMsBudget, 7)} ${pad(row.initRatio.toFixed(2), 6)} ${pad(row.initOverReference.toFixed(2), 6)} ${pad(row.initWallMs.toFixed(1), 8)} ${pad((row.initMsWithSourceMaps - row.initMsWithoutSourceMaps).toFixed(1), 6)} ${pad(row.rssMb, 7)} ${pad(row.memorySize, 7)}`,
    );
  }
  const overBudget = rows.filter((row) => row.sizeRatio > 1 || row.initRatio > 1);
  // The summary table's figures: one size and one init per bundle (functions sharing an entry load the same one).
  const figures: Figure[] = [];
  const byEntry = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) byEntry.set(row.entry, [...(byEntry.get(row.entry) ?? []), row]);
  for (const [entry, sharing] of byEntry) {
    const row = sharing[0]!;
    const name = sharing.length > 1 ? `${row.function.split('/')[0]} (${sharing.length} functions)` : row.function;
    figures.push(
      { key: `${entry}:kilobytes`, label: `bundle, ${name}`, value: row.kilobytes, unit: 'KB', target: { kind: 'max', value: row.kilobytesBudget } },
      { key: `${entry}:initMs`, label: `cold init CPU, ${name}`, value: row.initMs, unit: 'ms', target: { kind: 'max', value: row.initMsBudget } },
    );
  }
  for (const [budget, reference] of Object.entries(references)) {
    figures.push({
      key: `reference:${budget}`,
      label: `cold init CPU, ${reference.label} alone (reference)`,
      value: Number(reference.initMs.toFixed(1)),
      unit: 'ms',
    });
  }
  writeSection({
    section: 'bundles',
    figures,
    details: {
      node: process.version,
      runs,
      emptyHandlerCpuMs: { plain: emptyPlain.ms, sourceMaps: emptyMapped.ms },
      initReferences: references,
      functions: rows,
    },
  });
  if (overBudget.length > 0) {
    console.log(`over budget: ${overBudget.map((row) => row.function).join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
