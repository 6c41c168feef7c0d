import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { orderEmailsPendingDetailType, orderEventSource, orderPlacedDetailType } from '../../contract/order-events.js';
import { buildApp } from '../../lib/orders-stack.js';
import { metricsNamespace, stuckOrdersMetricName } from '../../contract/metrics.js';
import { projectFunctions } from './project-functions.js';
import { deploymentContext } from './deployment-context.js';

type Resource = { Type: string; Properties: Record<string, any> };

const context = { ...deploymentContext, csrEmails: 'csr1@store.test, csr2@store.test', fulfillmentWebhookUrl: 'https://wms.store.test/hooks/orders' };
const { app, stack } = buildApp({ bundling: false, context });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const ref = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

const pushId = ref(stack.fulfillment.push);
const monitorId = ref(stack.monitor.function);
const queueId = ref(stack.fulfillment.deadLetters);
const topicId = ref(stack.monitor.pages);

const functions = projectFunctions(stack, resources);
const statementsOf = (handler: string): any[] => {
  const roleId = functions.get(handler)!.Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
};
const actionsOf = (handler: string): string[] => statementsOf(handler).flatMap((statement) => [statement.Action].flat());
const environmentOf = (handler: string) => functions.get(handler)!.Properties.Environment.Variables;

describe('fulfillment hand-off', () => {
  it('routes OrderPlaced on the stack event bus to the push function, with retries and a dead-letter queue', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ref(stack.fulfillment.bus) },
      EventPattern: { source: [orderEventSource], 'detail-type': [orderPlacedDetailType] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [pushId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ],
    });
  });

  it('routes OrderEmailsPending and OrderPlaced to the mail function: placing an order publishes one event for both', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ref(stack.fulfillment.bus) },
      EventPattern: { source: [orderEventSource], 'detail-type': [orderEmailsPendingDetailType, orderPlacedDetailType] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ref(stack.orderMail), 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } })],
    });
  });

  it('retries a failing push through Lambda asynchronous invocation, then sends it to the same queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: pushId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(actionsOf('fulfillmentPush')).toContain('sqs:SendMessage');
  });

  it('keeps the dead-letter queue encrypted, TLS-only, writable by the rule, and alarmed to the pages topic', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    const [, policy] = ofType('AWS::SQS::QueuePolicy').find(([, p]) => p.Properties.Queues.some((q: any) => q.Ref === queueId))!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
      ]),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('gives the push the webhook URL from context, the signing secret through the secrets extension, and nothing more', () => {
    expect(environmentOf('fulfillmentPush')).toMatchObject({
      FULFILLMENT_WEBHOOK_URL: context.fulfillmentWebhookUrl,
      FULFILLMENT_WEBHOOK_SECRET_ARN: { Ref: ref(stack.fulfillment.webhookSecret) },
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
    });
    expect(functions.get('fulfillmentPush')!.Properties.Layers).toHaveLength(1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ ExcludePunctuation: true, PasswordLength: 48 }) });
    // The push, and the admin API for `fulfillment-retry`.
    const readers = [...functions.keys()].filter((handler) =>
      statementsOf(handler).some(
        (statement) =>
          [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(statement.Resource) === JSON.stringify({ Ref: ref(stack.fulfillment.webhookSecret) }),
      ),
    );
    expect(readers.sort()).toEqual(['adminApi', 'fulfillmentPush']);
    expect(functions.get('adminApi')!.Properties.Layers).toHaveLength(1);
    const actions = actionsOf('fulfillmentPush');
    expect(actions.filter((a) => /^(kms|ses|sns|events):/.test(a))).toEqual([]);
  });

  it('lets only the outcome steps (OrderPlaced, queued emails), the admin API (approvals), card reveal (charges) and the storefront (queued emails) publish order events, on this bus only', () => {
    const publishers = [...functions.keys()].filter((handler) => actionsOf(handler).includes('events:PutEvents'));
    expect(publishers.sort()).toEqual(['adminApi', 'handler', 'holdCardOffline', 'markIncomplete', 'placeOrder', 'revealCard']);
    for (const publisher of publishers) {
      expect(statementsOf(publisher).find((s) => s.Action === 'events:PutEvents')!.Resource).toEqual({ 'Fn::GetAtt': [ref(stack.fulfillment.bus), 'Arn'] });
      expect(environmentOf(publisher).ORDER_EVENTS_BUS).toEqual({ Ref: ref(stack.fulfillment.bus) });
    }
  });

  it('lets the storefront announce queued emails and nothing else: it can never announce an order as placed', () => {
    const statements = statementsOf('handler').filter((s) => [s.Action].flat().includes('events:PutEvents'));
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition).toEqual({ StringEquals: { 'events:source': orderEventSource, 'events:detail-type': orderEmailsPendingDetailType } });
  });
});

