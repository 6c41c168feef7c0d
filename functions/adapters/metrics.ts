import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { paymentAttemptsMetricName, paymentDeclinesMetricName, stuckOrdersMetricName } from '../../contract/metrics.js';
import type { PaymentMetrics, StuckOrdersMetric } from '../core/ports.js';
import { logger } from '../http/logger.js';

type Line = (line: string) => void;
const stdout: Line = (line) => process.stdout.write(`${line}\n`);

/**
 * AWS: metrics in CloudWatch embedded metric format, serialized by Powertools Metrics. Lambda
 * ships stdout to CloudWatch Logs, which extracts them: no API call, no IAM permission. The
 * dimensions are exactly the given ones (Powertools' own `service` dimension is dropped), so
 * the stack's alarms match.
 */
const emit = (namespace: string, dimensions: Readonly<Record<string, string>>, write: Line, values: Readonly<Record<string, number>>, at: Date) => {
  const metrics = new Metrics({ namespace, logger });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ ...dimensions });
  metrics.setTimestamp(at);
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
  write(JSON.stringify(metrics.serializeMetrics()));
  metrics.clearMetrics();
};

export class PowertoolsStuckOrdersMetric implements StuckOrdersMetric {
  constructor(
    private readonly namespace: string,
    private readonly dimensions: Readonly<Record<string, string>>,
    private readonly write: Line = stdout,
  ) {}

  async record(count: number, at: Date): Promise<void> {
    emit(this.namespace, this.dimensions, this.write, { [stuckOrdersMetricName]: count }, at);
  }
}

/** Every answered card authorization counts one attempt, and one decline when declined (0 otherwise, so the ratio is defined). */
export class PowertoolsPaymentMetrics implements PaymentMetrics {
  constructor(
    private readonly namespace: string,
    private readonly dimensions: Readonly<Record<string, string>>,
    private readonly write: Line = stdout,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async recordAttempt(outcome: { readonly declined: boolean }): Promise<void> {
    emit(this.namespace, this.dimensions, this.write, { [paymentAttemptsMetricName]: 1, [paymentDeclinesMetricName]: outcome.declined ? 1 : 0 }, this.clock());
  }
}

/** The twin: the StuckOrders metric as a structured log line. */
export class LoggedStuckOrdersMetric implements StuckOrdersMetric {
  async record(count: number, at: Date): Promise<void> {
    logger.info('metric', { metric: stuckOrdersMetricName, value: count, at: at.toISOString() });
  }
}

/** The twin: payment attempts as structured log lines. */
export class LoggedPaymentMetrics implements PaymentMetrics {
  async recordAttempt(outcome: { readonly declined: boolean }): Promise<void> {
    logger.info('metric', { metric: paymentAttemptsMetricName, value: 1, [paymentDeclinesMetricName]: outcome.declined ? 1 : 0 });
  }
}
