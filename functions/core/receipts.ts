import { offlineOrderNotice, orderReceipt } from './emails.js';
import type { OrderEmailKind } from './history.js';
import type { Order } from './order.js';
import type { Clock, Links, Mailer, OrderRepository, SettingsStore } from './ports.js';
import { sendAndRecord } from './send-and-record.js';

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
 * when `customerOfflineNotice` is on) and the staff notice of an offline order. Each is sent
 * once; a failure is recorded for a later retry and never fails the order.
 */
export const sendOrderReceipts = async (deps: ReceiptDeps, order: Order): Promise<boolean> => {
  const settings = await deps.settings.get();
  const emails: { kind: OrderEmailKind; email: ReturnType<typeof orderReceipt> }[] = [];
  if (order.status !== 'OFFLINE_PENDING' || settings.customerOfflineNotice) {
    emails.push({ kind: 'receipt', email: orderReceipt(order, settings, deps.links.trackOrder(order.id, order.trackingToken)) });
  }
  if (order.status === 'OFFLINE_PENDING') {
    emails.push({ kind: 'offline_notice', email: offlineOrderNotice(order, settings, deps.links.dashboardOrder(order.id)) });
  }
  let allSent = true;
  for (const { kind, email } of emails) {
    if (alreadySent(order, kind)) continue;
    allSent = (await sendAndRecord(deps, order, kind, settings.fromEmail, email)) && allSent;
  }
  return allSent;
};
