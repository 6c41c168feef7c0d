import { actors, type OrderEmailKind } from './history.js';
import type { Clock, Email, Mailer, OrderRepository } from './ports.js';
import { record } from './transitions.js';
import { updateOrder } from './update-order.js';

/** Sends one email and appends `email_sent` or `email_failed` (pending a retry) to the order's history. */
export const sendAndRecord = async (
  deps: { readonly orders: OrderRepository; readonly mailer: Mailer; readonly clock: Clock },
  orderId: string,
  kind: OrderEmailKind,
  from: string,
  email: Email,
): Promise<boolean> => {
  let error: string | null = null;
  try {
    await deps.mailer.send(from, email);
  } catch (cause) {
    error = cause instanceof Error ? cause.name : 'unknown';
  }
  const to = email.to.join(', ');
  await updateOrder(deps.orders, orderId, (order) =>
    error
      ? record(
          order,
          {},
          [{ type: 'email_failed', actor: actors.system, message: `Email "${email.subject}" failed (${error}); it will be retried`, visibleToCustomer: false, data: { kind, to, error, pending: true } }],
          deps.clock.now(),
        )
      : record(
          order,
          { emailsSent: [...(order.emailsSent ?? []), kind] },
          [{ type: 'email_sent', actor: actors.system, message: `Email sent: ${email.subject}`, visibleToCustomer: false, data: { kind, to } }],
          deps.clock.now(),
        ),
  );
  return error === null;
};
