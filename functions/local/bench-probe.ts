import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EncryptedDataKey, KeyringNode, type NodeDecryptionMaterial, type NodeEncryptionMaterial } from '@aws-crypto/material-management-node';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClient } from '../adapters/dynamo/client.js';
import { conditionFailedUnits, readUnits, type TableOf, type WriteTarget, writeTargets, writeUnits } from './dynamodb-billing.js';

/** `BENCH_PROBE=true` (the bench sets it): the twin counts what one checkout costs. Off otherwise. */
export const benchProbeEnabled = () => process.env.BENCH_PROBE === 'true';

export const benchProbePath = '/__bench/probe';
export const benchProbeSizingPath = '/__bench/probe/sizing';

type Capacity = { read: number; write: number };
type ConsumedCapacity = { readonly CapacityUnits?: number };
const readCommands = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * Counts DynamoDB requests by command and the capacity units they consumed, apart for the event
 * targets (in AWS other functions run them, here they share the process), sums the time spent in
 * each workflow step, and serves it all as JSON at `benchProbePath` so the bench can read it
 * before and after a request. Capacity comes twice: as DynamoDB Local reports it, and, while the
 * bench has turned sizing on (`POST` to `benchProbeSizingPath`), as DynamoDB bills it
 * (dynamodb-billing.ts), which takes a read of each written item before and after the write.
 */
export class BenchProbe {
  private readonly inBackground = new AsyncLocalStorage<true>();
  private readonly sizingRead = new AsyncLocalStorage<true>();
  private sizing = false;
  private readonly requests: Record<string, number> = {};
  private readonly background: Record<string, number> = {};
  private readonly capacity: { requests: Capacity; background: Capacity } = { requests: { read: 0, write: 0 }, background: { read: 0, write: 0 } };
  private readonly billed: Capacity = { read: 0, write: 0 };
  /** Card-key uses: in AWS each is a KMS call (the KMS keyring's GenerateDataKey or Decrypt). */
  private readonly keyUses = { seal: 0, open: 0 };
  private readonly steps: Record<string, { calls: number; ms: number }> = {};

  /** Counts the requests `client` sends; `tableOf` names the definition behind each table (its keys and indexes). */
  countRequests(client: DocumentClient, tableOf: TableOf): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (this.sizingRead.getStore()) return next(args);
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const input = args.input as Record<string, unknown>;
        const targets = this.sizing ? writeTargets(name, input, tableOf) : [];
        const before = await this.itemsOf(client, targets);
        const background = !!this.inBackground.getStore();
        const counts = background ? this.background : this.requests;
        counts[name] = (counts[name] ?? 0) + 1;
        input.ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args).catch((error: Error) => {
          if (this.sizing && error.name === 'ConditionalCheckFailedException') this.billed.write += conditionFailedUnits(targets, before);
          throw error;
        });
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, item) => sum + (item.CapacityUnits ?? 0), 0);
        const capacity = background ? this.capacity.background : this.capacity.requests;
        if (readCommands.has(name)) capacity.read += units;
        else capacity.write += units;
        if (this.sizing) {
          this.billed.read += readUnits(name, input, result.output as Record<string, unknown>);
          this.billed.write += writeUnits(targets, before, await this.itemsOf(client, targets, (t) => t.kind === 'Update'));
        }
        return result;
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
  }

  /** The keyring, counting each data key it wraps or unwraps. */
  countKeyUses(keyring: KeyringNode): KeyringNode {
    return new CountingKeyring(keyring, this.keyUses);
  }

  /** The stored items of the targets `which` picks (none for the others), read past the counting. */
  private itemsOf(
    client: DocumentClient,
    targets: readonly WriteTarget[],
    which: (target: WriteTarget) => boolean = () => true,
  ): Promise<(Record<string, unknown> | undefined)[]> {
    return this.sizingRead.run(true, () =>
      Promise.all(
        targets.map(async (target) =>
          which(target) ? (await client.send(new GetCommand({ TableName: target.tableName, Key: target.key, ConsistentRead: true }))).Item : undefined,
        ),
      ),
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
    if (request.method === 'POST' && request.url?.startsWith(`${benchProbeSizingPath}?`)) {
      this.sizing = new URLSearchParams(request.url.split('?')[1]).get('on') === 'true';
    } else if (request.method !== 'GET' || request.url !== benchProbePath) return false;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        requests: this.requests,
        background: this.background,
        capacity: this.capacity,
        billed: this.billed,
        keyUses: this.keyUses,
        steps: this.steps,
      }),
    );
    return true;
  };
}

class CountingKeyring extends KeyringNode {
  constructor(
    private readonly keyring: KeyringNode,
    private readonly uses: { seal: number; open: number },
  ) {
    super();
  }

  async _onEncrypt(material: NodeEncryptionMaterial) {
    this.uses.seal++;
    return this.keyring.onEncrypt(material);
  }

  async _onDecrypt(material: NodeDecryptionMaterial, encryptedDataKeys: EncryptedDataKey[]) {
    this.uses.open++;
    return this.keyring.onDecrypt(material, encryptedDataKeys);
  }
}
