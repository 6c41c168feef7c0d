import { Duration, Stack } from 'aws-cdk-lib';
import { type Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { metricsEnv, resourceEnv } from '../../contract/environment.js';
import { metricsNamespace, stuckOrdersMetricName } from '../../contract/metrics.js';
import { NodeFunction } from './node-function.js';
import type { DataTables } from './tables.js';
import { alarmOnAny } from './alarms.js';

export interface StuckOrderMonitorProps {
  readonly tables: DataTables;
  readonly environment: Record<string, string>;
  /** The digest of offline orders goes out by SES from this identity. */
  readonly mailIdentity: IEmailIdentity;
  /** CSR addresses subscribed to the pages topic (context `csrEmails`). */
  readonly csrEmails: readonly string[];
}

/**
 * The stuck-order monitor (SPEC §9): a Lambda on an EventBridge schedule every 5 minutes
 * pages CSRs through an SNS topic (their emails subscribed), publishes the `StuckOrders`
 * metric, and an alarm on that metric pages too. The topic also carries the other
 * operational alarms (the fulfillment dead-letter queue, monitor errors).
 */
export class StuckOrderMonitor extends Construct {
  readonly pages: Topic;
  readonly pagesKey: Key;
  readonly function: NodeFunction;
  readonly schedule: Rule;
  readonly stuckOrders: Metric;
  readonly stuckOrdersAlarm: Alarm;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: StuckOrderMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // CloudWatch alarms cannot publish to a topic under the AWS managed SNS key: it gets its own.
    this.pagesKey = new Key(this, 'PagesKey', { description: 'Encrypts the CSR pages topic', enableKeyRotation: true });
    this.pagesKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmsOfThisAccountToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` } },
      }),
    );
    this.pages = new Topic(this, 'Pages', { displayName: 'Stuck orders', masterKey: this.pagesKey, enforceSSL: true });
    for (const email of props.csrEmails) this.pages.addSubscription(new EmailSubscription(email));

    this.function = new NodeFunction(this, 'Function', {
      entry: 'functions/stuck-order-monitor/index.ts',
      handler: 'stuckOrderMonitor',
      description: 'Pages CSRs about orders stuck in Order Placed; daily offline-order digest',
      environment: props.environment,
      timeout: Duration.minutes(2),
      budget: 'lean',
      // Runs in the background with a 55 MB resident set (bench/bundles.ts): latency does not buy anything here.
      memorySize: 256,
    });
    this.grantRun(this.function, props);
    // A failed run is not retried: the next scheduled run does the same work 5 minutes later.
    this.function.configureAsyncInvoke({ retryAttempts: 0 });

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the stuck-order monitor',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.minutes(4) })],
    });

    this.stuckOrders = new Metric({
      namespace: metricsNamespace,
      metricName: stuckOrdersMetricName,
      dimensionsMap: { Stack: stack.stackName },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    });
    this.stuckOrdersAlarm = alarmOnAny(this, 'StuckOrdersAlarm', {
      description: 'Orders are stuck in Order Placed: the fulfillment hand-off is failing. See the pages for each order.',
      metric: this.stuckOrders,
      notify: this.pages,
    });
    this.errorsAlarm = alarmOnAny(this, 'ErrorsAlarm', {
      description: 'The stuck-order monitor is failing: stuck orders may go unpaged.',
      metric: this.function.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
      notify: this.pages,
    });
  }

  /**
   * What running the monitor takes: the orders table, publishing pages, sending the digest,
   * and the settings the AWS composition root reads. Also for the admin API's on-demand run.
   */
  grantRun(fn: LambdaFn, props: Pick<StuckOrderMonitorProps, 'tables' | 'mailIdentity'>): void {
    props.tables.grantOrdersReadWrite(fn);
    // Publishing to an encrypted topic takes a data key from the topic's key; no wildcard action.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.pages.topicArn] }));
    this.pagesKey.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    props.mailIdentity.grantSendEmail(fn);
    fn.addEnvironment(resourceEnv.pagesTopicArn, this.pages.topicArn);
    for (const [name, value] of Object.entries(this.metricsEnvironment)) fn.addEnvironment(name, value);
  }

  /** Where the stack's metrics go, as the stack's alarms watch them (embedded metric format, no IAM). */
  get metricsEnvironment(): Record<string, string> {
    return { [metricsEnv.namespace]: metricsNamespace, [metricsEnv.stack]: Stack.of(this).stackName };
  }
}