describe('stuck-order monitor', () => {
  it('runs every 5 minutes on an EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [monitorId, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [monitorId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
  });

  it('pages through an SNS topic encrypted with its own rotating key, the CSR emails from context subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [ref(stack.monitor.pagesKey), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { ArnLike: Match.anyValue() },
          }),
        ]),
      },
    });
    const subscriptions = ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions).toEqual([
      { Protocol: 'email', Endpoint: 'csr1@store.test', TopicArn: { Ref: topicId } },
      { Protocol: 'email', Endpoint: 'csr2@store.test', TopicArn: { Ref: topicId } },
    ]);
    expect(environmentOf('stuckOrderMonitor')).toMatchObject({
      PAGES_TOPIC_ARN: { Ref: topicId },
      METRICS_NAMESPACE: metricsNamespace,
      METRICS_STACK: stack.stackName,
    });
  });

  it('alarms on the StuckOrders metric the monitor publishes, and on monitor errors, to the pages topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: metricsNamespace,
      MetricName: stuckOrdersMetricName,
      Dimensions: [{ Name: 'Stack', Value: stack.stackName }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: monitorId } }],
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('lets only the monitor (and the admin API running it on demand) publish pages, with exactly the key actions SNS needs and no card access', () => {
    const publishers = [...functions.keys()].filter((handler) => actionsOf(handler).includes('sns:Publish'));
    expect(publishers.sort()).toEqual(['adminApi', 'stuckOrderMonitor']);
    const statements = statementsOf('stuckOrderMonitor');
    expect(statements.find((s) => s.Action === 'sns:Publish')!.Resource).toEqual({ Ref: topicId });
    expect(statements.find((s) => [s.Action].flat().includes('kms:GenerateDataKey'))).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: { 'Fn::GetAtt': [ref(stack.monitor.pagesKey), 'Arn'] },
    });
    const cardKeyArn = { 'Fn::GetAtt': [ref(stack.cardKey.key), 'Arn'] };
    for (const handler of ['stuckOrderMonitor', 'fulfillmentPush']) {
      expect(statementsOf(handler).some((s) => JSON.stringify(s.Resource).includes(JSON.stringify(cardKeyArn)))).toBe(false);
    }
  });
});

describe('without the optional context', () => {
  const bare = Template.fromStack(buildApp({ bundling: false, nag: false, context: deploymentContext }).stack);

  it('subscribes nobody and accepts hand-offs at once (no webhook URL)', () => {
    bare.resourceCountIs('AWS::SNS::Subscription', 0);
    const push = Object.values(bare.toJSON().Resources as Record<string, Resource>).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.fulfillmentPush',
    )!;
    expect(push.Properties.Environment.Variables.FULFILLMENT_WEBHOOK_URL).toBeUndefined();
  });
});

describe('cdk-nag', () => {
  it('passes the AwsSolutions checks with the fulfillment and monitor context set', () => {
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error')
      .map((violation) => `${violation.ruleName} at ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });
});
