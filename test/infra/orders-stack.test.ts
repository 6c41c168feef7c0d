import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { checkoutSteps } from '../../contract/checkout-steps.js';
import { metricsNamespace, paymentAttemptsMetricName, paymentDeclinesMetricName } from '../../contract/metrics.js';
import { buildApp } from '../../lib/orders-stack.js';
import { type RouteDefinition, type RouteTarget, routes, routesFor } from '../../contract/routes.js';
import { cardCvcTable, cardVaultTable, ordersTable, tables } from '../../contract/tables.js';
import { projectFunctions } from './project-functions.js';
import { deploymentContext } from './deployment-context.js';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const { stack } = buildApp({ bundling: false, nag: false, context: deploymentContext });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const tableLogicalId = (id: string) =>
  logicalId({ [ordersTable.id]: stack.tables.orders, [cardVaultTable.id]: stack.tables.cardVault, [cardCvcTable.id]: stack.tables.cardCvc }[id]!);

const functions = projectFunctions(stack, resources);

/** Every IAM action granted to a function's role, through any policy attached to it. */
const actionsOf = (handler: string): string[] => {
  const roleId = functions.get(handler)!.Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat()));
};

describe('checkout workflow', () => {
  it('is an EXPRESS state machine with X-Ray and logs that omit execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
    });
  });
});

