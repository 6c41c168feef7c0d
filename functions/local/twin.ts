import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { linkEnv } from '../../contract/environment.js';
import { orderEventRoutes } from '../../contract/order-events.js';
import { tables } from '../../contract/tables.js';
import { MailPager } from '../adapters/pager.js';
import { SesMailer } from '../adapters/ses-mailer.js';
import { LoggedPaymentMetrics, LoggedStuckOrdersMetric } from '../adapters/metrics.js';
import { secretFromEnv } from '../adapters/webhook-secret.js';
import { createCardRevealHandler } from '../admin-api/card-reveal.js';
import { createAdminHandler } from '../admin-api/handler.js';
import { createCheckoutStepHandlers } from '../checkout-steps/handler.js';
import { createFulfillmentPushHandler } from '../fulfillment-push/handler.js';
import { createOrderMailHandler } from '../order-mail/handler.js';
import { createStaffAuthenticator } from '../http/auth.js';
import { createAdapters } from '../runtime/adapters.js';
import { authorizeNetApiUrl, credentialsFromEnv, paymentGateways } from '../runtime/payment-gateways.js';
import { paymentEnv } from '../../contract/environment.js';
import type { GatewayName } from '../core/payments.js';
import { createStorefrontHandler } from '../storefront-api/handler.js';
import { createStuckOrderMonitorHandler } from '../stuck-order-monitor/handler.js';
import { createLocalAuthHandler, createLocalIssuer, type LocalLogin } from './auth.js';
import { loadLocalCardKey, loadLocalFingerprintSecret, rawAesKeyring } from './card-key.js';
import { serveDashboard, serveDemoStorefront, serveStaticApps } from './dashboard.js';
import { type Running, type StartingDynamoDb, startSesLocal } from './emulators.js';
import { InProcessEventDispatcher } from './event-dispatcher.js';
import { startMonitorTimer } from './monitor-timer.js';
import { seedDemoCatalog } from './seed.js';
import { createApiServer } from './server.js';
import { BenchProbe, benchProbeEnabled } from './bench-probe.js';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { ensureTable } from './tables.js';
import { checkoutDefinition } from './checkout-definition.js';
import { LocalCheckoutWorkflow } from './workflow-runner.js';

export interface TwinOptions {
  /** Keep nothing on disk (`--memory`); otherwise data lives in `dataDir`, which exists. */
  readonly memory: boolean;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly sesPort: number;
  /** How often the stuck-order monitor runs (`MONITOR_INTERVAL_SECONDS`, default 60). */
  readonly monitorIntervalSeconds?: number;
  /** The payment gateway, its settings checked by `npm start` before it started anything. */
  readonly gateway: GatewayName;
  /** DynamoDB Local as `npm start` started it, before this code loaded; stopped with the twin. */
  readonly dynamoDb: StartingDynamoDb;
}

export interface Twin {
  readonly apiUrl: string;
  readonly dashboardUrl: string;
  /** The demo storefront (public API only). */
  readonly storefrontUrl: string;
  readonly dynamoDbUrl: string;
  readonly mailViewerUrl: string;
  readonly seeded: boolean;
  /** Where placed orders are pushed, or null when they are accepted at once. */
  readonly fulfillmentWebhookUrl: string | null;
  readonly monitorIntervalSeconds: number;
  /** The payment gateway new authorizations go to (`PAYMENT_GATEWAY`, sandbox by default), and where it is. */
  readonly paymentGateway: { readonly name: GatewayName; readonly endpoint: string | null };
  /** The local staff users and where their passwords come from. */
  readonly logins: readonly LocalLogin[];
  /** Called when a child emulator dies, so the twin never runs half-alive. */
  onEmulatorExit(listener: (code: number | null) => void): void;
  stop(): Promise<void>;
}

const localTableName = (id: string) => `${id}-local`;

/** Sets what the Lambda runtime would get from CDK and the SDK's default chain. */
const configureEnvironment = (dynamoDbUrl: string, sesUrl: string, apiUrl: string) => {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.DYNAMODB_ENDPOINT = dynamoDbUrl;
  process.env.SES_ENDPOINT = sesUrl;
  process.env.STORE_URL = apiUrl;
  process.env.DASHBOARD_URL = `${apiUrl}/dashboard`;
  process.env[linkEnv.payPage] = `${apiUrl}/demo/pay`;
  for (const table of tables) process.env[table.envVar] = localTableName(table.id);
};

const gatewayEndpoint = (name: GatewayName): string | null => {
  if (name === 'authorizenet') return authorizeNetApiUrl(process.env);
  if (name === 'stripe') return process.env[paymentEnv.stripeApiBase] || 'https://api.stripe.com';
  return null;
};

