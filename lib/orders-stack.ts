import { App, type CfnElement, CfnOutput, Duration, Lazy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { checkoutSteps } from '../contract/checkout-steps.js';
import { OrdersApi } from './constructs/api.js';
import { CardKey } from './constructs/card-key.js';
import { CheckoutFunctions } from './constructs/checkout-functions.js';
import { CheckoutWorkflow } from './constructs/checkout-workflow.js';
import { DashboardHosting } from './constructs/dashboard-hosting.js';
import { Fulfillment, secretsExtension } from './constructs/fulfillment.js';
import { StuckOrderMonitor } from './constructs/monitor.js';
import { NodeFunction } from './constructs/node-function.js';
import { Notifications } from './constructs/notifications.js';
import { StaffAuth } from './constructs/staff-auth.js';
import { DataTables } from './constructs/tables.js';

export interface OrdersStackProps extends StackProps {
  /** Sender address of customer emails (`MAIL_FROM`) and the SES identity. */
  readonly fromEmail: string;
  /** Verify the sender's whole domain in SES rather than the single address. */
  readonly verifyMailDomain?: boolean;
  /** Public base URL of the API for order links in emails (`STORE_URL`); default: the dashboard's distribution, which serves the API too. */
  readonly storeUrl?: string;
  /** Prefix of the staff sign-in domain; default: derived from the stack (see StaffAuth). */
  readonly signInDomainPrefix?: string;
  /** CSR addresses subscribed to the stuck-order pages topic. */
  readonly csrEmails?: readonly string[];
  /** The merchant's fulfillment webhook; without it placed orders are accepted at once. */
  readonly fulfillmentWebhookUrl?: string;
}

export class OrdersStack extends Stack {
  readonly tables: DataTables;
  readonly cardKey: CardKey;
  readonly checkoutFunctions: CheckoutFunctions;
  readonly checkout: CheckoutWorkflow;
  readonly storefront: NodeFunction;
  readonly staffAuth: StaffAuth;
  readonly adminApi: NodeFunction;
  readonly cardReveal: NodeFunction;
  readonly api: OrdersApi;
  readonly monitor: StuckOrderMonitor;
  readonly fulfillment: Fulfillment;
  readonly orderMail: NodeFunction;
  readonly dashboard: DashboardHosting;

  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    this.tables = new DataTables(this, 'Tables');
    this.cardKey = new CardKey(this, 'CardKey');
    const mail = new Notifications(this, 'Notifications', { fromEmail: props.fromEmail, verifyDomain: props.verifyMailDomain });

    // The distribution routes to the API, which needs the functions first: they (and the sign-in
    // client) learn its URL when the template is written. It depends on no function, so no cycle.
    const dashboardUrl = Lazy.string({ produce: () => this.dashboard.url });
    const environment: Record<string, string> = {
      ...this.tables.environment,
      CARD_KEY_ARN: this.cardKey.key.keyArn,
      MAIL_FROM: props.fromEmail,
      STORE_URL: props.storeUrl ?? dashboardUrl,
      DASHBOARD_URL: dashboardUrl,
    };

    this.checkoutFunctions = new CheckoutFunctions(this, 'CheckoutSteps', {
      tables: this.tables,
      cardKey: this.cardKey.key,
      mailIdentity: mail.identity,
      environment,
    });
    this.checkout = new CheckoutWorkflow(this, 'Checkout', { steps: this.checkoutFunctions.steps });
    this.acknowledgeWorkflowWildcards();

    this.storefront = new NodeFunction(this, 'StorefrontApi', {
      entry: 'functions/storefront-api/index.ts',
      handler: 'handler',
      description: 'Storefront routes: catalog, checkout, order tracking',
      environment: { ...environment, CHECKOUT_STATE_MACHINE_ARN: this.checkout.stateMachine.stateMachineArn },
      // API Gateway gives up after 29 s; the function must not outlive the request.
      timeout: Duration.seconds(29),
    });
    this.tables.grantOrdersReadWrite(this.storefront);
    this.tables.cardVault.grantWriteData(this.storefront);
    // The Encryption SDK's KMS keyring encrypts with GenerateDataKey (and Encrypt for extra keys).
    this.cardKey.key.grant(this.storefront, 'kms:Encrypt', 'kms:GenerateDataKey');
    this.checkout.stateMachine.grantStartSyncExecution(this.storefront);
    // Submitting a declined order offline sends its receipts from the API itself.
    mail.identity.grantSendEmail(this.storefront);

    this.staffAuth = new StaffAuth(this, 'StaffAuth', { dashboardUrl, domainPrefix: props.signInDomainPrefix });
    const staffEnvironment = { ...environment, ...this.staffAuth.tokenEnvironment };

    this.adminApi = new NodeFunction(this, 'AdminApi', {
      entry: 'functions/admin-api/index.ts',
      handler: 'adminApi',
      description: 'Back-office routes: orders, actions, reports, settings, products, audit trail',
      environment: { ...staffEnvironment, CHECKOUT_STATE_MACHINE_ARN: this.checkout.stateMachine.stateMachineArn },
      timeout: Duration.seconds(29),
      // `fulfillment-retry` pushes to the webhook, whose secret comes through the extension.
      paramsAndSecrets: secretsExtension(),
    });
    this.tables.grantOrdersReadWrite(this.adminApi);
    // Approval and cancellation delete held cards; nothing here encrypts or decrypts one.
    this.tables.cardVault.grantWriteData(this.adminApi);
    mail.identity.grantSendEmail(this.adminApi);
    // Recorded (already paid) orders go through the checkout workflow like any other.
    this.checkout.stateMachine.grantStartSyncExecution(this.adminApi);

    this.cardReveal = new NodeFunction(this, 'CardReveal', {
      entry: 'functions/admin-api/index.ts',
      handler: 'revealCard',
      description: 'Reveals a held card to an admin for a manual charge; audited',
      environment: staffEnvironment,
      timeout: Duration.seconds(10),
    });
    this.tables.grantOrdersReadWrite(this.cardReveal);
    this.tables.cardVault.grantReadData(this.cardReveal);
    // With authorizePayment, the only function that may decrypt card data (SPEC §7.6).
    this.cardKey.key.grantDecrypt(this.cardReveal);

    this.api = new OrdersApi(this, 'Api', {
      storefront: this.storefront,
      admin: this.adminApi,
      cardReveal: this.cardReveal,
      authorizer: this.staffAuth.authorizer,
    });

    this.monitor = new StuckOrderMonitor(this, 'StuckOrderMonitor', {
      tables: this.tables,
      environment,
      mailIdentity: mail.identity,
      csrEmails: props.csrEmails ?? [],
    });
    this.fulfillment = new Fulfillment(this, 'Fulfillment', {
      tables: this.tables,
      environment,
      webhookUrl: props.fulfillmentWebhookUrl,
      alarmTopic: this.monitor.pages,
    });
    this.fulfillment.grantPublish(this.checkoutFunctions.steps.placeOrder);
    this.fulfillment.grantPublish(this.checkoutFunctions.steps.holdCardOffline);

    // Receipts leave the customer's wait: the outcome steps queue them, this function sends them.
    this.orderMail = new NodeFunction(this, 'OrderMail', {
      entry: 'functions/order-mail/index.ts',
      handler: 'orderMail',
      description: "Sends the emails queued in an order's outbox (receipts, offline notices)",
      environment,
      timeout: Duration.seconds(30),
    });
    this.tables.grantOrdersReadWrite(this.orderMail);
    mail.identity.grantSendEmail(this.orderMail);
    this.fulfillment.routeEmailsPending(this.orderMail);
    // The admin API approves orders (announcing them), retries hand-offs and runs the monitor on demand.
    this.fulfillment.grantPublish(this.adminApi);
    this.fulfillment.grantPush(this.adminApi);
    this.monitor.grantRun(this.adminApi, { tables: this.tables, mailIdentity: mail.identity });

    this.dashboard = new DashboardHosting(this, 'Dashboard', {
      restApi: this.api.restApi,
      apiStageName: this.api.stageName,
      signIn: { domain: this.staffAuth.domain, client: this.staffAuth.dashboardClient },
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'DashboardUrl', { value: this.dashboard.url });
    new CfnOutput(this, 'OrdersTableName', { value: this.tables.orders.tableName });
    new CfnOutput(this, 'CardVaultTableName', { value: this.tables.cardVault.tableName });
    new CfnOutput(this, 'CheckoutStateMachineArn', { value: this.checkout.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PagesTopicArn', { value: this.monitor.pages.topicArn });
    new CfnOutput(this, 'FulfillmentWebhookSecretArn', { value: this.fulfillment.webhookSecret.secretArn });
    new CfnOutput(this, 'StaffUserPoolId', { value: this.staffAuth.userPool.userPoolId });
    new CfnOutput(this, 'DashboardClientId', { value: this.staffAuth.dashboardClient.userPoolClientId });
  }

  /** Wildcards CDK puts in the state machine's role; each is acknowledged on its own. */
  private acknowledgeWorkflowWildcards(): void {
    const role = Validations.of(this.checkout.stateMachine.role);
    role.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery and X-Ray actions for the state machine support no resource-level permissions.',
    });
    for (const step of checkoutSteps) {
      const logicalId = this.getLogicalId(this.checkoutFunctions.steps[step].node.defaultChild as CfnElement);
      role.acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: `LambdaInvoke may call any version or alias of the ${step} function, which belongs to this workflow.`,
      });
    }
  }
}

