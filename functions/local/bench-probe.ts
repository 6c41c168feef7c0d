import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentClient } from '../adapters/dynamo/client.js';

/** `BENCH_PROBE=true` (the bench sets it): the twin counts what one checkout costs. Off otherwise. */
export const benchProbeEnabled = () => process.env.BENCH_PROBE === 'true';

export const benchProbePath = '/__bench/probe';

/**
 * Counts DynamoDB requests by command and sums the time spent in each workflow step, and
 * serves both as JSON at `benchProbePath` so the bench can read them before and after a request.
 */
export class BenchProbe {
  private readonly requests: Record<string, number> = {};
  private readonly steps: Record<string, { calls: number; ms: number }> = {};

  countRequests(client: DocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        this.requests[name] = (this.requests[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
  }

  timeSteps<T extends Record<string, (state: never) => Promise<unknown>>>(handlers: T): T {
    return Object.fromEntries(
      Object.entries(handlers).map(([name, handler]) => [
        name,
        async (state: never) => {
          const started = performance.now();
          try {
            return await handler(state);
          } finally {
            const step = (this.steps[name] ??= { calls: 0, ms: 0 });
            step.calls++;
            step.ms += performance.now() - started;
          }
        },
      ]),
    ) as T;
  }

  serve = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'GET' || request.url !== benchProbePath) return false;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ requests: this.requests, steps: this.steps }));
    return true;
  };
}