/** Starts the local twin: emulators, tables, the same handlers behind one HTTP server (SPEC §10). */
export const startTwin = async (options: TwinOptions): Promise<Twin> => {
  const gatewayName = options.gateway;
  const running: Running[] = [];
  const stopAll = async () => {
    for (const service of running.reverse()) await service.stop().catch(() => undefined);
  };
  // Stopped last, whether or not it came up.
  running.push({ url: '', stop: () => options.dynamoDb.then((dynamoDb) => dynamoDb.stop()) });
  try {
    // What needs no table goes first, while DynamoDB Local's JVM boots.
    const ses = await startSesLocal({ host: options.host, port: options.sesPort });
    running.push(ses);

    // Handlers are bound once the port is known: links in emails carry the real address.
    const handlers: Parameters<typeof createApiServer>[0] = {};
    const folder = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));
    const staticApps = serveStaticApps(
      serveDashboard(folder('dashboard'), folder('node_modules')),
      serveDemoStorefront(folder('storefront'), folder('dashboard')),
    );
    const probe = benchProbeEnabled() ? new BenchProbe() : null;
    let ready = false;
    const server = createApiServer(
      handlers,
      probe ? (request, response) => probe.serve(request, response) || staticApps(request, response) : staticApps,
      () => ready,
    );
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, options.host, resolve));
    const apiServer: Running = { url: '', stop: () => server.stop() };
    running.push(apiServer);
    const apiUrl = `http://${options.host}:${(server.address() as AddressInfo).port}`;
    const definition = await checkoutDefinition();
    // Staff sign in at the local issuer; the staff APIs verify its tokens like Cognito's. Its
    // signing key and password hashes take CPU the JVM's boot leaves idle.
    const issuing = createLocalIssuer({ dataDir: options.memory ? null : options.dataDir, issuer: `${apiUrl}/auth` });
    issuing.catch(() => undefined);
    const dynamoDb = await options.dynamoDb;

    // The handlers may reach the emulators through another address (the fault drills put a proxy there).
    const handlersDynamoDbUrl = process.env.TWIN_DYNAMODB_VIA || dynamoDb.url;
    configureEnvironment(handlersDynamoDbUrl, process.env.TWIN_SES_VIA || ses.url, apiUrl);
    const client = new DynamoDBClient({ endpoint: dynamoDb.url });
    for (const table of tables) await ensureTable(client, table, localTableName(table.id));

    const webhookUrl = process.env.FULFILLMENT_WEBHOOK_URL || null;
    if (webhookUrl && !process.env.FULFILLMENT_WEBHOOK_SECRET) throw new Error('FULFILLMENT_WEBHOOK_URL is set but FULFILLMENT_WEBHOOK_SECRET is not');
    const fingerprintSecret = loadLocalFingerprintSecret(options.memory ? null : options.dataDir);
    const events = new InProcessEventDispatcher({ retries: 2, retryDelayMs: Number(process.env.EVENT_RETRY_DELAY_MS ?? 60_000) });
    const documentClient = createDocumentClient(handlersDynamoDbUrl);
    const tableByName = new Map(tables.map((table) => [localTableName(table.id), table]));
    probe?.countRequests(documentClient, (name) => tableByName.get(name)!);
    const cardKeyring = rawAesKeyring(loadLocalCardKey(options.memory ? null : options.dataDir));
    const adapters = createAdapters({
      client: documentClient,
      keyring: probe ? probe.countKeyUses(cardKeyring) : cardKeyring,
      workflow: () => new LocalCheckoutWorkflow(definition, stepHandlers),
      events,
      pager: new MailPager(new SesMailer()),
      stuckOrdersMetric: new LoggedStuckOrdersMetric(),
      paymentMetrics: new LoggedPaymentMetrics(),
      webhookSecret: secretFromEnv('FULFILLMENT_WEBHOOK_SECRET'),
      fingerprintSecret: async () => fingerprintSecret,
      gateways: paymentGateways(() => gatewayName, credentialsFromEnv(process.env)),
    });
    const stepHandlers = probe ? probe.timeSteps(createCheckoutStepHandlers(adapters)) : createCheckoutStepHandlers(adapters);
    void adapters.workflow; // build the state machine now, not on the first checkout
    const seeded = await seedDemoCatalog(adapters.catalog);
    handlers.storefront = createStorefrontHandler(adapters);

    // The event rules and the monitor schedule, bound to the same handlers as in AWS.
    const target = <E, R>(name: string, handler: (event: E) => Promise<R>) => (probe ? probe.backgroundTarget(name, handler) : handler);
    events.route(orderEventRoutes.fulfillmentPush, target('fulfillmentPush', createFulfillmentPushHandler(adapters)));
    events.route(orderEventRoutes.orderMail, target('orderMail', createOrderMailHandler(adapters)));
    const monitorIntervalSeconds = options.monitorIntervalSeconds ?? 60;
    const monitor = startMonitorTimer(createStuckOrderMonitorHandler(adapters), monitorIntervalSeconds);
    // Stopped after the server: the requests it is still answering may publish events.
    running.splice(running.indexOf(apiServer), 0, {
      url: '',
      stop: async () => {
        await monitor.stop();
        await events.stop();
      },
    });

    const issuer = await issuing;
    const staffDeps = { ...adapters, authenticate: createStaffAuthenticator(issuer.rules) };
    handlers.admin = createAdminHandler(staffDeps);
    handlers.cardReveal = createCardRevealHandler(staffDeps);
    handlers.local = createLocalAuthHandler(issuer, adapters);
    // Every route is bound: from here `/health` answers 200.
    ready = true;

    return {
      apiUrl,
      dashboardUrl: `${apiUrl}/dashboard/`,
      storefrontUrl: `${apiUrl}/demo/`,
      dynamoDbUrl: dynamoDb.url,
      mailViewerUrl: `${ses.url}/`,
      seeded,
      fulfillmentWebhookUrl: webhookUrl,
      monitorIntervalSeconds,
      paymentGateway: { name: gatewayName, endpoint: gatewayEndpoint(gatewayName) },
      logins: issuer.logins,
      onEmulatorExit: (listener) => dynamoDb.child.once('exit', (code) => listener(code)),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
