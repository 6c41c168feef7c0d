import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IRestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  SecurityPolicyProtocol,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IUserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { dashboardContentSecurityPolicy, dashboardVendorFiles } from '../../contract/dashboard-csp.js';
import { type RouteDefinition, routes } from '../../contract/routes.js';

const dashboardFolder = fileURLToPath(new URL('../../dashboard', import.meta.url));
const nodeModules = fileURLToPath(new URL('../../node_modules', import.meta.url));

export interface DashboardHostingProps {
  /** The REST API whose routes the distribution serves beside the dashboard. */
  readonly restApi: IRestApi;
  /** Its stage name as a plain string (see `OrdersApi.stageName`). */
  readonly apiStageName: string;
  /** Staff sign-in through Cognito's managed login, written into the dashboard's `config.json`. */
  readonly signIn: { readonly domain: UserPoolDomain; readonly client: IUserPoolClient };
  /**
   * The store's own domain for the distribution, with its ACM certificate (in us-east-1): what a
   * store taking cards should use, since only then can the minimum TLS version be raised
   * (TLS 1.2, PCI DSS 4.2.1). Point the domain's DNS at the distribution (CNAME or alias).
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/**
 * CloudFront path patterns for every route deployed to API Gateway (contract/routes.ts): `/products`
 * as is, `/orders/{id}` and deeper as `/orders/*`. The twin-only routes stay out.
 */
export const apiPathPatterns = (): string[] => [
  ...new Set(
    (routes as readonly RouteDefinition[])
      .filter((route) => route.target !== 'local')
      .map((route) => {
        const [, first, ...rest] = route.path.split('/');
        return rest.length ? `/${first}/*` : `/${first}`;
      }),
  ),
];

/**
 * The dashboard in AWS (SPEC §2): its files in a private bucket that only this distribution may
 * read (Origin Access Control), and the REST API routed through the same distribution, so the
 * SPA calls its own origin, as in the twin, without CORS. The API's path patterns are never
 * cached and pass everything but the Host header on (Authorization, Idempotency-Key, If-Match,
 * X-Order-Token, query strings). `config.json` tells the SPA to sign in with Cognito.
 */
export class DashboardHosting extends Construct {
  readonly bucket: Bucket;
  /** CloudFront's standard logs; kept a year like the other logs (PCI DSS v4 10.5.1). */
  readonly accessLogs: Bucket;
  readonly distribution: Distribution;
  /** Where staff open the dashboard: the OAuth callback and sign-out URL, and links in staff emails. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront delivers standard logs through an ACL grant, so the bucket must allow ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access-log destination itself; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Nothing here but what each deployment writes; deleting the stack removes the files first
      // (the deployment does not retain them), then the bucket.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only the distribution reads this bucket (Origin Access Control) and its access logs record every request for these files.',
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Dashboard and API: CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: dashboardContentSecurityPolicy(props.signIn.domain.baseUrl()), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The sign-in callback carries the authorization code in its query string.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // Built from the API's id alone: a reference to its stage would make the distribution (and so
    // every function whose environment names it) depend on the functions behind the API.
    const apiOrigin = new HttpOrigin(`${props.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      originPath: `/${props.apiStageName}`,
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      // A redirect would drop a POST body: plain HTTP is refused instead.
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Orders dashboard and API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, apiBehavior])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(props.customDomain
        ? {
            domainNames: [props.customDomain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Customers follow tracking links and staff work from wherever they are; no country is to be blocked.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront web ACL must live in us-east-1, apart from this stack; the API behind these paths has its regional web ACL (common rules, rate limit), and the rest are static files.',
      },
    );
    if (!props.customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without -c dashboardDomain the distribution uses the default *.cloudfront.net certificate, whose minimum TLS version CloudFront does not let us raise; a store taking cards deploys with its own domain (TLSv1.2_2021).',
      });
    }
    this.url = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}/`;

    this.deployFiles(props.signIn);
  }

  /**
   * Uploads the dashboard folder and a `config.json` naming the sign-in domain and client. The
   * files are sent `no-cache`: the distribution keeps them for its minimum TTL (a second) and then
   * revalidates them, so a deployment shows at once without invalidations (and their grant).
   */
  private deployFiles(signIn: DashboardHostingProps['signIn']): void {
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the dashboard files into their bucket',
    });
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: RetentionDays.ONE_YEAR });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason: "BucketDeployment's read grant, on the bootstrap assets bucket (the dashboard's zip) and on the dashboard bucket (to compare before syncing).",
      },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: "BucketDeployment's read grant on the same two buckets, to locate and list them." },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: "BucketDeployment's read grant on the same two buckets: the sync lists what is there." },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: 'The dashboard zip has a content-hashed key in the bootstrap assets bucket, unknown until synthesis; read only.',
      },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: 'The sync prunes files removed from the dashboard folder, in the dashboard bucket only.' },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'The sync may abort its own multipart uploads, in the dashboard bucket only.' },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
        reason: 'Every object of the dashboard bucket is a dashboard file the deployment owns; the bucket holds nothing else.',
      },
    );
    new BucketDeployment(this, 'Deployment', {
      sources: [
        Source.asset(dashboardFolder),
        Source.jsonData('config.json', {
          apiBase: '',
          auth: 'cognito',
          cognito: { domain: signIn.domain.baseUrl(), clientId: signIn.client.userPoolClientId, region: Stack.of(this).region },
        }),
        // The browser libraries (sign-in, chart) from the installed npm packages: the same files the twin serves.
        ...Object.entries(dashboardVendorFiles).map(([path, file]) => Source.data(path, readFileSync(`${nodeModules}/${file}`, 'utf8'))),
      ],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.noCache()],
      retainOnDelete: false,
      role,
      logGroup,
    });
    // BucketDeployment's handler is a singleton at the stack's root: the function running with this role.
    const handler = Stack.of(this).node.children.find((child) => child instanceof LambdaFunction && child.role === role);
    if (!handler) throw new Error('the dashboard deployment has no handler function');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'BucketDeployment pins the Python runtime its handler and AWS CLI layer are built for; it runs only while deploying.',
    });
  }
}
