import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentClient } from '../adapters/dynamo/client.js';

/** `BENCH_PROBE=true` (the bench sets it): the twin counts what one checkout costs. Off otherwise. */
export const benchProbeEnabled = () => process.env.BENCH_PROBE === 'true';

export const benchProbePath = '/__bench/probe';

type Capacity = { read: number; write: number };
type ConsumedCapacity = { readonly CapacityUnits?: number };
const readCommands = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * Counts DynamoDB requests by command and the capacity units they consumed (as DynamoDB Local
 * reports them: a transaction's items at twice the price), apart for the event targets (in AWS
 * other functions run them, here they share the process), sums the time spent in each workflow
 * step, and serves it all as JSON at `benchProbePath` so the bench can read it before and after
 * a request.
 */
export class BenchProbe {
  private readonly inBackground = new AsyncLocalStorage<true>();
  private readonly requests: Record<string, number> = {};
  private readonly background: Record<string, number> = {};
  private readonly capacity: { requests: Capacity; background: Capacity } = { requests: { read: 0, write: 0 }, background: { read: 0, write: 0 } };
  private readonly steps: Record<string, { calls: number; ms: number }> = {};

  countRequests(client: DocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const background = !!this.inBackground.getStore();
        const counts = background ? this.background : this.requests;
        counts[name] = (counts[name] ?? 0) + 1;
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, item) => sum + (item.CapacityUnits ?? 0), 0);
        const capacity = background ? this.capacity.background : this.capacity.requests;
        if (readCommands.has(name)) capacity.read += units;
        else capacity.write += units;
        return result;
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
  }

  /** An event target whose requests count as background work, timed under `name`. */
  backgroundTarget<E, R>(name: string, handler: (event: E) => Promise<R>): (event: E) => Promise<R> {
    return (event) => this.inBackground.run(true, () => this.timed(name, () => handler(event)));
  }

  private async timed<R>(name: string, run: () => Promise<R>): Promise<R> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const step = this.steps[name] ?? { calls: 0, ms: 0 };
      this.steps[name] = { calls: step.calls + 1, ms: step.ms + performance.now() - started };
    }
  }

  timeSteps<T extends Record<string, (state: never) => Promise<unknown>>>(handlers: T): T {
    return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, (state: never) => this.timed(name, () => handler(state))])) as T;
  }

  serve = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'GET' || request.url !== benchProbePath) return false;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ requests: this.requests, background: this.background, capacity: this.capacity, steps: this.steps }));
    return true;
  };
}
