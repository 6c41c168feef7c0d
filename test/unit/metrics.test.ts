import { describe, expect, it } from 'vitest';
import { PowertoolsPaymentMetrics } from '../../functions/adapters/metrics.js';

describe('payment metrics (card-testing alarm)', () => {
  it('writes PaymentAttempts and PaymentDeclines in embedded metric format, with the stack dimension only', async () => {
    const lines: string[] = [];
    const at = new Date();
    const metrics = new PowertoolsPaymentMetrics(
      'OrderBackend',
      { Stack: 'OrdersStack' },
      (line) => lines.push(line),
      () => at,
    );
    await metrics.recordAttempt({ declined: true });
    await metrics.recordAttempt({ declined: false });
    const metric = (declines: number) => ({
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'OrderBackend',
            Dimensions: [['Stack']],
            Metrics: [
              { Name: 'PaymentAttempts', Unit: 'Count' },
              { Name: 'PaymentDeclines', Unit: 'Count' },
            ],
          },
        ],
      },
      Stack: 'OrdersStack',
      PaymentAttempts: 1,
      PaymentDeclines: declines,
    });
    expect(lines.map((line) => JSON.parse(line))).toEqual([metric(1), metric(0)]);
  });
});