describe('tables', () => {
  it('keeps the card vault and the CVCs each in a table of its own, apart from orders', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', tables.length);
    expect(new Set(tables.map((table) => tableLogicalId(table.id))).size).toBe(3);
    for (const table of [cardVaultTable, cardCvcTable]) expect(resources[tableLogicalId(table.id)]!.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('gives the orders table the byStatus, byEmail, byCreated and byPendingEmail indexes', () => {
    const indexes = resources[tableLogicalId(ordersTable.id)]!.Properties.GlobalSecondaryIndexes;
    expect(indexes.map((index: any) => index.IndexName).sort()).toEqual(['byCreated', 'byEmail', 'byPendingEmail', 'byStatus']);
    for (const definition of ordersTable.globalSecondaryIndexes) {
      expect(indexes).toContainEqual(
        expect.objectContaining({
          IndexName: definition.indexName,
          KeySchema: [
            { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
          ],
        }),
      );
    }
  });

  it('keeps keys in the indexes, not orders (byStatus adds when the status was entered, which moves only with it), so an order write rewrites no index entry unless its keys change', () => {
    const indexes = resources[tableLogicalId(ordersTable.id)]!.Properties.GlobalSecondaryIndexes;
    expect(Object.fromEntries(indexes.map((index: any) => [index.IndexName, index.Projection]))).toEqual({
      byStatus: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['statusSince'] },
      byEmail: { ProjectionType: 'KEYS_ONLY' },
      byCreated: { ProjectionType: 'KEYS_ONLY' },
      byPendingEmail: { ProjectionType: 'KEYS_ONLY' },
    });
  });

  it('expires held cards and CVCs through TTL on their tables', () => {
    for (const table of [cardVaultTable, cardCvcTable]) {
      expect(resources[tableLogicalId(table.id)]!.Properties.TimeToLiveSpecification).toEqual({ AttributeName: table.timeToLiveAttribute, Enabled: true });
    }
  });

  it('bills on demand and survives stack deletion; orders and held cards recover to a point in time, CVCs are in no backup', () => {
    const recovery = Object.fromEntries(tables.map((table) => [table.id, resources[tableLogicalId(table.id)]!.Properties.PointInTimeRecoverySpecification]));
    expect(recovery).toEqual({
      [ordersTable.id]: { PointInTimeRecoveryEnabled: true },
      [cardVaultTable.id]: { PointInTimeRecoveryEnabled: true },
      [cardCvcTable.id]: { PointInTimeRecoveryEnabled: false },
    });
    for (const [, table] of ofType('AWS::DynamoDB::Table')) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('card key', () => {
  it('rotates automatically', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::KMS::Alias', 1);
  });
});

describe('REST API', () => {
  /** Full path of every API Gateway resource, rebuilt from PathPart + ParentId. */
  const pathOf = (resourceId: unknown): string => {
    if (typeof resourceId === 'object' && resourceId && 'Fn::GetAtt' in resourceId) return '';
    const resource = resources[(resourceId as { Ref: string }).Ref]!;
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  const methods = ofType('AWS::ApiGateway::Method').map(([, method]) => ({
    route: `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId)}`,
    integration: method.Properties.Integration,
    authorizationType: method.Properties.AuthorizationType,
    authorizerId: method.Properties.AuthorizerId,
  }));
  const methodOf = (route: RouteDefinition) => methods.find((method) => method.route === `${route.method} ${route.path}`)!;
  /** The handler export serving each target in AWS; `local` routes have none. */
  const handlerOf: Record<Exclude<RouteTarget, 'local'>, string> = { storefront: 'handler', admin: 'adminApi', cardReveal: 'revealCard' };
  const deployed = (routes as readonly RouteDefinition[]).filter((route) => route.target !== 'local');

  it('has a method for every route but the twin-only ones, and nothing else', () => {
    expect(methods.map((method) => method.route).sort()).toEqual(deployed.map((route) => `${route.method} ${route.path}`).sort());
    expect(routesFor('local').map((route) => route.path)).toEqual(['/auth/login']);
    expect(routesFor('admin').length).toBeGreaterThan(0);
  });

  it("proxies every method to its target's function", () => {
    for (const route of deployed) {
      const method = methodOf(route);
      expect(method.integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.integration.Uri)).toContain(functions.get(handlerOf[route.target as keyof typeof handlerOf])!.id);
    }
  });

  it('guards every staff route with the Cognito authorizer and leaves the storefront open', () => {
    const authorizers = ofType('AWS::ApiGateway::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({ Type: 'COGNITO_USER_POOLS', IdentitySource: 'method.request.header.Authorization' });
    expect(authorizer.Properties.ProviderARNs).toEqual([{ 'Fn::GetAtt': [logicalId(stack.staffAuth.userPool), 'Arn'] }]);
    for (const route of deployed) {
      const method = methodOf(route);
      if (route.auth === 'public') expect(method.authorizationType).toBe('NONE');
      else expect(method).toMatchObject({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: { Ref: authorizerId } });
    }
  });

  it('logs access, never request data, traces and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR', ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
      ],
    });
  });

  it('sits behind a WAF web ACL with the AWS common rules and a rate limit', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }) } }),
        Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) } }),
      ]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('staff sign-in', () => {
  const [, pool] = ofType('AWS::Cognito::UserPool')[0]!;

  it('is a Cognito user pool without self sign-up, MFA (TOTP) required, on the plus plan with threat protection', () => {
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('demands strong passwords (PCI DSS v4 8.3.6, 8.3.7)', () => {
    expect(pool.Properties.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      PasswordHistorySize: 4,
    });
  });

  it('has the groups admin and csr', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'csr']);
  });

  it('gives the staff functions the issuer and the dashboard client to verify tokens with', () => {
    for (const handler of ['adminApi', 'revealCard']) {
      expect(functions.get(handler)!.Properties.Environment.Variables).toMatchObject({
        STAFF_TOKEN_ISSUER: { 'Fn::GetAtt': [logicalId(stack.staffAuth.userPool), 'ProviderURL'] },
        STAFF_TOKEN_AUDIENCE: { Ref: logicalId(stack.staffAuth.dashboardClient) },
      });
    }
  });
});

