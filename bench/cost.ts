/**
 * Cost model: USD per 1,000 checkouts, happy path (approved card) and offline path (declined,
 * submitted offline), from the synthesized template (functions, memory, the workflow's states
 * run with stand-in tasks to count invocations and transitions) and the checkout bench's
 * measurements (DynamoDB capacity units billed per outcome, KMS calls, step and request durations).
 */
import '../functions/local/promise-polyfill.js';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { aslFromTemplate } from '../lib/checkout-asl.js';
import { buildApp } from '../lib/orders-stack.js';
import { prices } from './prices.js';
import { type Figure, printFigures, readSection, writeSection } from './results.js';

const targetPerThousand = 0.15;

type Resource = { Type: string; Properties: Record<string, unknown> };
// Priced as a store taking real payments deploys it (the gateway's own fees are not AWS costs).
const deployment = { paymentGateway: 'authorizenet', fromEmail: 'orders@store.example' };
const template = Template.fromStack(buildApp({ bundling: false, nag: false, context: deployment }).stack).toJSON() as { Resources: Record<string, Resource> };
const functions = Object.values(template.Resources).filter(
  (r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Handler ?? '').startsWith('index.'),
);
const memoryOf = (handler: string) => {
  const fn = functions.find((f) => f.Properties.Handler === `index.${handler}`);
  if (!fn) throw new Error(`no function with handler ${handler} in the template`);
  return (fn.Properties.MemorySize ?? 128) as number;
};

const checkout = readSection('checkout');
if (!checkout) throw new Error('run the checkout bench first (npm run bench -- --only=checkout)');
const details = checkout.details as {
  counts: Record<string, { capacityUnits: { read: number; write: number }; billedUnits: { read: number; write: number }; kmsCalls: number }>;
  steps: Record<string, { calls: number; msEach: number }>;
  background: Record<string, { calls: number; msEach: number }>;
  p50: number;
};

/** The workflow as synthesized, run with stand-in tasks: which tasks run, how many transitions. */
const runWorkflow = async (outcome: 'happy' | 'offline') => {
  const asl = aslFromTemplate(template);
  const tasks: string[] = [];
  const stand = (name: string, result: unknown) => async () => {
    tasks.push(name);
    return result;
  };
  const handlers = {
    reserveStock: stand('reserveStock', { reserved: true, paymentMethod: 'card', outOfStock: [] }),
    authorizePayment: stand(
      'authorizePayment',
      outcome === 'happy'
        ? { approved: true, authorizationCode: 'A', transactionId: 'T' }
        : { approved: false, declineReason: 'card_declined', gatewayCode: 'x' },
    ),
    placeOrder: stand('placeOrder', { status: 'ORDER_PLACED' }),
    holdCardOffline: stand('holdCardOffline', { status: 'OFFLINE_PENDING' }),
    markIncomplete: stand('markIncomplete', { status: 'INCOMPLETE' }),
    compensateCheckout: stand('compensateCheckout', { compensated: true }),
  };
  const names = Object.keys(asl.States);
  const machine = new StateMachine(asl as never, { validationOptions: { checkArn: false } });
  const execution = machine.run(
    {
      orderId: 'o',
      cardRef: 'c',
      onDecline: outcome === 'happy' ? 'ask' : 'offline',
      attempt: 1,
      reservation: { reserved: true, paymentMethod: 'card', outOfStock: [], amountCents: 1999, currency: 'USD' },
    } as never,
    { overrides: { taskResourceLocalHandlers: Object.fromEntries(Object.entries(handlers).filter(([n]) => names.includes(n))) as never } },
  );
  let transitions = 0;
  const counting = (async () => {
    for await (const event of execution.eventLogs) if ((event as { type: string }).type === 'StateEntered') transitions++;
  })();
  await execution.result;
  await counting;
  return { tasks, transitions };
};

const gbSeconds = (memoryMb: number, ms: number) => (memoryMb / 1024) * (Math.max(1, Math.ceil(ms)) / 1000);

