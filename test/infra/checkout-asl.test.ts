import '../../functions/local/promise-polyfill.js';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { aslFromTemplate, normalizeAsl, placeholderFunctionArn, synthesizeCheckoutAsl } from '../../lib/checkout-asl.js';
import { checkoutSteps, gatewayUnavailableError } from '../../contract/checkout-steps.js';
import { buildApp } from '../../lib/orders-stack.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkoutAslKey, checkoutAslSources, checkoutDefinition } from '../../functions/local/checkout-definition.js';
import { deploymentContext } from './deployment-context.js';

const twinAsl = synthesizeCheckoutAsl();
const stackAsl = aslFromTemplate(Template.fromStack(buildApp({ bundling: false, nag: false, context: deploymentContext }).stack).toJSON());

type Handlers = Record<string, (input: any) => Promise<unknown>>;
const run = (handlers: Handlers, input: object) =>
  new StateMachine(twinAsl as never).run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(checkoutSteps.map((step) => [step, 0])),
    },
  }).result as Promise<Record<string, unknown>>;

const approvedCard: Handlers = {
  reserveStock: async () => ({ reserved: true, paymentMethod: 'card' }),
  authorizePayment: async () => ({ approved: true }),
  placeOrder: async () => ({ status: 'ORDER_PLACED' }),
};

describe('checkout ASL', () => {
  it('is the same definition the stack deploys', () => {
    expect(twinAsl).toEqual(normalizeAsl(stackAsl));
  });

  it('passes the ASL validator, which the twin does not run at its start', () => {
    expect(() => new StateMachine(twinAsl as never)).not.toThrow();
    const broken = { ...twinAsl, StartAt: 'NoSuchState' };
    expect(() => new StateMachine(broken as never)).toThrow();
  });

  it('names each Lambda task after its step, with a placeholder ARN', () => {
    const tasks = Object.entries(twinAsl.States).filter(([, state]) => state.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual([...checkoutSteps].sort());
    for (const [name, state] of tasks) expect(state.Resource).toBe(placeholderFunctionArn(name));
  });

  it('runs in aws-local-stepfunctions with local handlers', async () => {
    const output = await run(approvedCard, { orderId: 'o-1', cardRef: 'c-1', onDecline: 'ask' });
    expect(output).toMatchObject({ orderId: 'o-1', authorization: { approved: true }, placement: { status: 'ORDER_PLACED' } });
  });

  it('skips the reservation of an order created holding its stock, passing its facts on', async () => {
    const seen: unknown[] = [];
    const reservation = { reserved: true, paymentMethod: 'card', outOfStock: [], amountCents: 1999, currency: 'USD' };
    const output = await run(
      {
        reserveStock: async () => Promise.reject(new Error('must not run')),
        authorizePayment: async (state) => {
          seen.push(state.reservation);
          return { approved: true };
        },
        placeOrder: async () => ({ status: 'ORDER_PLACED' }),
      },
      { orderId: 'o-5', cardRef: 'c-5', onDecline: 'ask', attempt: 1, reservation },
    );
    expect(seen).toEqual([reservation]);
    expect(output).toMatchObject({ placement: { status: 'ORDER_PLACED' } });
  });

  it('treats an exhausted gateway as a decline', async () => {
    let attempts = 0;
    const unavailable = async () => {
      attempts += 1;
      throw Object.assign(new Error('processing_error'), { name: gatewayUnavailableError });
    };
    const output = await run(
      { ...approvedCard, authorizePayment: unavailable, markIncomplete: async () => ({ status: 'INCOMPLETE' }) },
      { orderId: 'o-2', cardRef: 'c-2', onDecline: 'ask' },
    );
    expect(attempts).toBe(3);
    expect(output).toMatchObject({ authorization: { approved: false, declineReason: 'gateway_unavailable' }, placement: { status: 'INCOMPLETE' } });
  });

  it('finishes without waiting for email: receipts are queued by the outcome step', async () => {
    const output = await run(approvedCard, { orderId: 'o-3', cardRef: 'c-3', onDecline: 'ask' });
    expect(Object.keys(output)).not.toContain('receipt');
  });
});

describe("the twin's kept definition", () => {
  it('is keyed by every file of ours the synthesis imports', async () => {
    const { metafile } = await build({
      entryPoints: ['lib/checkout-asl.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
    });
    const imported = Object.keys(metafile.inputs);
    expect(imported).toContain('lib/constructs/checkout-workflow.ts');
    expect(imported.filter((file) => !checkoutAslSources.some((folder) => file.startsWith(`${folder}/`)))).toEqual([]);
  });

  it('is the definition the stack deploys, kept under its key and read back from there', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'checkout-asl-cache-'));
    try {
      writeFileSync(join(cacheDir, 'checkout-asl-0000.json'), '{}');
      // (The runs above may have changed twinAsl in place: aws-local-stepfunctions fills in defaults.)
      expect(await checkoutDefinition(cacheDir)).toEqual(normalizeAsl(stackAsl));
      const kept = `checkout-asl-${checkoutAslKey()}.json`;
      // A definition of older sources is removed; the next start reads the kept one.
      expect(readdirSync(cacheDir)).toEqual([kept]);
      writeFileSync(join(cacheDir, kept), JSON.stringify({ ...twinAsl, Comment: 'read back' }));
      expect(await checkoutDefinition(cacheDir)).toMatchObject({ Comment: 'read back' });
      // A place it cannot keep it (here under a file) only costs a synthesis.
      expect(await checkoutDefinition(join(cacheDir, kept, 'cache'))).toEqual(normalizeAsl(stackAsl));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