describe('functions', () => {
  it('deploys the storefront, one function per checkout step, the fulfillment push, the monitor, the order mail, the admin API and card reveal', () => {
    expect([...functions.keys()].sort()).toEqual(
      ['handler', ...checkoutSteps, 'fulfillmentPush', 'stuckOrderMonitor', 'adminApi', 'revealCard', 'orderMail'].sort(),
    );
  });

  it('run on the newest Node runtime, on ARM, traced', () => {
    for (const fn of functions.values()) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('learn the orders table, the sender and source maps from the environment; the card key only where cards are sealed or opened', () => {
    for (const fn of functions.values()) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        [ordersTable.envVar]: { Ref: tableLogicalId(ordersTable.id) },
        MAIL_FROM: deploymentContext.fromEmail,
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    const withCardKey = [...functions].filter(([, fn]) => fn.Properties.Environment.Variables.CARD_KEY_ARN).map(([handler]) => handler);
    // The checkout steps share one bundle, which builds the vault for authorizePayment when it loads.
    expect(withCardKey.sort()).toEqual(['handler', 'revealCard', ...checkoutSteps].sort());
    expect(functions.get('handler')!.Properties.Environment.Variables.CHECKOUT_STATE_MACHINE_ARN).toEqual({
      Ref: logicalId(stack.checkout.stateMachine),
    });
  });
});

describe('least privilege around the card key and the vault', () => {
  const cardKeyId = logicalId(stack.cardKey.key);
  const keyPolicy = resources[cardKeyId]!.Properties.KeyPolicy.Statement as any[];
  const roleOf = (handler: string): string => functions.get(handler)!.Properties.Role['Fn::GetAtt'][0];
  const policiesOf = (handler: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleOf(handler)))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[]);
  const references = (statement: any, id: string) => JSON.stringify(statement.Resource ?? '').includes(`"${id}"`);

  /** `kms:Decrypt card-attempt`: what the key policy (and any IAM policy, which must add nothing) lets the role do with the card key. */
  const kmsOf = (handler: string): string[] =>
    [
      ...keyPolicy
        .filter((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ AWS: { 'Fn::GetAtt': [roleOf(handler), 'Arn'] } }))
        .flatMap((statement) =>
          [statement.Action]
            .flat()
            .map((action: string) => `${action} ${[statement.Condition.StringEquals['kms:EncryptionContext:purpose']].flat().sort().join(',')}`),
        ),
      ...policiesOf(handler)
        .filter((statement) => references(statement, cardKeyId))
        .flatMap((statement) => [statement.Action].flat().map((action: string) => `${action} (IAM)`)),
    ].sort();
  const tableRightsOf = (handler: string, tableId: string): string[] =>
    policiesOf(handler)
      .filter((statement) => statement.Effect === 'Allow' && references(statement, tableLogicalId(tableId)))
      .flatMap((statement) => [statement.Action].flat())
      .sort();

  it('lists, per role, its card-key, vault and CVC-table rights', () => {
    const rights = Object.fromEntries(
      [...functions.keys()]
        .sort()
        .map((handler) => [handler, { kms: kmsOf(handler), vault: tableRightsOf(handler, cardVaultTable.id), cvc: tableRightsOf(handler, cardCvcTable.id) }]),
    );
    expect(rights).toEqual({
      adminApi: { kms: [], vault: ['dynamodb:DeleteItem'], cvc: ['dynamodb:DeleteItem'] },
      authorizePayment: { kms: ['kms:Decrypt card-attempt', 'kms:GenerateDataKey card-hold'], vault: ['dynamodb:PutItem'], cvc: ['dynamodb:GetItem'] },
      compensateCheckout: { kms: [], vault: ['dynamodb:DeleteItem'], cvc: ['dynamodb:DeleteItem'] },
      fulfillmentPush: { kms: [], vault: [], cvc: [] },
      handler: {
        kms: ['kms:GenerateDataKey card-attempt'],
        vault: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        cvc: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
      },
      holdCardOffline: { kms: [], vault: ['dynamodb:UpdateItem'], cvc: ['dynamodb:DeleteItem'] },
      markIncomplete: { kms: [], vault: ['dynamodb:UpdateItem'], cvc: ['dynamodb:DeleteItem'] },
      placeOrder: { kms: [], vault: ['dynamodb:DeleteItem'], cvc: ['dynamodb:DeleteItem'] },
      reserveStock: { kms: [], vault: [], cvc: [] },
      revealCard: { kms: ['kms:Decrypt card-hold'], vault: ['dynamodb:DeleteItem', 'dynamodb:GetItem'], cvc: ['dynamodb:DeleteItem'] },
      orderMail: { kms: [], vault: [], cvc: [] },
      stuckOrderMonitor: { kms: [], vault: [], cvc: [] },
    });
  });

  it('lets the account administer the card key but not use it, and names no other principal', () => {
    const [administration, ...uses] = keyPolicy;
    expect(administration.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
    const use = /^kms:(Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant|\*)/;
    expect([administration.Action].flat().filter((action: string) => use.test(action))).toEqual([]);
    for (const statement of uses) {
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': expect.anything() } });
      const [roleId, attribute] = statement.Principal.AWS['Fn::GetAtt'];
      expect(attribute).toBe('Arn');
      expect([...functions.keys()].map(roleOf)).toContain(roleId);
    }
  });

  it('denies every role with the orders table any update or delete of an audit item', () => {
    const ordersArn = { 'Fn::GetAtt': [tableLogicalId(ordersTable.id), 'Arn'] };
    for (const handler of functions.keys()) {
      expect(policiesOf(handler)).toContainEqual({
        Sid: 'AuditItemsAreAppendOnly',
        Effect: 'Deny',
        Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Resource: ordersArn,
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
      });
    }
  });

  it('lets the storefront start the checkout and the admin API run it for recorded orders', () => {
    expect(actionsOf('handler')).toContain('states:StartSyncExecution');
    expect(actionsOf('adminApi')).toContain('states:StartSyncExecution');
  });

  it('lets only the order mail function (the outbox), the admin API and the monitor (digest, outbox drain) send email; the storefront and card reveal queue theirs', () => {
    const sending = [...functions.keys()].filter((handler) => actionsOf(handler).includes('ses:SendEmail'));
    expect(sending.sort()).toEqual(['adminApi', 'orderMail', 'stuckOrderMonitor']);
  });

  const readersOf = (secretId: string) =>
    [...functions.keys()]
      .filter((handler) =>
        policiesOf(handler).some((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue') && references(statement, secretId)),
      )
      .sort();

  it('lets only the functions that call the gateway read its credentials: authorize, capture/void (admin), charge (card reveal)', () => {
    expect(readersOf(logicalId(stack.secrets.gatewayCredentials))).toEqual(['adminApi', 'authorizePayment', 'revealCard']);
  });

  it('lets only the functions that fingerprint read the fingerprint key: the storefront, and the admin API (idempotent recorded orders)', () => {
    expect(readersOf(logicalId(stack.secrets.fingerprintKey))).toEqual(['adminApi', 'handler']);
  });
});

describe('deployment choices', () => {
  const gatewayCallers = ['adminApi', 'authorizePayment', 'revealCard'];

  it('refuses to synthesize without a payment gateway, naming the choices', () => {
    expect(() => buildApp({ bundling: false, nag: false, context: { fromEmail: 'orders@store.test' } })).toThrow(
      /-c paymentGateway=authorizenet\|stripe\|sandbox/,
    );
    expect(() => buildApp({ bundling: false, nag: false, context: { ...deploymentContext, paymentGateway: 'paypal' } })).toThrow(/"paypal" is none of them/);
  });

  it('refuses to synthesize without a sender: a deployed store never sends from an unverified address', () => {
    expect(() => buildApp({ bundling: false, nag: false, context: { paymentGateway: 'stripe' } })).toThrow(/-c fromEmail=/);
  });

  it('synthesizes only when asked: no app left to synthesize again as the process exits', () => {
    // With CDK_OUTDIR set (the CLI, and these tests) CDK would otherwise hook every app to exit.
    expect(process.env.CDK_OUTDIR).toBeTruthy();
    const hooks = process.listenerCount('beforeExit');
    buildApp({ bundling: false, nag: false, context: deploymentContext });
    expect(process.listenerCount('beforeExit')).toBe(hooks);
  });

  it('tells the gateway callers which gateway and where its credentials are; sandbox only when chosen', () => {
    for (const handler of gatewayCallers) {
      expect(functions.get(handler)!.Properties.Environment.Variables).toMatchObject({
        PAYMENT_GATEWAY: 'sandbox',
        PAYMENT_GATEWAY_SECRET_ARN: { Ref: logicalId(stack.secrets.gatewayCredentials) },
      });
    }
    const stripe = buildApp({ bundling: false, nag: false, context: { ...deploymentContext, paymentGateway: 'stripe' } }).stack;
    const stripeFunctions = projectFunctions(stripe, Template.fromStack(stripe).toJSON().Resources);
    for (const handler of gatewayCallers) expect(stripeFunctions.get(handler)!.Properties.Environment.Variables.PAYMENT_GATEWAY).toBe('stripe');
  });

  it('checks senders against the verified identity: the address, or its domain with verifyMailDomain', () => {
    expect(functions.get('adminApi')!.Properties.Environment.Variables.MAIL_VERIFIED_IDENTITY).toBe(deploymentContext.fromEmail);
    const domain = buildApp({ bundling: false, nag: false, context: { ...deploymentContext, verifyMailDomain: 'true' } }).stack;
    const domainTemplate = Template.fromStack(domain);
    expect(projectFunctions(domain, domainTemplate.toJSON().Resources).get('adminApi')!.Properties.Environment.Variables.MAIL_VERIFIED_IDENTITY).toBe(
      'store.test',
    );
    domainTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'store.test' });
  });
});

