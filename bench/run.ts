/**
 * `npm run bench`: every bench section in turn, each a process of its own writing
 * `bench/results-<section>.json`; then `bench/results.json` with all of them and the README's
 * table between its bench markers. Each figure is printed beside its floor or target and ratio.
 *
 *   npm run bench                       monitor, checkout, bundles, test wall time, cost
 *   npm run bench -- --only=checkout,cost
 *   npm run bench -- --soak             the 10,000-checkout soak at concurrency 32 alone
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startTwinProcess } from '../test/support/twin-process.js';
import { reapedChildrenCpuMs } from './process-cpu.js';
import { type Figure, figureRow, meets, percentile, printFigures, readSection, type SectionResult, writeSection } from './results.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const testTargetSeconds = 120;
const twinStarts = 3;

/**
 * `npm start --memory` from spawn to its ready line, as a developer waits for it and as each
 * twin of the test run costs (median of three).
 */
const twinStartSeconds = async (): Promise<number> => {
  const samples: number[] = [];
  for (let run = 0; run < twinStarts; run += 1) {
    const started = performance.now();
    const twin = await startTwinProcess();
    samples.push((performance.now() - started) / 1000);
    await twin.stop();
  }
  return percentile(samples, 50);
};

const runScript = (script: string, args: string[] = []) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', here(script), ...args], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
};

/**
 * The twin's start, then `npm test` as a developer runs it, timed from start to exit, with the
 * CPU its processes used (twins, DynamoDB Local, Chromium, Vitest): on a machine the suite keeps
 * busy, that CPU over the cores is the least wall time any ordering of the same work could take.
 */
const runTests = async (): Promise<boolean> => {
  const twinSeconds = await twinStartSeconds();
  const cpuBefore = reapedChildrenCpuMs();
  const started = performance.now();
  const result = spawnSync('npm', ['test', '--silent'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = reapedChildrenCpuMs();
  const cores = availableParallelism();
  const cpuSeconds = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / 1000;
  writeSection({
    section: 'tests',
    figures: [
      { key: 'npmTestSeconds', label: '`npm test` wall time', value: seconds, unit: 's', target: { kind: 'max', value: testTargetSeconds } },
      { key: 'npmTestPassed', label: '`npm test` exit code', value: result.status ?? 1, unit: '', target: { kind: 'max', value: 0 } },
      ...(cpuSeconds === null
        ? []
        : [
            { key: 'npmTestCpuSeconds', label: '`npm test` CPU, all its processes', value: cpuSeconds, unit: 's' },
            { key: 'npmTestCpuBoundSeconds', label: `wall time that CPU needs at least on ${cores} cores`, value: cpuSeconds / cores, unit: 's' },
          ]),
      { key: 'twinStartSeconds', label: `\`npm start --memory\` to ready (median of ${twinStarts})`, value: twinSeconds, unit: 's' },
    ],
  });
  return result.status === 0;
};

const sections: Record<string, { run: () => boolean | Promise<boolean> }> = {
  monitor: { run: () => runScript('monitor.ts') },
  checkout: { run: () => runScript('checkout.ts') },
  bundles: { run: () => runScript('bundles.ts') },
  tests: { run: runTests },
  cost: { run: () => runScript('cost.ts') },
};

const titles: Record<string, string> = {
  monitor: 'stuck-order monitor',
  checkout: 'checkout',
  soak: 'soak (10,000 mixed checkouts, concurrency 32)',
  bundles: 'bundles',
  tests: 'test suite',
  cost: 'cost model',
};

const markdownTable = (results: readonly SectionResult[]) => {
  const lines = ['| section | figure | value | floor / target | ratio | |', '| --- | --- | --- | --- | --- | --- |'];
  for (const result of results) {
    for (const figure of result.figures) {
      const row = figureRow(figure);
      lines.push(`| ${result.section} | ${row.label} | ${row.value} | ${row.bar} | ${row.ratio} | ${row.verdict} |`);
    }
  }
  return lines.join('\n');
};

const updateReadme = (results: readonly SectionResult[]) => {
  const readme = `${root}/README.md`;
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const measured = results
    .map((r) => r.measuredAt)
    .sort()
    .at(-1)
    ?.slice(0, 16)
    .replace('T', ' ');
  const block = `${start}\nLatest \`npm run bench\` (${measured} UTC, this machine):\n\n${markdownTable(results)}\n${end}`;
  if (!text.includes(start)) throw new Error('README.md has no bench markers');
  writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), block));
};

const main = async () => {
  const args = process.argv.slice(2);
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  let failed = false;
  if (args.includes('--soak')) {
    failed = !runScript('checkout.ts', ['--soak']);
  } else {
    for (const [name, section] of Object.entries(sections)) {
      if (only && !only.includes(name)) continue;
      console.log(`\n=== ${titles[name]} ===`);
      if (!(await section.run())) {
        console.error(`the ${name} bench failed`);
        failed = true;
      }
    }
  }
  const results = ['monitor', 'checkout', 'soak', 'bundles', 'tests', 'cost'].map(readSection).filter((r): r is SectionResult => r !== null);
  writeFileSync(here('results.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), sections: results }, null, 2)}\n`);
  console.log('\n=== all figures (bench/results.json) ===');
  for (const result of results) printFigures(`${titles[result.section] ?? result.section} (measured ${result.measuredAt})`, result.figures as Figure[]);
  updateReadme(results);
  const missed = results.flatMap((r) => (r.figures as Figure[]).filter((f) => !meets(f)).map((f) => `${r.section}: ${f.label}`));
  if (missed.length) console.log(`\nmissed: ${missed.join('; ')}`);
  if (failed || missed.length) process.exitCode = 1;
};

await main();