/** A list from context: `-c csrEmails=a@x.com,b@x.com` on the CLI, or an array in cdk.json. */
const listContext = (value: unknown): string[] =>
  (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : []).map((item) => item.trim()).filter(Boolean);

export interface BuildAppOptions {
  /** false skips esbuild (assertion tests); assets then point at the unbundled project. */
  readonly bundling?: boolean;
  /** Register the cdk-nag AwsSolutions checks, which fail synthesis on unacknowledged errors. */
  readonly nag?: boolean;
  /** Extra context, as `-c key=value` would give on the CLI. */
  readonly context?: Record<string, unknown>;
}

/**
 * The CDK app with the OrdersStack; used by bin/app.ts and by tests, which need no CLI.
 * Context: `fromEmail` (default orders@example.com), `storeUrl`, `signInDomainPrefix`,
 * `verifyMailDomain`, `csrEmails` (comma-separated), `fulfillmentWebhookUrl`.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: OrdersStack } {
  const app = new App({
    context: { ...options.context, ...(options.bundling === false ? { [BUNDLING_STACKS]: [] } : {}) },
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const stack = new OrdersStack(app, 'OrdersStack', {
    description: 'Order backend: storefront and back-office APIs, staff sign-in, checkout workflow, order and card-vault tables',
    fromEmail: context('fromEmail') ?? 'orders@example.com',
    storeUrl: context('storeUrl'),
    signInDomainPrefix: context('signInDomainPrefix'),
    verifyMailDomain: context('verifyMailDomain') === 'true',
    csrEmails: listContext(app.node.tryGetContext('csrEmails')),
    fulfillmentWebhookUrl: context('fulfillmentWebhookUrl'),
  });
  return { app, stack };
}
