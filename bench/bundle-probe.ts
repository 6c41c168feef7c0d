/**
 * Helpers shared by the bundle bench and the deployment contract test: the stack's functions
 * as deployed (entry, handler, budget, environment), bundling one like the stack does, and
 * loading a bundle in a fresh Node process with the function's environment.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { type BundleBudget, esbuildOptions, NodeFunction } from '../lib/constructs/node-function.js';

export interface DeployedFunction {
  /** The construct path below the stack, e.g. `CheckoutSteps/authorizePayment`. */
  readonly name: string;
  readonly logicalId: string;
  readonly entryFile: string;
  readonly handler: string;
  readonly budget: BundleBudget;
  /** Module aliases its bundle is built with. */
  readonly aliases: Record<string, string>;
  readonly memorySize: number;
  /** The template's variables, CloudFormation references replaced by placeholders of the right shape. */
  readonly environment: Record<string, string>;
}

const placeholderAccount = '000000000000';
const placeholderRegion = 'us-east-1';

/** ARN resource parts where a client checks the shape (the KMS keyring parses key ARNs). */
const arnResource: Record<string, (id: string) => string> = { kms: (id) => `key/${id}` };

/** The part of a synthesized template read here. */
export interface SynthesizedTemplate {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties: { readonly MemorySize?: number; readonly Environment?: { readonly Variables?: Record<string, unknown> } } }
  >;
}

/** A stand-in for a reference: ARNs look like the resource type's ARNs, URLs like URLs, names like names. */
const placeholderOf = (resources: SynthesizedTemplate['Resources']) => {
  const placeholder = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const ref = value as Record<string, unknown>;
    if ('Ref' in ref) return String(ref.Ref).startsWith('AWS::') ? placeholderRegion : `ref-${String(ref.Ref).toLowerCase()}`;
    if ('Fn::GetAtt' in ref) {
      const [id, attribute] = ref['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn') {
        const service = String(resources[id]?.Type ?? 'AWS::Unknown::Resource')
          .split('::')[1]!
          .toLowerCase();
        return `arn:aws:${service}:${placeholderRegion}:${placeholderAccount}:${(arnResource[service] ?? String)(id.toLowerCase())}`;
      }
      if (attribute.endsWith('URL') || attribute.endsWith('Url')) return `https://${id.toLowerCase()}.example.com/${placeholderRegion}_placeholder`;
      return `${id.toLowerCase()}-${attribute.toLowerCase()}`;
    }
    if ('Fn::Join' in ref) {
      const [separator, parts] = ref['Fn::Join'] as [string, unknown[]];
      return parts.map(placeholder).join(separator);
    }
    if ('Fn::Select' in ref) return 'selected';
    throw new Error(`no placeholder for ${JSON.stringify(value)}`);
  };
  return placeholder;
};

/** The project's functions in a synthesized stack (CDK's own helper functions left out). */
export const deployedFunctions = (stack: Stack, template: SynthesizedTemplate): DeployedFunction[] =>
  stack.node
    .findAll()
    .filter((construct): construct is NodeFunction => construct instanceof NodeFunction)
    .map((fn) => {
      const placeholder = placeholderOf(template.Resources);
      const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
      const properties = template.Resources[logicalId]!.Properties;
      const variables = properties.Environment?.Variables ?? {};
      return {
        name: fn.node.path.slice(stack.node.path.length + 1),
        logicalId,
        entryFile: fn.entryFile,
        handler: fn.handlerExport,
        budget: fn.budget,
        aliases: fn.aliases,
        memorySize: properties.MemorySize ?? 128,
        environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, placeholder(value)])),
      };
    });

export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
}

/** Bundles one entry with the stack's esbuild options into `outdir/index.mjs` (+ its map). */
export const bundleEntry = async (entryFile: string, outdir: string, aliases: Record<string, string>): Promise<BuiltBundle> => {
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, 'index.mjs');
  await build(esbuildOptions(entryFile, file, aliases));
  return { file, bytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size };
};

/** What the Lambda runtime itself puts in every function's environment. */
export const lambdaRuntimeEnvironment = (functionName: string): Record<string, string> => ({
  AWS_REGION: placeholderRegion,
  AWS_DEFAULT_REGION: placeholderRegion,
  AWS_LAMBDA_FUNCTION_NAME: functionName,
  AWS_ACCESS_KEY_ID: 'placeholder',
  AWS_SECRET_ACCESS_KEY: 'placeholder',
  AWS_SESSION_TOKEN: 'placeholder',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
});

export interface LoadResult {
  /** Time to import the bundle, in ms (module evaluation included). */
  readonly importMs: number;
  /** CPU time (user + system) the import took, in ms: unlike wall time, barely moved by other processes on a busy machine. */
  readonly importCpuMs: number;
  /** Resident set after the import, in MB. */
  readonly rssMb: number;
  /** Environment variables the code read while loading. */
  readonly envReads: readonly string[];
  /** Connections, DNS look-ups or fetches attempted while loading. */
  readonly network: readonly string[];
  readonly handlerType: string;
}

/**
 * Runs in the fresh process before the bundle: records environment reads and refuses (and
 * records) any network use, then imports the bundle and reports.
 */
const probeScript = `
import net from 'node:net';
import dns from 'node:dns';
import { performance } from 'node:perf_hooks';
const reads = new Set();
const network = [];
const env = process.env;
process.env = new Proxy(env, { get(target, key) { if (typeof key === 'string') reads.add(key); return Reflect.get(target, key); } });
const refuse = (what) => { network.push(what); throw new Error('network use while loading: ' + what); };
net.Socket.prototype.connect = function (...args) { refuse('connect ' + JSON.stringify(args[0]?.host ?? args[0]?.path ?? args[0])); };
dns.lookup = (host) => refuse('dns ' + host);
globalThis.fetch = async (url) => refuse('fetch ' + String(url));
const [file, handler] = process.argv.slice(-2);
const started = performance.now();
const cpu = process.cpuUsage();
const module = await import(file);
const importMs = performance.now() - started;
const { user, system } = process.cpuUsage(cpu);
await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write('\\n' + JSON.stringify({ importMs, importCpuMs: (user + system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20, envReads: [...reads], network, handlerType: typeof module[handler] }));
`;

let probeFile: string | undefined;
const probe = (dir: string) => {
  if (!probeFile) {
    mkdirSync(dir, { recursive: true });
    probeFile = join(dir, 'probe.mjs');
    writeFileSync(probeFile, probeScript);
  }
  return probeFile;
};

/**
 * Imports a bundle in a fresh `node` with exactly the given environment (NODE_OPTIONS in it
 * applies, as in Lambda). Rejects with the child's stderr when the import throws.
 */
export const loadInFreshProcess = (options: { file: string; handler: string; environment: Record<string, string>; scratchDir: string }): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [probe(options.scratchDir), pathToFileURL(options.file).href, options.handler],
      { env: { PATH: process.env.PATH ?? '', ...options.environment }, timeout: 30_000 },
      (error, stdout, stderr) => {
        // The stack trace, without lines of minified source.
        const reason = stderr
          .split('\n')
          .filter((line) => line.trim() && line.length < 300)
          .slice(0, 6)
          .join('\n');
        if (error) return reject(new Error(`${options.file} failed to load: ${reason}`));
        const last = stdout.trim().split('\n').at(-1) ?? '';
        resolve(JSON.parse(last) as LoadResult);
      },
    );
  });

/** The empty ESM handler cold inits are measured against. */
export const writeEmptyHandler = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'empty.mjs');
  writeFileSync(file, 'export const handler = async () => ({});\n');
  return file;
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
