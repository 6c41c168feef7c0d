import { App, type CfnElement, CfnOutput, Duration, Lazy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { checkoutSteps } from '../contract/checkout-steps.js';
import { type PaymentGatewayName, paymentGateways } from '../contract/environment.js';
import { type AccessResources, baseEnvironment } from './constructs/access.js';
import { declineRatioAlarm } from './constructs/alarms.js';
import { OrdersApi } from './constructs/api.js';
import { ApiFunctions } from './constructs/api-functions.js';
import { CardKey } from './constructs/card-key.js';
import { CheckoutFunctions } from './constructs/checkout-functions.js';
import { CheckoutWorkflow } from './constructs/checkout-workflow.js';
import { DashboardHosting } from './constructs/dashboard-hosting.js';
import { Fulfillment } from './constructs/fulfillment.js';
import { StuckOrderMonitor } from './constructs/monitor.js';
import { NodeFunction } from './constructs/node-function.js';
import { Notifications } from './constructs/notifications.js';
import { isPaymentGateway, PaymentSecrets } from './constructs/payment-secrets.js';
import { StaffAuth } from './constructs/staff-auth.js';
import { DataTables } from './constructs/tables.js';

export interface OrdersStackProps extends StackProps {
  /** Sender address of customer emails: the SES identity, and the default `fromEmail` setting (`MAIL_FROM`). */
  readonly fromEmail: string;
  /** Verify the sender's whole domain in SES rather than the single address. */
  readonly verifyMailDomain?: boolean;
  /** The payment gateway the functions call (SPEC §11); `sandbox` moves no money. */
  readonly paymentGateway: PaymentGatewayName;
  /** Public base URL of the API for order links in emails (`STORE_URL`); default: the dashboard's distribution, which serves the API too. */
  readonly storeUrl?: string;
  /** Prefix of the staff sign-in domain; default: derived from the stack (see StaffAuth). */
  readonly signInDomainPrefix?: string;
  /** CSR addresses subscribed to the stuck-order pages topic. */
  readonly csrEmails?: readonly string[];
  /** The merchant's fulfillment webhook; without it placed orders are accepted at once. */
  readonly fulfillmentWebhookUrl?: string;
  /** The dashboard's own domain with its ACM certificate (us-east-1), served with TLS 1.2 or later. */
  readonly dashboardDomain?: { readonly domainName: string; readonly certificateArn: string };
}

export class OrdersStack extends Stack {
  readonly tables: DataTables;
  readonly cardKey: CardKey;
  readonly secrets: PaymentSecrets;
  readonly checkoutFunctions: CheckoutFunctions;
  readonly checkout: CheckoutWorkflow;
  readonly apiFunctions: ApiFunctions;
  readonly storefront: NodeFunction;
  readonly staffAuth: StaffAuth;
  readonly adminApi: NodeFunction;
  readonly cardReveal: NodeFunction;
  readonly api: OrdersApi;
  readonly monitor: StuckOrderMonitor;
  readonly fulfillment: Fulfillment;
  readonly orderMail: NodeFunction;
  readonly dashboard: DashboardHosting;
  readonly declineRatioAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    this.tables = new DataTables(this, 'Tables');
    this.cardKey = new CardKey(this, 'CardKey');
    this.secrets = new PaymentSecrets(this, 'PaymentSecrets', { gateway: props.paymentGateway });
    const mail = new Notifications(this, 'Notifications', { fromEmail: props.fromEmail, verifyDomain: props.verifyMailDomain });

    // The distribution routes to the API, which needs the functions first: they (and the sign-in
    // client) learn its URL when the template is written. It depends on no function, so no cycle.
    const dashboardUrl = Lazy.string({ produce: () => this.dashboard.url });
    const links = { storeUrl: props.storeUrl ?? dashboardUrl, dashboardUrl };

    this.monitor = new StuckOrderMonitor(this, 'StuckOrderMonitor', {
      tables: this.tables,
      environment: baseEnvironment(this.tables, links, props.fromEmail),
      mailIdentity: mail.identity,
      csrEmails: props.csrEmails ?? [],
    });
    this.fulfillment = new Fulfillment(this, 'Fulfillment', {
      tables: this.tables,
      environment: baseEnvironment(this.tables, links, props.fromEmail),
      webhookUrl: props.fulfillmentWebhookUrl,
      alarmTopic: this.monitor.pages,
    });

    const resources: AccessResources = {
      tables: this.tables,
      cardKey: this.cardKey,
      mail,
      secrets: this.secrets,
      fulfillment: this.fulfillment,
      monitor: this.monitor,
    };
    const environment = baseEnvironment(this.tables, links, props.fromEmail);
    this.checkoutFunctions = new CheckoutFunctions(this, 'CheckoutSteps', { resources, environment });
    this.checkout = new CheckoutWorkflow(this, 'Checkout', { steps: this.checkoutFunctions.steps });
    this.acknowledgeWorkflowWildcards();

    this.staffAuth = new StaffAuth(this, 'StaffAuth', { dashboardUrl, domainPrefix: props.signInDomainPrefix });
    this.apiFunctions = new ApiFunctions(this, 'ApiFunctions', {
      resources: { ...resources, checkout: this.checkout, staffAuth: this.staffAuth },
      environment,
    });
    this.storefront = this.apiFunctions.functions.storefront;
    this.adminApi = this.apiFunctions.functions.admin;
    this.cardReveal = this.apiFunctions.functions.cardReveal;

    this.api = new OrdersApi(this, 'Api', {
      storefront: this.storefront,
      admin: this.adminApi,
      cardReveal: this.cardReveal,
      authorizer: this.staffAuth.authorizer,
    });

    // Receipts leave the customer's wait: the outcome steps queue them, this function sends them.
    this.orderMail = new NodeFunction(this, 'OrderMail', {
      entry: 'functions/order-mail/index.ts',
      handler: 'orderMail',
      description: "Sends the emails queued in an order's outbox (receipts, offline notices, pay links)",
      environment,
      timeout: Duration.seconds(30),
      memorySize: 256,
      budget: 'lean',
    });
    this.tables.grantOrdersReadWrite(this.orderMail);
    mail.identity.grantSendEmail(this.orderMail);
    this.fulfillment.routeEmailsPending(this.orderMail);

    this.declineRatioAlarm = declineRatioAlarm(this, 'DeclineRatioAlarm', { notify: this.monitor.pages });

    this.dashboard = new DashboardHosting(this, 'Dashboard', {
      restApi: this.api.restApi,
      apiStageName: this.api.stageName,
      signIn: { domain: this.staffAuth.domain, client: this.staffAuth.dashboardClient },
      customDomain: props.dashboardDomain,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'DashboardUrl', { value: this.dashboard.url });
    new CfnOutput(this, 'OrdersTableName', { value: this.tables.orders.tableName });
    new CfnOutput(this, 'CardVaultTableName', { value: this.tables.cardVault.tableName });
    new CfnOutput(this, 'CheckoutStateMachineArn', { value: this.checkout.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PagesTopicArn', { value: this.monitor.pages.topicArn });
    new CfnOutput(this, 'FulfillmentWebhookSecretArn', { value: this.fulfillment.webhookSecret.secretArn });
    new CfnOutput(this, 'PaymentGatewaySecretArn', {
      value: this.secrets.gatewayCredentials.secretArn,
      description: `Put the ${props.paymentGateway} credentials here as JSON (README: Deploy to AWS)`,
    });
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
  /**
   * CDK's built-in CloudFormation validation of the synthesized template. By default on for
   * the app as deployed (`npm run synth`, `cdk deploy`, test/infra/synth.test.ts, which asserts
   * it finds nothing) and off where bundling is off: in assertion tests it was most of the
   * synthesis (about 40 of the infra tests' 87 s of CPU, measured).
   */
  readonly templateValidation?: boolean;
}

/** A deployment decision the app cannot default: synthesis stops and says what to pass. */
export class MissingDeploymentChoice extends Error {
  override readonly name = 'MissingDeploymentChoice';
}

/**
 * The CDK app with the OrdersStack; used by bin/app.ts and by tests, which need no CLI.
 * Required context: `paymentGateway` (authorizenet, stripe or sandbox) and `fromEmail` (the
 * sender SES verifies). Optional: `verifyMailDomain`, `storeUrl`, `signInDomainPrefix`,
 * `csrEmails` (comma-separated), `fulfillmentWebhookUrl`, `dashboardDomain` with `certificateArn`.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: OrdersStack } {
  const app = new App({
    context: { ...options.context, ...(options.bundling === false ? { [BUNDLING_STACKS]: [] } : {}) },
    builtinCloudFormationValidation: options.templateValidation ?? options.bundling !== false,
    // bin/app.ts synthesizes explicitly. Auto-synthesis (on whenever CDK_OUTDIR is set, as in the
    // infra tests) would synthesize every app built in a process again as it exits, into
    // directories the tests have already removed.
    autoSynth: false,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const paymentGateway = context('paymentGateway');
  if (!isPaymentGateway(paymentGateway)) {
    throw new MissingDeploymentChoice(
      `Choose the payment gateway: -c paymentGateway=${paymentGateways.join('|')}${paymentGateway ? ` ("${paymentGateway}" is none of them)` : ''}. sandbox moves no money and marks every order as a test.`,
    );
  }
  const fromEmail = context('fromEmail');
  if (!fromEmail) {
    throw new MissingDeploymentChoice('Choose the sender of customer emails: -c fromEmail=orders@your-domain (SES must verify it before mail goes out).');
  }
  const dashboardDomain = context('dashboardDomain');
  const certificateArn = context('certificateArn');
  if (Boolean(dashboardDomain) !== Boolean(certificateArn)) {
    throw new MissingDeploymentChoice('A custom dashboard domain needs both -c dashboardDomain=… and -c certificateArn=… (an ACM certificate in us-east-1).');
  }
  const stack = new OrdersStack(app, 'OrdersStack', {
    description: 'Order backend: storefront and back-office APIs, staff sign-in, checkout workflow, order and card-vault tables',
    fromEmail,
    paymentGateway,
    storeUrl: context('storeUrl'),
    signInDomainPrefix: context('signInDomainPrefix'),
    verifyMailDomain: context('verifyMailDomain') === 'true',
    csrEmails: listContext(app.node.tryGetContext('csrEmails')),
    fulfillmentWebhookUrl: context('fulfillmentWebhookUrl'),
    dashboardDomain: dashboardDomain && certificateArn ? { domainName: dashboardDomain, certificateArn } : undefined,
  });
  return { app, stack };
}
