import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** The file that changes store-wide settings: on a twin of its own, so other files never see those changes. */
const storeWideFile = 'test/integration/store-wide.test.ts';
const twinTimeouts = { testTimeout: 30_000, hookTimeout: 60_000 };
/**
 * No file mocks a module or changes the environment, so the files of a worker share its module
 * cache: the SDK, the core and CDK load once per worker instead of once per file.
 */
const shared = { isolate: false };

export default defineConfig({
  test: {
    // Most of a twin-backed file's time is spent waiting on the twin's own processes (the twin,
    // DynamoDB Local, Chromium), so a worker more than the cores keeps them busy: one worker per
    // core but one (Vitest's default) left a 2-core machine idle a third of the run (measured).
    maxWorkers: availableParallelism() + 1,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...shared } },
      // Gateway adapters against loopback stand-ins that answer the providers' wire formats.
      { test: { name: 'contract', include: ['test/contract/**/*.test.ts'], ...shared } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, storeWideFile],
          globalSetup: ['test/integration/twin-setup.ts'],
          ...twinTimeouts,
          ...shared,
        },
      },
      {
        // Store-wide changes: lowered card-testing limits, for one, would refuse the rest of the suite's declines.
        test: {
          name: 'integration-store-wide',
          include: [storeWideFile],
          globalSetup: ['test/integration/twin-setup.ts'],
          ...twinTimeouts,
          ...shared,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // On the integration files' twin when both run (`twinGroup` in twin-setup.ts).
          globalSetup: ['test/integration/twin-setup.ts'],
          // A page waits on the API, the workflow and the browser: polls get a few seconds.
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          setupFiles: ['test/infra/synth-outdir.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          ...shared,
        },
      },
    ],
  },
});
