import { stuckOrdersMetricName } from '../../lib/stuck-orders-metric.js';
import type { StuckOrderMetric } from '../core/ports.js';
import { logger } from '../http/logger.js';

/**
 * AWS: the metric in CloudWatch embedded metric format. Lambda ships stdout to CloudWatch
 * Logs, which extracts the metric: no API call, no IAM permission, no added latency.
 */
export class EmbeddedStuckOrderMetric implements StuckOrderMetric {
  constructor(
    private readonly namespace: string,
    private readonly dimensions: Readonly<Record<string, string>>,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  async record(count: number, at: Date): Promise<void> {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: at.getTime(),
          CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: [Object.keys(this.dimensions)], Metrics: [{ Name: stuckOrdersMetricName, Unit: 'Count' }] }],
        },
        ...this.dimensions,
        [stuckOrdersMetricName]: count,
      }),
    );
  }
}

/** The twin: the metric as a structured log line. */
export class LoggedStuckOrderMetric implements StuckOrderMetric {
  async record(count: number, at: Date): Promise<void> {
    logger.info('metric', { metric: stuckOrdersMetricName, value: count, at: at.toISOString() });
  }
}
