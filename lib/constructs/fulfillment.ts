import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type Function as LambdaFn, ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fulfillmentEnv, resourceEnv } from '../../contract/environment.js';
import { orderEmailsPendingDetailType, orderEventRoutes, orderEventSource } from '../../contract/order-events.js';
import { NodeFunction } from './node-function.js';
import type { DataTables } from './tables.js';
import { alarmOnAny } from './alarms.js';

/** The extension through which a function reads the webhook secret (no Secrets Manager client bundled). */
export const secretsExtension = () => ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, { cacheSize: 10 });

export interface FulfillmentProps {
  readonly tables: DataTables;
  readonly environment: Record<string, string>;
  /** The merchant's webhook (context `fulfillmentWebhookUrl`); without it every hand-off is accepted at once. */
  readonly webhookUrl?: string;
  /** Where the dead-letter alarm goes (the CSR pages topic). */
  readonly alarmTopic: ITopic;
}

/**
 * The fulfillment hand-off (SPEC §9): `OrderPlaced` on the stack's event bus triggers the
 * push function, which signs the order JSON with the secret and POSTs it to the webhook.
 * A push that keeps failing is retried by the event source (EventBridge for delivery, Lambda's
 * asynchronous invocation for function errors) and then lands in a dead-letter queue, whose
 * alarm pages the CSRs; the stuck-order monitor pages about the order itself.
 */
export class Fulfillment extends Construct {
  readonly bus: EventBus;
  readonly webhookSecret: Secret;
  readonly push: NodeFunction;
  readonly deadLetters: Queue;
  readonly deadLettersAlarm: Alarm;
  private readonly tables: DataTables;
  private readonly webhookUrl: string | undefined;

  constructor(scope: Construct, id: string, props: FulfillmentProps) {
    super(scope, id);
    this.tables = props.tables;
    this.webhookUrl = props.webhookUrl;
    this.bus = new EventBus(this, 'Bus', { description: 'Order events (OrderPlaced starts the fulfillment hand-off)' });

    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: 'HMAC-SHA256 key signing fulfillment webhook bodies (X-Signature); configure the same value in the receiver',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A key shared with the merchant receiver: rotating it alone would break signatures, so it is rotated by hand together with the receiver.',
    });

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the fulfillment push (rule target and asynchronous invocation failures).',
    });

    this.push = new NodeFunction(this, 'Push', {
      entry: 'functions/fulfillment-push/index.ts',
      handler: 'fulfillmentPush',
      description: 'Pushes placed orders to the fulfillment webhook (HMAC-signed), with retries',
      environment: props.environment,
      // Three attempts with a 5 s timeout and backoff fit well inside.
      timeout: Duration.seconds(60),
      paramsAndSecrets: secretsExtension(),
      budget: 'lean',
      // Runs in the background with a 55 MB resident set (bench/bundles.ts): latency does not buy anything here.
      memorySize: 256,
    });
    this.grantPush(this.push);
    this.push.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(2), onFailure: new SqsDestination(this.deadLetters) });

    new Rule(this, 'OrderPlaced', {
      description: 'OrderPlaced → fulfillment push',
      eventBus: this.bus,
      eventPattern: { source: [orderEventSource], detailType: [...orderEventRoutes.fulfillmentPush] },
      targets: [new LambdaFunction(this.push, { retryAttempts: 8, maxEventAge: Duration.hours(2), deadLetterQueue: this.deadLetters })],
    });

    this.deadLettersAlarm = alarmOnAny(this, 'DeadLettersAlarm', {
      description: 'A fulfillment push gave up after its retries: see the dead-letter queue and the stuck-order pages.',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      notify: props.alarmTopic,
    });
  }

  /**
   * Routes `OrderEmailsPending` and `OrderPlaced` to the function that drains an order's outbox,
   * retried by the event source like the push; what stays pending is drained again by the
   * scheduled monitor.
   */
  routeEmailsPending(fn: LambdaFn): void {
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(2), onFailure: new SqsDestination(this.deadLetters) });
    new Rule(this, 'OrderEmailsPending', {
      description: 'OrderEmailsPending or OrderPlaced → order mail',
      eventBus: this.bus,
      eventPattern: { source: [orderEventSource], detailType: [...orderEventRoutes.orderMail] },
      targets: [new LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(2), deadLetterQueue: this.deadLetters })],
    });
  }

  /** Lets a function publish `OrderPlaced` (the placeOrder step; the admin API after approving an order). */
  grantPublish(fn: LambdaFn): void {
    this.bus.grantPutEventsTo(fn);
    fn.addEnvironment(resourceEnv.orderEventsBus, this.bus.eventBusName);
  }

  /**
   * Lets a function publish `OrderEmailsPending` only: the storefront, whose offline submissions
   * queue their emails, can never announce an order as placed (which would start a hand-off).
   */
  grantAnnounceEmails(fn: LambdaFn): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': orderEventSource, 'events:detail-type': orderEmailsPendingDetailType } },
      }),
    );
    fn.addEnvironment(resourceEnv.orderEventsBus, this.bus.eventBusName);
  }

  /**
   * Lets a function push to the webhook: the orders table, the secret and where to find both.
   * For the admin API's `fulfillment-retry` too, whose function needs `secretsExtension()`.
   */
  grantPush(fn: LambdaFn): void {
    this.tables.grantOrdersReadWrite(fn);
    this.webhookSecret.grantRead(fn);
    fn.addEnvironment(fulfillmentEnv.webhookSecretArn, this.webhookSecret.secretArn);
    if (this.webhookUrl) fn.addEnvironment(fulfillmentEnv.webhookUrl, this.webhookUrl);
  }
}
