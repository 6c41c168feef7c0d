import { stuckOrdersMetricName } from '../../contract/metrics.js';
import type { StuckOrdersMetric } from '../core/ports.js';
import { logger } from '../http/logger.js';

/**
 * AWS: the metric in CloudWatch embedded metric format. Lambda ships stdout to CloudWatch
 * Logs, which extracts the metric: no API call, no IAM permission, no added latency.
 */
export class EmbeddedStuckOrdersMetric implements StuckOrdersMetric {
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
export class LoggedStuckOrdersMetric implements StuckOrdersMetric {
  async record(count: number, at: Date): Promise<void> {
    logger.info('metric', { metric: stuckOrdersMetricName, value: count, at: at.toISOString() });
  }
}
