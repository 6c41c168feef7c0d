import { paymentReceipt } from './admin/emails.js';
import { markedAsTest, offlineOrderNotice, orderReceipt, payLinkEmail } from './emails.js';
import { actors, type NewHistoryEntry, type OrderEmailKind } from './history.js';
import { isTestOrder, type Order, type OutboxEmail } from './order.js';
import type { Clock, Email, Links, Mailer, OrderEvents, OrderRepository, PendingEmailIndex, SettingsStore } from './ports.js';
import type { Settings } from './settings.js';
import type { OrderStatus } from './status.js';
import { record } from './transitions.js';
import { updateOrder } from './update-order.js';

export interface ReceiptDeps {
  readonly orders: OrderRepository;
  readonly settings: SettingsStore;
  readonly mailer: Mailer;
  readonly links: Links;
  readonly clock: Clock;
}

export const alreadySent = (order: Order, kind: OrderEmailKind): boolean => order.emailsSent?.includes(kind) ?? false;

/**
 * The emails of a newly received order: the customer's receipt (for an offline order only
 * when `customerOfflineNotice` is on) and the staff notice of an offline order.
 */
export const receiptKinds = (status: OrderStatus, settings: Settings): OrderEmailKind[] => [
  ...(status !== 'OFFLINE_PENDING' || settings.customerOfflineNotice ? (['receipt'] as const) : []),
  ...(status === 'OFFLINE_PENDING' ? (['offline_notice'] as const) : []),
];

/** Emails the outbox can render from the order alone, by kind. */
const outboxEmails: Partial<Record<OrderEmailKind, (order: Order, settings: Settings, links: Links) => Email>> = {
  payment_receipt: (order, settings, links) => paymentReceipt(order, settings, links.trackOrder(order.id, order.trackingToken)),
  receipt: (order, settings, links) => orderReceipt(order, settings, links.trackOrder(order.id, order.trackingToken)),
  offline_notice: (order, settings, links) => offlineOrderNotice(order, settings, links.dashboardOrder(order.id)),
  pay_link: (order, settings, links) => payLinkEmail(order, settings, links.payOrder(order.id, order.trackingToken), false),
};

/**
 * Puts `kinds` in the order's outbox (those not sent or queued already), as changes and
 * timeline entries for the same write as the transition that made them due.
 */
export const queueEmails = (
  order: Order,
  kinds: readonly OrderEmailKind[],
  now: Date,
): { changes: Pick<Order, 'emailOutbox'> | Record<string, never>; entries: NewHistoryEntry[] } => {
  const outbox = order.emailOutbox ?? [];
  const due = kinds.filter((kind) => outboxEmails[kind] && !alreadySent(order, kind) && !outbox.some((email) => email.kind === kind));
  if (!due.length) return { changes: {}, entries: [] };
  const since = now.toISOString();
  return {
    changes: { emailOutbox: [...outbox, ...due.map((kind): OutboxEmail => ({ kind, state: 'pending', since, failures: 0 }))] },
    entries: due.map((kind) => ({
      type: 'email_queued',
      actor: actors.system,
      message: `Email queued: ${kind.replace(/_/g, ' ')}`,
      visibleToCustomer: false,
      data: { kind },
    })),
  };
};

/** Tells the mail function the order's outbox has emails; a lost event leaves them to the scheduled run. */
export const announceEmails = async (deps: { readonly events: OrderEvents; readonly clock: Clock }, order: Order): Promise<void> => {
  if (!order.emailOutbox?.some((email) => email.state === 'pending')) return;
  await deps.events.emailsPending({ orderId: order.id, at: deps.clock.now().toISOString() }).catch(() => undefined);
};

/** A drain that claimed an email and died before recording it: after this long another drain sends it. */
export const staleSendingMs = 5 * 60_000;

const claimable = (email: OutboxEmail, now: Date) => email.state === 'pending' || Date.parse(email.since) <= now.getTime() - staleSendingMs;

/**
 * Drains the order's outbox: claims the pending emails in one versioned write (so concurrent
 * drains never send one twice), sends them, then records each as sent or failed (pending again,
 * for a later drain) in one more write. True when nothing is left to send.
 */
export const sendPendingEmails = async (deps: ReceiptDeps, orderId: string): Promise<boolean> => {
  let claimed: OrderEmailKind[] = [];
  const order = await updateOrder(deps.orders, orderId, (current) => {
    const now = deps.clock.now();
    claimed = (current.emailOutbox ?? []).filter((email) => claimable(email, now)).map((email) => email.kind);
    if (!claimed.length) return null;
    const since = now.toISOString();
    return record(
      current,
      { emailOutbox: current.emailOutbox!.map((email) => (claimed.includes(email.kind) ? { ...email, state: 'sending', since } : email)) },
      [],
      now,
    );
  });
  if (!claimed.length) return true;
  const settings = await deps.settings.get();
  const results: { kind: OrderEmailKind; email: Email; error: string | null }[] = [];
  for (const kind of claimed) {
    const composed = outboxEmails[kind]!(order, settings, deps.links);
    const email = isTestOrder(order) ? markedAsTest(composed) : composed;
    let error: string | null = null;
    try {
      await deps.mailer.send(settings.fromEmail, email);
    } catch (cause) {
      error = cause instanceof Error ? cause.name : 'unknown';
    }
    results.push({ kind, email, error });
  }
  await updateOrder(
    deps.orders,
    orderId,
    (current) => {
      const now = deps.clock.now();
      const sent = results.filter((result) => !result.error).map((result) => result.kind);
      const outbox = (current.emailOutbox ?? [])
        .filter((email) => !sent.includes(email.kind))
        .map((email) =>
          results.some((r) => r.kind === email.kind && r.error)
            ? { ...email, state: 'pending' as const, since: now.toISOString(), failures: email.failures + 1 }
            : email,
        );
      const entries: NewHistoryEntry[] = results.map(({ kind, email, error }) => {
        const to = email.to.join(', ');
        return error
          ? {
              type: 'email_failed',
              actor: actors.system,
              message: `Email "${email.subject}" failed (${error}); it will be retried`,
              visibleToCustomer: false,
              data: { kind, to, error, pending: true },
            }
          : { type: 'email_sent', actor: actors.system, message: `Email sent: ${email.subject}`, visibleToCustomer: false, data: { kind, to } };
      });
      return record(
        current,
        { emailOutbox: outbox, emailsSent: [...(current.emailsSent ?? []), ...sent.filter((kind) => !alreadySent(current, kind))] },
        entries,
        now,
      );
    },
    order,
  );
  return results.every((result) => !result.error);
};

/**
 * The scheduled run's share of the outbox: drains every order that still has emails waiting
 * (the event-driven drain gave up, say while the mail server was down). Claims keep a
 * concurrent drain from sending any email twice. Returns how many orders still wait.
 */
export const drainOutboxes = async (deps: ReceiptDeps & { readonly pendingEmails: PendingEmailIndex }): Promise<number> => {
  let waiting = 0;
  let cursor: string | null = null;
  do {
    const page = await deps.pendingEmails.listWithPendingEmails({ limit: 100, cursor });
    for (const order of page.orders) if (!(await sendPendingEmails(deps, order.id))) waiting++;
    cursor = page.nextCursor;
  } while (cursor);
  return waiting;
};
