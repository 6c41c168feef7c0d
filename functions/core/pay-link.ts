import { payLinkEmail } from './emails.js';
import { cardIsHeld, type Order, type PayLink } from './order.js';
import type { Clock, Links, Mailer, OrderRepository, SettingsStore } from './ports.js';
import { alreadySent } from './receipts.js';
import { sendAndRecord } from './send-and-record.js';
import type { Settings } from './settings.js';
import { record } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * Pay links (SPEC §8): a customer whose card checkout ended INCOMPLETE after being asked gets
 * a link to the store's pay page, where the same order can be paid with another card (or
 * submitted offline while its card is still held). One reminder may follow. No card data is
 * kept for this: the page asks for a card again.
 */
export interface PayLinkDeps {
  readonly orders: OrderRepository;
  readonly settings: SettingsStore;
  readonly mailer: Mailer;
  readonly links: Links;
  readonly clock: Clock;
}

const hourMs = 3_600_000;

/** The link issued with the first decline the customer was asked about; later declines keep it. */
export const issuePayLink = (order: Order, settings: Settings, now: Date): PayLink =>
  order.payLink ?? {
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + settings.payLinkDays * 24 * hourMs).toISOString(),
    remindAt: settings.payLinkReminderHours > 0 ? new Date(now.getTime() + settings.payLinkReminderHours * hourMs).toISOString() : null,
  };

/** A link can still be used to pay: the order is unpaid (INCOMPLETE) and the link has not expired. */
export const payLinkOpen = (order: Order, now: Date): boolean =>
  order.status === 'INCOMPLETE' && !!order.payLink && Date.parse(order.payLink.expiresAt) > now.getTime();

/** What the pay page needs, decided here: whether the link is open, until when, and what it may offer. */
export const payLinkView = (order: Order, settings: Settings, now: Date) => {
  if (!order.payLink) return null;
  const open = payLinkOpen(order, now);
  return {
    expiresAt: order.payLink.expiresAt,
    open,
    actions: open ? (settings.allowOfflineResubmit && cardIsHeld(order, now) ? ['retry_payment', 'submit_offline'] : ['retry_payment']) : [],
    /** Why the link offers nothing, in words for the customer; null while it is open. */
    message: open ? null : closedMessage(order),
  };
};

const closedMessage = (order: Order): string => {
  if (order.status === 'INCOMPLETE') return 'This pay link has expired. Please place a new order.';
  if (order.status === 'CANCELLED') return 'This order was canceled: there is nothing to pay.';
  if (order.status === 'OFFLINE_PENDING') return 'This order was submitted for offline payment: we will charge your card by hand.';
  return 'This order is paid: there is nothing more to pay.';
};

const pageSize = 100;

/**
 * The one reminder of each open pay link, due `payLinkReminderHours` after the decline. The due
 * time is cleared by a version-checked write before the email goes out, so two runs at once
 * send it once; a failed send is recorded (`email_failed`) and not repeated. Orders are read
 * through the status index (INCOMPLETE, created within the longest link life), never a scan.
 */
export const sendPayLinkReminders = async (deps: PayLinkDeps, now: Date): Promise<number> => {
  const settings = await deps.settings.get();
  const createdFrom = new Date(now.getTime() - settings.payLinkDays * 24 * hourMs).toISOString();
  let sent = 0;
  let cursor: string | null = null;
  do {
    const page = await deps.orders.list({ status: 'INCOMPLETE', createdFrom, limit: pageSize, cursor });
    for (const candidate of page.orders) {
      if (!isReminderDue(candidate, now)) continue;
      let claimed = false;
      const current = await updateOrder(deps.orders, candidate.id, (order) => {
        claimed = isReminderDue(order, now);
        return claimed ? record(order, { payLink: { ...order.payLink!, remindAt: null } }, [], now) : null;
      });
      if (!claimed) continue;
      if (
        await sendAndRecord(
          deps,
          current,
          'pay_link_reminder',
          settings.fromEmail,
          payLinkEmail(current, settings, deps.links.payOrder(current.id, current.trackingToken), true),
        )
      )
        sent++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return sent;
};

const isReminderDue = (order: Order, now: Date) =>
  payLinkOpen(order, now) &&
  order.payLink!.remindAt !== null &&
  Date.parse(order.payLink!.remindAt) <= now.getTime() &&
  !alreadySent(order, 'pay_link_reminder');
