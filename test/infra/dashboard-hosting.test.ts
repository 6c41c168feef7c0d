import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { dashboardVendorFiles } from '../../contract/dashboard-csp.js';
import { apiPathPatterns } from '../../lib/constructs/dashboard-hosting.js';
import { buildApp } from '../../lib/orders-stack.js';
import { projectFunctions } from './project-functions.js';
import { deploymentContext } from './deployment-context.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string | string[] };

const { app, stack } = buildApp({ bundling: false, context: deploymentContext });
const assembly = app.synth();
const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const only = (type: string) => {
  const found = ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]![1].Properties;
};
const ref = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** A CloudFormation value as readable text: `{Ref: X}` → `<X>`, `{Fn::GetAtt: [X, a]}` → `<X.a>`, joins joined. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if ('Ref' in node) return `<${node.Ref}>`;
  if ('Fn::GetAtt' in node) return `<${node['Fn::GetAtt'].join('.')}>`;
  if ('Fn::Join' in node) return node['Fn::Join'][1].map(text).join(node['Fn::Join'][0]);
  throw new Error(`no text for ${JSON.stringify(value)}`);
};

const distributionId = ref(stack.dashboard.distribution);
const distributionUrl = `https://<${distributionId}.DomainName>/`;
const filesBucketId = ref(stack.dashboard.bucket);
const clientId = ref(stack.staffAuth.dashboardClient);
const signInUrl = `https://<${ref(stack.staffAuth.domain)}>.auth.<AWS::Region>.amazoncognito.com`;
const { DistributionConfig: distribution } = only('AWS::CloudFront::Distribution');
const originOf = (behavior: { TargetOriginId: string }) => distribution.Origins.find((origin: any) => origin.Id === behavior.TargetOriginId);

/** AWS managed CloudFront policies, by their documented ids. */
const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allViewerExceptHostHeader = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('dashboard files', () => {
  const [, files] = ofType('AWS::S3::Bucket').find(([id]) => id === filesBucketId)!;

  it('sit in a private, encrypted bucket', () => {
    expect(files.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it('may be read by this distribution only (Origin Access Control), over TLS only', () => {
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === filesBucketId)!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const allowed = statements.filter((statement: any) => statement.Effect === 'Allow');
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(text(allowed[0].Condition.StringEquals['AWS:SourceArn'])).toBe(`arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${distributionId}>`);
    expect(only('AWS::CloudFront::OriginAccessControl').OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
    });
  });

  it('are the dashboard folder, a config.json naming the Cognito domain and the dashboard client, and the browser libraries', () => {
    const deployment = only('Custom::CDKBucketDeployment');
    expect(deployment.DestinationBucketName).toEqual({ Ref: filesBucketId });
    expect(deployment.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    const [folder, config, ...vendor] = (deployment.SourceObjectKeys as string[]).map((key) => join(assembly.directory, `asset.${key.replace('.zip', '')}`));
    const nodeModules = fileURLToPath(new URL('../../node_modules', import.meta.url));
    expect(
      Object.entries(dashboardVendorFiles).map(
        ([path, file], i) => readFileSync(join(vendor[i]!, path), 'utf8') === readFileSync(join(nodeModules, file), 'utf8'),
      ),
    ).toEqual(Object.keys(dashboardVendorFiles).map(() => true));
    expect(readdirSync(folder!).sort()).toEqual(readdirSync(fileURLToPath(new URL('../../dashboard', import.meta.url))).sort());
    // Deploy-time values travel as markers, replaced by the deployment handler.
    const markers: Record<string, unknown> = deployment.SourceMarkers[1];
    const withValues = Object.entries(markers).reduce(
      (json, [marker, value]) => json.replaceAll(marker, text(value)),
      readFileSync(join(config!, 'config.json'), 'utf8'),
    );
    expect(JSON.parse(withValues)).toEqual({
      apiBase: '',
      auth: 'cognito',
      cognito: { domain: signInUrl, clientId: `<${clientId}>`, region: '<AWS::Region>' },
    });
  });
});

describe('distribution', () => {
  it('serves the SPA from the bucket, index.html at the root, over HTTPS', () => {
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const origin = originOf(distribution.DefaultCacheBehavior);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [filesBucketId, 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
  });

  it('routes every API path, /admin/* and /orders/* among them, to the API stage uncached with the viewer headers and query', () => {
    expect(apiPathPatterns()).toEqual(expect.arrayContaining(['/admin/*', '/orders/*', '/checkout', '/products']));
    expect(distribution.CacheBehaviors.map((behavior: any) => behavior.PathPattern).sort()).toEqual(apiPathPatterns().sort());
    for (const behavior of distribution.CacheBehaviors) {
      expect(behavior).toMatchObject({
        AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
        CachePolicyId: cachingDisabled,
        OriginRequestPolicyId: allViewerExceptHostHeader,
        ViewerProtocolPolicy: 'https-only',
      });
      const origin = originOf(behavior);
      expect(text(origin.DomainName)).toBe(`<${ref(stack.api.restApi)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>`);
      expect(origin.OriginPath).toBe(`/${only('AWS::ApiGateway::Stage').StageName}`);
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    }
  });

  it('sends the security headers: a CSP of its own origin plus the sign-in domain, HSTS, nosniff, no framing', () => {
    const { SecurityHeadersConfig: headers } = only('AWS::CloudFront::ResponseHeadersPolicy').ResponseHeadersPolicyConfig;
    const csp = text(headers.ContentSecurityPolicy.ContentSecurityPolicy).split('; ');
    expect(csp).toEqual(expect.arrayContaining(["default-src 'self'", `connect-src 'self' ${signInUrl}`, "frame-ancestors 'none'", "object-src 'none'"]));
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
    });
    const [policyId] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    for (const behavior of [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors])
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('logs requests to a retained bucket, kept a year', () => {
    const logsId = ref(stack.dashboard.accessLogs);
    expect(distribution.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logsId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ LifecycleConfiguration: { Rules: [{ ExpirationInDays: 365, Status: 'Enabled' }] } }),
    });
  });

  it('is the DashboardUrl output', () => {
    expect(text(template.toJSON().Outputs.DashboardUrl.Value)).toBe(distributionUrl);
  });
});

