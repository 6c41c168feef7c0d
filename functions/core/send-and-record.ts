import type { Clock, Email, Mailer, OrderRepository } from './ports.js';
import { updateOrder } from './update-order.js';

/** Sends one email and appends `email_sent` or `email_failed` (pending a retry) to the order's history. */
export const sendAndRecord = async (
  deps: { readonly orders: OrderRepository; readonly mailer: Mailer; readonly clock: Clock },
  orderId: string,
  kind: string,
  from: string,
  email: Email,
): Promise<boolean> => {
  let error: string | null = null;
  try {
    await deps.mailer.send(from, email);
  } catch (cause) {
    error = cause instanceof Error ? cause.name : 'unknown';
  }
  await updateOrder(deps.orders, orderId, (order) => ({
    ...order,
    version: order.version + 1,
    history: [
      ...order.history,
      {
        at: deps.clock.now().toISOString(),
        type: error ? 'email_failed' : 'email_sent',
        actor: 'system',
        message: error ? `Email "${email.subject}" failed (${error}); it will be retried` : `Email sent: ${email.subject}`,
        visibleToCustomer: false,
        data: { kind, to: email.to.join(', '), ...(error ? { error, pending: true } : {}) },
      },
    ],
  }));
  return error === null;
};
