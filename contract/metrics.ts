/** The `StuckOrders` metric: published by the monitor function, alarmed on by the stack. */
export const metricsNamespace = 'OrderBackend';
export const stuckOrdersMetricName = 'StuckOrders';

/** Card authorization attempts and declines (card-testing defences, SPEC §12): the stack alarms on their ratio. */
export const paymentAttemptsMetricName = 'PaymentAttempts';
export const paymentDeclinesMetricName = 'PaymentDeclines';
