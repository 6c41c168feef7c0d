import './promise-polyfill.js';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslDefinition } from '../../lib/checkout-asl.js';
import type { CheckoutRun, CheckoutRunResult, CheckoutWorkflow } from '../core/ports.js';
import { checkoutRunResult } from '../adapters/sfn-checkout-workflow.js';
import { logger } from '../http/logger.js';

type TaskHandlers = Record<string, (state: never) => Promise<unknown>>;

/**
 * Runs the checkout state machine exactly as CDK synthesizes it (`checkoutDefinition`), with
 * each Lambda task bound to the same handler function the Lambda runs. Execution events are
 * logged only when `LOG_EXECUTION_DATA=true`, the twin's counterpart of Step Functions'
 * execution-data logging.
 */
export class LocalCheckoutWorkflow implements CheckoutWorkflow {
  private readonly machine: StateMachine;

  constructor(
    definition: AslDefinition,
    private readonly tasks: TaskHandlers,
    private readonly retryIntervalMs = Number(process.env.WORKFLOW_RETRY_INTERVAL_MS ?? 200),
  ) {
    // Not validated again at each start (half a second of CPU): the infra tests validate this
    // very synthesis, ARNs included (checkout-asl.test.ts).
    this.machine = new StateMachine(definition as StateMachineDefinition, { validationOptions: { noValidate: true } });
  }

  async run(input: CheckoutRun): Promise<CheckoutRunResult> {
    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          Object.entries(this.tasks).map(([name, handler]) => [name, (state: unknown) => handler(state as never) as never]),
        ),
        retryIntervalOverrides: Object.fromEntries(Object.keys(this.tasks).map((name) => [name, this.retryIntervalMs])),
      },
    });
    const logging = process.env.LOG_EXECUTION_DATA === 'true' ? this.logEvents(input.orderId, execution.eventLogs) : Promise.resolve();
    try {
      return checkoutRunResult(await execution.result);
    } catch (error) {
      if (!(error instanceof ExecutionError)) throw error;
      logger.error('checkout execution failed', { orderId: input.orderId, error: error.message });
      return { status: 'failed', error: error.message };
    } finally {
      await logging;
    }
  }

  private async logEvents(orderId: string, events: AsyncGenerator<unknown>) {
    for await (const event of events) logger.info('workflow event', { orderId, event });
  }
}