describe('staff sign-in through managed login', () => {
  it('gives the pool a managed login domain, styled for the dashboard client', () => {
    expect(only('AWS::Cognito::UserPoolDomain')).toMatchObject({ ManagedLoginVersion: 2, UserPoolId: { Ref: ref(stack.staffAuth.userPool) } });
    expect(only('AWS::Cognito::ManagedLoginBranding')).toMatchObject({ ClientId: { Ref: clientId }, UseCognitoProvidedValues: true });
  });

  it('lets the dashboard client use the code grant, without a secret, returning to the distribution', () => {
    const client = only('AWS::Cognito::UserPoolClient');
    expect(client).toMatchObject({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], GenerateSecret: false });
    expect(client.AllowedOAuthScopes.sort()).toEqual(['email', 'openid', 'profile']);
    expect(client.CallbackURLs.map(text)).toEqual([distributionUrl]);
    expect(client.LogoutURLs.map(text)).toEqual([distributionUrl]);
  });

  it('takes the domain prefix from context', () => {
    const custom = Template.fromStack(buildApp({ bundling: false, nag: false, context: { ...deploymentContext, signInDomainPrefix: 'acme-staff' } }).stack);
    custom.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-staff' });
  });
});

describe('custom domain', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/0b1c2d3e-dashboard';
  const custom = buildApp({ bundling: false, context: { ...deploymentContext, dashboardDomain: 'orders.shop.test', certificateArn } });

  it('serves the dashboard on the store domain with its certificate and TLS 1.2 or later', () => {
    Template.fromStack(custom.stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['orders.shop.test'],
        ViewerCertificate: { AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    expect(custom.stack.dashboard.url).toBe('https://orders.shop.test/');
  });

  it('passes the AwsSolutions checks without acknowledging the default certificate', () => {
    const errors = new AwsSolutionsChecks().validateScope(custom.app).violations.filter((violation) => violation.severity === 'error');
    expect(errors.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('needs both the domain and its certificate', () => {
    expect(() => buildApp({ bundling: false, nag: false, context: { ...deploymentContext, dashboardDomain: 'orders.shop.test' } })).toThrow(/certificateArn/);
  });
});

describe('links in emails', () => {
  it('point at the distribution, which serves the tracking route, when no store URL is given', () => {
    for (const fn of projectFunctions(stack, resources).values()) {
      const { STORE_URL, DASHBOARD_URL } = fn.Properties.Environment.Variables;
      expect([text(STORE_URL), text(DASHBOARD_URL)]).toEqual([distributionUrl, distributionUrl]);
    }
    expect(apiPathPatterns()).toContain('/orders/*');
  });

  it('take the store URL from context, the dashboard link still from the distribution', () => {
    const custom = buildApp({ bundling: false, nag: false, context: { ...deploymentContext, storeUrl: 'https://shop.test/api' } }).stack;
    for (const fn of projectFunctions(custom, Template.fromStack(custom).toJSON().Resources).values()) {
      const { STORE_URL, DASHBOARD_URL } = fn.Properties.Environment.Variables;
      expect(STORE_URL).toBe('https://shop.test/api');
      expect(text(DASHBOARD_URL)).toBe(`https://<${custom.getLogicalId(custom.dashboard.distribution.node.defaultChild as CfnElement)}.DomainName>/`);
    }
  });
});

// `Template` refuses a template with a dependency cycle; this names the edge that would close one.
describe('dependencies', () => {
  /** Resources each resource references (Ref, GetAtt, Sub, DependsOn). */
  const dependencies = new Map(
    Object.entries(resources).map(([id, resource]) => {
      const found = new Set<string>([resource.DependsOn ?? []].flat());
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) {
          node.forEach(visit);
          return;
        }
        if (!node || typeof node !== 'object') return;
        for (const [key, value] of Object.entries(node)) {
          if (key === 'Ref') found.add(value as string);
          else if (key === 'Fn::GetAtt') found.add((value as string[])[0]!);
          else if (key === 'Fn::Sub') for (const [, name] of String([value].flat()[0]).matchAll(/\$\{([^}.!]+)/g)) found.add(name!);
          visit(value);
        }
      };
      visit(resource.Properties);
      return [id, [...found].filter((name) => name in resources)];
    }),
  );
  const reachableFrom = (start: string): Set<string> => {
    const seen = new Set<string>();
    const pending = [...dependencies.get(start)!];
    while (pending.length) {
      const next = pending.pop()!;
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(...dependencies.get(next)!);
      }
    }
    return seen;
  };

  it('build the distribution before any function or API stage, so that functions may name it', () => {
    const behind = [...reachableFrom(distributionId)].map((id) => resources[id]!.Type);
    expect(behind).not.toContain('AWS::Lambda::Function');
    expect(behind).not.toContain('AWS::ApiGateway::Stage');
    expect(behind).toContain('AWS::ApiGateway::RestApi');
  });
});

describe('cdk-nag', () => {
  it('passes the AwsSolutions checks with the dashboard hosted', () => {
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.map(
        (violation) => `${violation.severity} ${violation.ruleName} at ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`,
      );
    expect(errors).toEqual([]);
  });
});
