import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { checkoutSteps } from '../../contract/checkout-steps.js';
import { buildApp } from '../../lib/orders-stack.js';
import { type RouteDefinition, type RouteTarget, routes, routesFor } from '../../contract/routes.js';
import { cardVaultTable, ordersTable, tables } from '../../contract/tables.js';
import { projectFunctions } from './project-functions.js';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const { stack } = buildApp({ bundling: false, nag: false });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const tableLogicalId = (id: string) => logicalId(id === ordersTable.id ? stack.tables.orders : stack.tables.cardVault);

const functions = projectFunctions(stack, resources);

/** Every IAM action granted to a function's role, through any policy attached to it. */
const actionsOf = (handler: string): string[] => {
  const roleId = functions.get(handler)!.Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat()));
};

/** The actions a function's role may take on the card key (other keys, e.g. the pages topic's, do not count). */
const cardKeyActionsOf = (handler: string): string[] => {
  const roleId = functions.get(handler)!.Properties.Role['Fn::GetAtt'][0];
  const cardKeyArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.cardKey.key), 'Arn'] });
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement)
    .filter((statement: any) => [statement.Resource].flat().some((resource: unknown) => JSON.stringify(resource) === cardKeyArn))
    .flatMap((statement: any) => [statement.Action].flat());
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
  it('keeps the card vault in its own table, apart from orders', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', tables.length);
    expect(tableLogicalId(ordersTable.id)).not.toBe(tableLogicalId(cardVaultTable.id));
    expect(resources[tableLogicalId(cardVaultTable.id)]!.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('gives the orders table the byStatus, byEmail, byCreated, byPlacedAt and byPendingEmail indexes', () => {
    const indexes = resources[tableLogicalId(ordersTable.id)]!.Properties.GlobalSecondaryIndexes;
    expect(indexes.map((index: any) => index.IndexName).sort()).toEqual(['byCreated', 'byEmail', 'byPendingEmail', 'byPlacedAt', 'byStatus']);
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

  it('expires held cards through TTL on the vault table', () => {
    expect(resources[tableLogicalId(cardVaultTable.id)]!.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: cardVaultTable.timeToLiveAttribute,
      Enabled: true,
    });
  });

  it('bills on demand, recovers to a point in time and survives stack deletion', () => {
    for (const [, table] of ofType('AWS::DynamoDB::Table')) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
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
  it('deploys the storefront, one function per checkout step, the fulfillment push, the monitor, the admin API and card reveal', () => {
    expect([...functions.keys()].sort()).toEqual(['handler', ...checkoutSteps, 'fulfillmentPush', 'stuckOrderMonitor', 'adminApi', 'revealCard'].sort());
  });

  it('run on the newest Node runtime, on ARM, traced', () => {
    for (const fn of functions.values()) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('learn table names, the card key, the sender and source maps from the environment', () => {
    for (const fn of functions.values()) {
      const variables = fn.Properties.Environment.Variables;
      for (const table of tables) expect(variables[table.envVar]).toEqual({ Ref: tableLogicalId(table.id) });
      expect(variables).toMatchObject({
        CARD_KEY_ARN: { 'Fn::GetAtt': [logicalId(stack.cardKey.key), 'Arn'] },
        MAIL_FROM: 'orders@example.com',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    expect(functions.get('handler')!.Properties.Environment.Variables.CHECKOUT_STATE_MACHINE_ARN).toEqual({
      Ref: logicalId(stack.checkout.stateMachine),
    });
  });
});

describe('least privilege', () => {
  it('lets only authorizePayment, among the checkout steps, decrypt cards', () => {
    const decrypting = checkoutSteps.filter((step) => actionsOf(step).includes('kms:Decrypt'));
    expect(decrypting).toEqual(['authorizePayment']);
  });

  it('lets the storefront encrypt cards but never decrypt them', () => {
    const actions = actionsOf('handler');
    expect(actions).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:GenerateDataKey', 'states:StartSyncExecution']));
    expect(actions.filter((action) => action.startsWith('kms:')).sort()).toEqual(['kms:Encrypt', 'kms:GenerateDataKey']);
  });

  it('lets only card reveal and authorizePayment decrypt cards, in the whole stack', () => {
    const decrypting = [...functions.keys()].filter((handler) => cardKeyActionsOf(handler).includes('kms:Decrypt'));
    expect(decrypting.sort()).toEqual(['authorizePayment', 'revealCard']);
  });

  it('gives the admin API no rights on the card key: it deletes held cards, never reads them', () => {
    const actions = actionsOf('adminApi');
    expect(cardKeyActionsOf('adminApi')).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:DeleteItem', 'ses:SendEmail', 'states:StartSyncExecution']));
  });

  it('lets only sendReceipt, the storefront (offline submissions), the admin API and the monitor (digest) send email', () => {
    const sending = [...functions.keys()].filter((handler) => actionsOf(handler).includes('ses:SendEmail'));
    expect(sending.sort()).toEqual(['adminApi', 'handler', 'sendReceipt', 'stuckOrderMonitor']);
  });
});
