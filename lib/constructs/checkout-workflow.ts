import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { type CheckoutStep, gatewayUnavailableError } from '../../contract/checkout-steps.js';

const lambdaServiceErrors = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

export interface CheckoutWorkflowProps {
  /** One function per step; the twin passes imported placeholders and binds handlers locally. */
  readonly steps: Record<CheckoutStep, IFunction>;
}

/**
 * The synchronous checkout: reserve stock (unless the order was created holding it), authorize,
 * then place / hold offline / mark incomplete. Input carries ids and small facts only (`orderId`,
 * `cardRef`, `onDecline`, `attempt`, the reservation's amount); card data never enters the
 * execution. The outcome steps queue the receipts in the order's outbox, sent off the customer's
 * wait. Unexpected failures after reservation compensate.
 */
export class CheckoutWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: CheckoutWorkflowProps) {
    super(scope, id);
    const task = (step: CheckoutStep, resultPath: string) =>
      new LambdaInvoke(this, step, {
        lambdaFunction: props.steps[step],
        payloadResponseOnly: true,
        resultPath,
        // CDK's default service retry (6 attempts from 2 s) outlives the synchronous API call.
        retryOnServiceExceptions: false,
      }).addRetry({ errors: lambdaServiceErrors, interval: Duration.seconds(1), maxAttempts: 2, backoffRate: 2 });

    const failed = new sfn.Fail(this, 'checkoutFailed', { error: 'CheckoutFailed', cause: 'compensated after an unexpected failure' });
    const compensate = task('compensateCheckout', '$.compensation').next(failed);
    const catchUnexpected = { resultPath: '$.failure', errors: [sfn.Errors.ALL] };

    const done = new sfn.Succeed(this, 'checkoutFinished');
    const placeOrder = task('placeOrder', '$.placement').addCatch(compensate, catchUnexpected).next(done);
    const holdCardOffline = task('holdCardOffline', '$.placement').addCatch(compensate, catchUnexpected).next(done);
    const markIncomplete = task('markIncomplete', '$.placement').addCatch(compensate, catchUnexpected).next(done);

    const chooseOutcome = new sfn.Choice(this, 'chooseAuthorizationOutcome')
      .when(sfn.Condition.booleanEquals('$.authorization.approved', true), placeOrder)
      .when(sfn.Condition.stringEquals('$.onDecline', 'offline'), holdCardOffline)
      .otherwise(markIncomplete);

    const gatewayUnavailable = new sfn.Pass(this, 'gatewayUnavailable', {
      result: sfn.Result.fromObject({ approved: false, declineReason: 'gateway_unavailable' }),
      resultPath: '$.authorization',
    }).next(chooseOutcome);

    const authorizePayment = task('authorizePayment', '$.authorization')
      .addRetry({ errors: [gatewayUnavailableError], interval: Duration.seconds(1), maxAttempts: 2, backoffRate: 2 })
      .addCatch(gatewayUnavailable, { errors: [gatewayUnavailableError], resultPath: '$.gatewayError' })
      .addCatch(compensate, catchUnexpected)
      .next(chooseOutcome);

    const choosePaymentMethod = new sfn.Choice(this, 'choosePaymentMethod')
      .when(sfn.Condition.stringEquals('$.reservation.paymentMethod', 'card'), authorizePayment)
      .otherwise(placeOrder);

    const checkStock = new sfn.Choice(this, 'checkStock')
      .when(sfn.Condition.booleanEquals('$.reservation.reserved', false), new sfn.Succeed(this, 'outOfStock'))
      .otherwise(choosePaymentMethod);

    const reserveStock = task('reserveStock', '$.reservation').addCatch(compensate, catchUnexpected).next(checkStock);
    // A new order is created holding its stock and says so in the input; a retried one reserves again.
    const definition = new sfn.Choice(this, 'stockHeldAtCreation').when(sfn.Condition.isPresent('$.reservation'), checkStock).otherwise(reserveStock);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Shorter than the storefront function's 29 s: the API never gives up on a run still going.
      timeout: Duration.seconds(25),
      tracingEnabled: true,
      logs: {
        // Kept a year, like every log of the stack (PCI DSS 10.5.1).
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}