const model = async (outcome: 'happy' | 'offline') => {
  const counts = outcome === 'happy' ? details.counts.approved! : details.counts.offline!;
  const flow = await runWorkflow(outcome);
  const stepMs = (step: string) => details.steps[step]?.msEach ?? details.steps.placeOrder?.msEach ?? 20;
  const backgroundMs = (name: string) => details.background?.[name]?.msEach ?? 20;
  const background = outcome === 'happy' ? ['orderMail', 'fulfillmentPush'] : ['orderMail'];
  const apiMs = details.p50;
  const workflowMs = flow.tasks.reduce((sum, task) => sum + stepMs(task), 0);
  const lambda = {
    invocations: 1 + flow.tasks.length + background.length,
    gbSeconds:
      gbSeconds(memoryOf('handler'), apiMs) +
      flow.tasks.reduce((sum, task) => sum + gbSeconds(memoryOf(task), stepMs(task)), 0) +
      background.reduce((sum, name) => sum + gbSeconds(memoryOf(name), backgroundMs(name)), 0),
  };
  // Measured: the units DynamoDB bills on demand for the items each request touched (DynamoDB
  // Local's own report differs for transactions), and the card key's uses (each a KMS call).
  const units = { rru: counts.billedUnits.read, wru: counts.billedUnits.write };
  const reported = { rru: counts.capacityUnits.read, wru: counts.capacityUnits.write };
  const kmsCalls = counts.kmsCalls;
  const emails = outcome === 'happy' ? 1 : 2;
  // Placing publishes OrderPlaced, which the mail rule takes too; holding offline publishes OrderEmailsPending.
  const events = 1;
  // About 300 bytes per log line: a request line and a line per step in Lambda, an event per transition in the workflow log.
  const logBytes = 300 * (1 + flow.tasks.length + background.length * 2 + 2 * flow.transitions);
  const expressGbSeconds = 0.0625 * Math.ceil(workflowMs / 100) * 0.1;
  const usd = {
    apiGateway: prices.apiGatewayRestRequest + prices.wafRequest,
    lambda: lambda.invocations * prices.lambdaRequest + lambda.gbSeconds * prices.lambdaArmGbSecond,
    stepFunctions: prices.stepFunctionsExpressRequest + expressGbSeconds * prices.stepFunctionsExpressGbSecond,
    dynamoDb: units.wru * prices.dynamoDbWriteRequestUnit + units.rru * prices.dynamoDbReadRequestUnit,
    kms: kmsCalls * prices.kmsRequest,
    ses: emails * prices.sesEmail,
    eventBridge: events * prices.eventBridgeCustomEvent,
    logs: (logBytes / 1024 ** 3) * prices.cloudWatchLogsIngestedGb,
    // One trace per checkout: in Lambda the SDK sends the function's trace header on every call
    // (StartSyncExecution, PutEvents), and the workflow, its steps and the event targets join it.
    xRay: prices.xRayTraceRecorded,
  };
  const total = Object.values(usd).reduce((a, b) => a + b, 0);
  return { outcome, flow, lambda, units, reported, kmsCalls, emails, events, logBytes, usd, perThousand: total * 1000 };
};

const main = async () => {
  const happy = await model('happy');
  const offline = await model('offline');
  for (const m of [happy, offline]) {
    console.log(
      `\n${m.outcome} path: tasks ${m.flow.tasks.join(' → ')}; ${m.flow.transitions} state transitions; ${m.lambda.invocations} Lambda invocations, ${m.lambda.gbSeconds.toFixed(4)} GB-s`,
    );
    console.log(
      `  DynamoDB ${m.units.wru} WRU + ${m.units.rru} RRU as billed (DynamoDB Local reported ${m.reported.wru} + ${m.reported.rru}); KMS ${m.kmsCalls}; emails ${m.emails}; events ${m.events}`,
    );
    console.log(
      `  USD per 1,000: ${Object.entries(m.usd)
        .map(([k, v]) => `${k} ${(v * 1000).toFixed(4)}`)
        .join(', ')}`,
    );
  }
  const figures: Figure[] = [
    {
      key: 'usdPer1000Happy',
      label: 'USD per 1,000 approved checkouts',
      value: happy.perThousand,
      unit: 'USD',
      target: { kind: 'max', value: targetPerThousand },
    },
    { key: 'usdPer1000Offline', label: 'USD per 1,000 offline checkouts', value: offline.perThousand, unit: 'USD' },
  ];
  printFigures(`cost model (${prices.region} list prices as of ${prices.asOf})`, figures);
  writeSection({ section: 'cost', figures, details: { prices, happy, offline } });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
