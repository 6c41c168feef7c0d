export const orderStatuses = [
  'INCOMPLETE',
  'OFFLINE_PENDING',
  'ORDER_PLACED',
  'AWAITING_PAYMENT',
  'AWAITING_EVALUATION',
  'AWAITING_CUSTOMER_APPROVAL',
  'IN_PROCESS',
  'SHIPPED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const statusLabels: Record<OrderStatus, string> = {
  INCOMPLETE: 'Incomplete',
  OFFLINE_PENDING: 'Pending (offline)',
  ORDER_PLACED: 'Order Placed',
  AWAITING_PAYMENT: 'Awaiting Payment',
  AWAITING_EVALUATION: 'Awaiting Evaluation',
  AWAITING_CUSTOMER_APPROVAL: 'Awaiting Customer Approval',
  IN_PROCESS: 'In Process',
  SHIPPED: 'Shipped',
  COMPLETED: 'Completed',
  CANCELLED: 'Canceled',
};

export const paymentStatuses = ['NONE', 'AUTHORIZED', 'DECLINED', 'OFFLINE', 'APPROVED_MANUAL', 'CAPTURED', 'INVOICED', 'PAID', 'VOIDED'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const paymentStatusLabels: Record<PaymentStatus, string> = {
  NONE: 'None',
  AUTHORIZED: 'Authorized',
  DECLINED: 'Declined',
  OFFLINE: 'Offline',
  APPROVED_MANUAL: 'Approved (M)',
  CAPTURED: 'Captured',
  INVOICED: 'Invoiced',
  PAID: 'Paid',
  VOIDED: 'Voided',
};

/** Payment statuses that mean the money is (or will be) collected. */
export const paidPaymentStatuses: readonly PaymentStatus[] = ['APPROVED_MANUAL', 'CAPTURED', 'PAID'];