describe('card-testing defences', () => {
  const [, webAcl] = ofType('AWS::WAFv2::WebACL')[0]!;
  const rule = (name: string) => webAcl.Properties.Rules.find((r: any) => r.Name === name);

  it('rate-limits card submissions per IP tighter than the rest', () => {
    const cards = rule('CardSubmissionsPerIp').Statement.RateBasedStatement;
    const all = rule('RateLimitPerIp').Statement.RateBasedStatement;
    expect(cards.Limit).toBeLessThan(all.Limit / 5);
    expect(cards.AggregateKeyType).toBe('IP');
    const [method, path] = cards.ScopeDownStatement.AndStatement.Statements;
    expect(method.ByteMatchStatement).toMatchObject({ FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchString: 'POST' });
    const pattern = new RegExp(path.RegexMatchStatement.RegexString);
    expect(['/v1/checkout', '/v1/orders/ORD-1/payment'].every((p) => pattern.test(p))).toBe(true);
    expect(['/v1/orders/ORD-1', '/v1/orders/ORD-1/offline', '/v1/products', '/v1/checkout/x'].some((p) => pattern.test(p))).toBe(false);
    expect(rule('CardSubmissionsPerIp').Action.Block.CustomResponse.ResponseCode).toBe(429);
  });

  it('pages on the ratio of declines to authorization attempts', () => {
    const alarm = resources[logicalId(stack.declineRatioAlarm)]!.Properties;
    const metrics = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
    expect(metrics.map((m: any) => m.MetricName).sort()).toEqual([paymentAttemptsMetricName, paymentDeclinesMetricName].sort());
    for (const metric of metrics) expect(metric).toMatchObject({ Namespace: metricsNamespace, Dimensions: [{ Name: 'Stack', Value: stack.stackName }] });
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toMatch(/declines \/ attempts/);
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(stack.monitor.pages) }]);
  });
});

describe('retention', () => {
  it('keeps the checkout workflow logs 365 days (PCI DSS 10.5.1)', () => {
    const logGroupId =
      resources[logicalId(stack.checkout.stateMachine)]!.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(365);
  });
});
