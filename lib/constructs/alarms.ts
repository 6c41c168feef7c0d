import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { metricsNamespace, paymentAttemptsMetricName, paymentDeclinesMetricName } from '../../contract/metrics.js';

/** An alarm that fires as soon as the metric reaches 1 in a period (no data is fine) and notifies the topic. */
export const alarmOnAny = (scope: Construct, id: string, props: { description: string; metric: IMetric; notify: ITopic }): Alarm => {
  const alarm = new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(props.notify));
  return alarm;
};

/** Below this many attempts in the window the ratio says nothing (one decline of two is not an attack). */
const declineRatioMinimumAttempts = 20;
/** Card testing declines most of what it tries; a store's normal traffic declines a few percent. */
const declineRatioThreshold = 0.5;

/**
 * The card-testing alarm (SPEC §12): declined share of card authorizations over 15 minutes,
 * from the PaymentAttempts and PaymentDeclines metrics the authorize step publishes.
 */
export const declineRatioAlarm = (scope: Construct, id: string, props: { notify: ITopic }): Alarm => {
  const metric = (metricName: string) =>
    new Metric({
      namespace: metricsNamespace,
      metricName,
      dimensionsMap: { Stack: Stack.of(scope).stackName },
      statistic: 'Sum',
      period: Duration.minutes(15),
    });
  const alarm = new Alarm(scope, id, {
    alarmDescription: `More than ${declineRatioThreshold * 100}% of card authorizations were declined (at least ${declineRatioMinimumAttempts} attempts in 15 minutes): likely card testing. Check the decline counters and the WAF's checkout rule.`,
    metric: new MathExpression({
      expression: `IF(attempts >= ${declineRatioMinimumAttempts}, declines / attempts, 0)`,
      usingMetrics: { attempts: metric(paymentAttemptsMetricName), declines: metric(paymentDeclinesMetricName) },
      label: 'Declined share of card authorizations',
      period: Duration.minutes(15),
    }),
    threshold: declineRatioThreshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(props.notify));
  return alarm;
};
