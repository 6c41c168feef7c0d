import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ParamsAndSecretsLayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** ESM bundles still meet CommonJS dependencies that call `require`. */
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild, through NodejsFunction). Exported so that the bundle
 * bench builds exactly what the stack deploys.
 */
export const bundling = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: requireShim,
  minify: true,
  sourceMap: true,
  // Bundle the AWS SDK too: the deployed code runs the versions the tests ran.
  externalModules: [] as string[],
  /** Lambda's credentials are in the environment: the SDK's default chain is replaced by its environment link. */
  alias: { '@aws-sdk/credential-provider-node': './functions/runtime/lambda-credentials.ts' } as Record<string, string>,
} as const;

/**
 * The aliases a function is bundled with in a deployment on `paymentGateway` (the stack's
 * context): a gateway SDK the deployment never calls resolves to a module that says so, so the
 * functions that pay do not carry it (Stripe's SDK is about 250 KB minified).
 */
export const bundleAliases = (paymentGateway: unknown): Record<string, string> => ({
  ...bundling.alias,
  ...(paymentGateway === 'stripe' || paymentGateway === undefined ? {} : { stripe: './functions/runtime/gateway-sdk-not-deployed.ts' }),
});

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
export class NodeFunction extends NodejsFunction {
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
      entry: `${projectRoot}${props.entry}`,
      handler: props.handler,
      description: props.description,
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      paramsAndSecrets: props.paramsAndSecrets,
      bundling: {
        format: OutputFormat.ESM,
        target: bundling.target,
        mainFields: [...bundling.mainFields],
        banner: bundling.banner,
        minify: bundling.minify,
        sourceMap: bundling.sourceMap,
        sourcesContent: false,
        externalModules: bundling.externalModules,
        esbuildArgs: Object.fromEntries(Object.entries(aliases).map(([from, to]) => [`--alias:${from}`, to])),
      },
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
