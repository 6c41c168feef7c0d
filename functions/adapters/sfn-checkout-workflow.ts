import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import type { Placement } from '../core/checkout-steps.js';
import type { CheckoutRun, CheckoutRunResult, CheckoutWorkflow } from '../core/ports.js';

/** Reads what the API needs from the execution's final state. */
export const checkoutRunResult = (output: unknown): CheckoutRunResult => {
  const { reservation, placement } = (output ?? {}) as { reservation?: { outOfStock?: string[] }; placement?: Placement };
  return { status: 'succeeded', outOfStock: reservation?.outOfStock ?? [], ...(placement?.order ? { order: placement.order } : {}) };
};

/** The Express state machine, run synchronously (SPEC §6). */
export class StepFunctionsCheckoutWorkflow implements CheckoutWorkflow {
  private readonly client = new SFNClient({});

  constructor(private readonly stateMachineArn: string) {}

  async run(input: CheckoutRun): Promise<CheckoutRunResult> {
    const execution = await this.client.send(
      new StartSyncExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: `${input.orderId}-${input.attempt}-${Date.now()}`,
        input: JSON.stringify(input),
      }),
    );
    if (execution.status !== 'SUCCEEDED') return { status: 'failed', error: execution.error ?? execution.status ?? 'unknown' };
    return checkoutRunResult(JSON.parse(execution.output ?? '{}'));
  }
}
