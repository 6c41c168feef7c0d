import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GatewayName } from '../functions/core/payments.js';
import { startDynamoDbLocal } from '../functions/local/emulators.js';
import type { Twin } from '../functions/local/twin.js';
import { twinGatewayName } from '../functions/runtime/gateway-settings.js';

/** `npm start`: the whole system on loopback (SPEC §10). `--memory` keeps nothing on disk. */
const env = process.env;
const options = {
  memory: process.argv.includes('--memory'),
  dataDir: resolve(env.DATA_DIR ?? '.data'),
  host: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 3000),
  sesPort: Number(env.SES_PORT ?? 8005),
  monitorIntervalSeconds: Number(env.MONITOR_INTERVAL_SECONDS ?? 60),
};
if (!(options.monitorIntervalSeconds > 0)) {
  console.error('MONITOR_INTERVAL_SECONDS must be a positive number of seconds');
  process.exit(1);
}

const refuse = (error: Error): never => {
  console.error(`Could not start the local twin: ${error.message}`);
  process.exit(1);
};
// A wrong payment setting is refused before the twin's code loads, in well under a second.
const checkedGateway = (): GatewayName => {
  try {
    return twinGatewayName(env);
  } catch (error) {
    return refuse(error as Error);
  }
};
const gateway = checkedGateway();
if (!options.memory) mkdirSync(options.dataDir, { recursive: true });
// DynamoDB Local serves one developer's twin: the client compiler alone and the serial collector
// bring it up in about 2.4 s on 2.9 s of CPU, where the JVM's defaults take about 4 s on 6 s of
// CPU compiling for a peak it never reaches, and checkouts are no slower (measured). The `java`
// launcher reads JDK_JAVA_OPTIONS; options of the developer's own are kept instead.
env.JDK_JAVA_OPTIONS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
// DynamoDB Local reports every start to AWS (Amazon Pinpoint) unless told not to: a developer's
// twin has no business calling out, and building that client was 0.7 of its 3.4 s of CPU.
env.DDB_LOCAL_TELEMETRY ??= '0';
// DynamoDB Local's JVM boots while the twin's code loads (seconds each); the twin awaits it.
const dynamoDb = startDynamoDbLocal({ port: Number(env.DYNAMODB_PORT ?? 8000), dataDir: options.memory ? null : options.dataDir });
dynamoDb.catch(() => undefined);

// Installed before start-up: the JVM runs in a process group of its own, so whatever stops the
// twin, even before it is up, must stop the JVM too.
let twin: Twin | undefined;
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await (twin
    ? twin.stop()
    : dynamoDb.then(
        (started) => started.stop(),
        () => undefined,
      ));
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
// The terminal or pipe it prints to went away: stop as on Ctrl-C. Reporting the failed write
// would fail the same way, and each failure would report itself again, forever.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    void shutdown(0);
  });
}
process.on('uncaughtException', (error) => {
  console.error('Uncaught error, stopping the twin:', error);
  void shutdown(1);
});
const { startTwin } = await import('../functions/local/twin.js');
twin = await startTwin({ ...options, gateway, dynamoDb }).catch(refuse);
twin.onEmulatorExit((code) => {
  if (stopping) return;
  console.error(`DynamoDB Local exited (code ${code}); stopping the twin.`);
  void shutdown(1);
});

/** Generated passwords are shown this once; afterwards only their hashes exist. */
const loginLines = twin.logins.map((login, index) => {
  const label = index === 0 ? '  Logins       ' : '               ';
  if (login.generatedPassword) return `${label}${login.username} / ${login.generatedPassword}   (generated now and shown only once)`;
  if (login.source === 'environment') return `${label}${login.username} (password from LOCAL_${login.username.toUpperCase()}_PASSWORD)`;
  return `${label}${login.username} (password shown when first generated; delete staff-users.json in the data directory for new ones)`;
});

console.log(
  [
    '',
    'Local twin is up.',
    `  API          ${twin.apiUrl}`,
    `  Dashboard    ${twin.dashboardUrl}`,
    `  Storefront   ${twin.storefrontUrl}   (demo: check out with the test cards)`,
    `  Mail viewer  ${twin.mailViewerUrl}`,
    `  DynamoDB     ${twin.dynamoDbUrl}`,
    `  Fulfillment  ${twin.fulfillmentWebhookUrl ? `signed POST to ${twin.fulfillmentWebhookUrl}` : 'no FULFILLMENT_WEBHOOK_URL: placed orders are accepted at once'}`,
    `  Payments     ${
      twin.paymentGateway.endpoint
        ? `${twin.paymentGateway.name} at ${twin.paymentGateway.endpoint}`
        : 'sandbox gateway: test cards only, no money moves, orders marked testMode (PAYMENT_GATEWAY=authorizenet|stripe for a real one)'
    }`,
    `  Monitor      stuck orders checked every ${twin.monitorIntervalSeconds} s`,
    `  Data         ${options.memory ? 'in memory (nothing is kept)' : options.dataDir}`,
    ...loginLines,
    `               sign in at the dashboard, or POST ${twin.apiUrl}/auth/login for an API token`,
    twin.seeded ? '  Demo catalog seeded.' : '',
    'Press Ctrl-C to stop.',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n'),
);
