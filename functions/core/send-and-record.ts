import { actors, type OrderEmailKind } from './history.js';
import { markedAsTest } from './emails.js';
import { isTestOrder, type Order } from './order.js';
import type { Clock, Email, Mailer, OrderRepository } from './ports.js';
import { record } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * Sends one email about `order` (marked as a test order when it is one) and appends `email_sent`
 * or `email_failed` (pending a retry) to the order's history.
 */
export const sendAndRecord = async (
  deps: { readonly orders: OrderRepository; readonly mailer: Mailer; readonly clock: Clock },
  order: Order,
  kind: OrderEmailKind,
  from: string,
  composed: Email,
): Promise<boolean> => {
  const email = isTestOrder(order) ? markedAsTest(composed) : composed;
  let error: string | null = null;
  try {
    await deps.mailer.send(from, email);
  } catch (cause) {
    error = cause instanceof Error ? cause.name : 'unknown';
  }
  const to = email.to.join(', ');
  await updateOrder(deps.orders, order.id, (current) =>
    error
      ? record(
          current,
          {},
          [
            {
              type: 'email_failed',
              actor: actors.system,
              message: `Email "${email.subject}" failed (${error}); it will be retried`,
              visibleToCustomer: false,
              data: { kind, to, error, pending: true },
            },
          ],
          deps.clock.now(),
        )
      : record(
          current,
          { emailsSent: [...(current.emailsSent ?? []), kind] },
          [{ type: 'email_sent', actor: actors.system, message: `Email sent: ${email.subject}`, visibleToCustomer: false, data: { kind, to } }],
          deps.clock.now(),
        ),
  );
  return error === null;
};
