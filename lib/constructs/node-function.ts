import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, type Duration, type ILocalBundling, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, type ParamsAndSecretsLayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type BuildOptions, buildSync } from 'esbuild';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

const runtime = Runtime.NODEJS_24_X;

/** ESM bundles still meet CommonJS dependencies that call `require`. */
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Lambda's credentials are in the environment: the SDK's default chain is replaced by its environment link. */
const credentialsAlias = { '@aws-sdk/credential-provider-node': './functions/runtime/lambda-credentials.ts' };

/**
 * The aliases a function is bundled with in a deployment on `paymentGateway` (the stack's
 * context): a gateway SDK the deployment never calls resolves to a module that says so, so the
 * functions that pay do not carry it (Stripe's SDK is about 250 KB minified).
 */
export const bundleAliases = (paymentGateway: unknown): Record<string, string> => ({
  ...credentialsAlias,
  ...(paymentGateway === 'stripe' || paymentGateway === undefined ? {} : { stripe: './functions/runtime/gateway-sdk-not-deployed.ts' }),
});

/**
 * How every function is bundled: one minified ESM file with its source map. The stack's assets
 * and the bundle bench build with these same options.
 */
export const esbuildOptions = (entryFile: string, outfile: string, aliases: Record<string, string>): BuildOptions => ({
  entryPoints: [join(projectRoot, entryFile)],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: { js: requireShim },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // Nothing external: the AWS SDK is bundled too, so the deployed code runs the versions the tests ran.
  external: [],
  alias: Object.fromEntries(Object.entries(aliases).map(([from, to]) => [from, join(projectRoot, to)])),
  logLevel: 'error',
});

/**
 * Bundles an entry with esbuild's own API. NodejsFunction runs esbuild through `npx` once per
 * function, about a second of CPU each before esbuild starts (measured): every synthesis paid
 * it seven times. Functions with the same entry and aliases share one bundle (CDK stages an
 * asset once per identical bundling).
 */
class EsbuildBundling implements ILocalBundling {
  constructor(
    readonly entryFile: string,
    readonly aliases: Record<string, string>,
  ) {}

  tryBundle(outputDir: string): boolean {
    buildSync(esbuildOptions(this.entryFile, join(outputDir, 'index.mjs'), this.aliases));
    return true;
  }
}

/**
 * Size and cold-init budgets of a bundle (minified; init measured over an empty handler).
 * Card crypto (the Encryption SDK with its KMS client) or a gateway SDK buys the larger one.
 */
export const bundleBudgets = {
  lean: { kilobytes: 400, initMs: 60 },
  cardsOrGateway: { kilobytes: 1000, initMs: 100 },
} as const;
export type BundleBudget = keyof typeof bundleBudgets;

export interface NodeFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/storefront-api/index.ts`. */
  readonly entry: string;
  /** Exported handler name in the entry file. */
  readonly handler: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  /** Which bundle budget the entry must keep (see `bundleBudgets`). */
  readonly budget: BundleBudget;
  /** Memory in MB, chosen from the bundle bench's measurement (see README). */
  readonly memorySize: number;
  /** The AWS Parameters and Secrets extension, for functions that read a secret at run time. */
  readonly paramsAndSecrets?: ParamsAndSecretsLayerVersion;
}

/**
 * The one place for Lambda defaults: newest Node runtime, ARM, X-Ray, minified ESM bundle,
 * a retained log group, and a role without AWS managed policies.
 */
export class NodeFunction extends LambdaFunction {
  /** Entry file relative to the repository root. */
  readonly entryFile: string;
  readonly handlerExport: string;
  readonly budget: BundleBudget;
  /** Module aliases of its bundle (see `bundleAliases`). */
  readonly aliases: Record<string, string>;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    const aliases = bundleAliases(scope.node.tryGetContext('paymentGateway'));
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${id}`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_YEAR });
    super(scope, id, {
      // The asset is the bundle alone, named by its content (the project directory is only where esbuild starts).
      code: Code.fromAsset(projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: runtime.bundlingImage, local: new EsbuildBundling(props.entry, aliases) },
      }),
      handler: `index.${props.handler}`,
      description: props.description,
      runtime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      paramsAndSecrets: props.paramsAndSecrets,
    });
    this.entryFile = props.entry;
    this.handlerExport = props.handler;
    this.budget = props.budget;
    this.aliases = aliases;
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing adds xray:PutTraceSegments/PutTelemetryRecords, which support no resource-level permissions.',
    });
  }
}
