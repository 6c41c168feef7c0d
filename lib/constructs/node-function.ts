import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ParamsAndSecretsLayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** ESM bundles still meet CommonJS dependencies that call `require`. */
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface NodeFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/storefront-api/index.ts`. */
  readonly entry: string;
  /** Exported handler name in the entry file. */
  readonly handler: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  /** The AWS Parameters and Secrets extension, for functions that read a secret at run time. */
  readonly paramsAndSecrets?: ParamsAndSecretsLayerVersion;
}

/**
 * The one place for Lambda defaults: newest Node runtime, ARM, X-Ray, ESM bundle with
 * source maps, a retained log group, and a role without AWS managed policies.
 */
export class NodeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
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
      memorySize: 512,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      paramsAndSecrets: props.paramsAndSecrets,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: requireShim,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the deployed code runs the versions the tests ran.
        externalModules: [],
      },
    });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing adds xray:PutTraceSegments/PutTelemetryRecords, which support no resource-level permissions.',
    });
  }
}
