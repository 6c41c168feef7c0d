/** The `StuckOrders` metric: published by the monitor function, alarmed on by the stack. */
export const metricsNamespace = 'OrderBackend';
export const stuckOrdersMetricName = 'StuckOrders';
