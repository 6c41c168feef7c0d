import { brandLabels } from './card.js';
import { formatMoney } from './format.js';
import type { Order } from './order.js';
import type { Email } from './ports.js';
import type { Settings } from './settings.js';
import { statusLabels } from './status.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface EmailLink {
  readonly label: string;
  readonly url: string;
}

/** Renders paragraphs as text and as minimal HTML; card details never go beyond brand + last 4. */
export const compose = (to: readonly string[], subject: string, paragraphs: readonly string[], links: readonly EmailLink[] = []): Email => {
  const textParts = [...paragraphs, ...links.map((link) => `${link.label}: ${link.url}`)];
  const htmlParts = paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  htmlParts.push(...links.map((link) => `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`));
  return { to, subject, text: textParts.join('\n\n'), html: `<!doctype html><html><body>${htmlParts.join('')}</body></html>` };
};

const testNotice = 'TEST ORDER: placed with the sandbox payment gateway; no money was taken.';

/** A test order's email says so in its subject and first paragraph. */
export const markedAsTest = (email: Email): Email => ({
  ...email,
  subject: `[TEST] ${email.subject}`,
  text: `${testNotice}\n\n${email.text}`,
  html: email.html.replace('<body>', `<body><p><strong>${escapeHtml(testNotice)}</strong></p>`),
});

export const orderSummary = (order: Order): string => {
  const lines = order.items.map((i) => `${i.quantity} × ${i.name} (${i.sku}) — ${formatMoney(i.lineTotalCents, order.currency)}`);
  const t = order.totals;
  lines.push(
    `Subtotal ${formatMoney(t.subtotalCents, order.currency)}, shipping ${formatMoney(t.shippingCents, order.currency)}, tax ${formatMoney(t.taxCents, order.currency)}`,
    `Total ${formatMoney(t.totalCents, order.currency)}`,
  );
  return lines.join('\n');
};

export const paymentLine = (order: Order): string | null => {
  const { payment } = order;
  if (payment.method === 'card' && payment.card) return `Card: ${brandLabels[payment.card.brand]} ending in ${payment.card.last4}`;
  if (payment.method === 'purchase_order') return `Purchase order: ${payment.poNumber}`;
  if (payment.method === 'recorded') return 'Payment: received with thanks';
  return null;
};

export const orderReceipt = (order: Order, settings: Settings, trackUrl: string): Email => {
  const paragraphs = [`Thank you for your order with ${settings.storeName}, ${order.customer.name}.`, `Order ${order.id} — ${statusLabels[order.status]}`];
  if (order.status === 'OFFLINE_PENDING') {
    paragraphs.push(
      'Your card could not be charged online. We received your order and will process the payment manually; we will contact you if anything else is needed.',
    );
  }
  if (order.status === 'AWAITING_PAYMENT') paragraphs.push('We will invoice your purchase order after shipping.');
  if (order.status === 'AWAITING_EVALUATION') paragraphs.push('A technician will evaluate your item and send you a quote.');
  paragraphs.push(orderSummary(order));
  const payment = paymentLine(order);
  if (payment) paragraphs.push(payment);
  return compose([order.customer.email], `${settings.storeName}: order ${order.id} received`, paragraphs, [{ label: 'Track your order', url: trackUrl }]);
};

/** Tells the staff list an offline order waits for a manual charge; no card digits beyond last 4. */
export const offlineOrderNotice = (order: Order, settings: Settings, dashboardUrl: string): Email =>
  compose(
    settings.csrEmails,
    `Offline order ${order.id} waits for a manual charge`,
    [
      `${order.customer.name} <${order.customer.email}> placed order ${order.id} for ${formatMoney(order.totals.totalCents, order.currency)}.`,
      `The card was declined (${order.payment.declineReason ?? 'unknown reason'}) and is held encrypted for a manual charge in the virtual terminal.`,
      paymentLine(order) ?? '',
    ].filter(Boolean),
    [{ label: 'Open in the dashboard', url: dashboardUrl }],
  );

/** The pay link for a declined order, or its one reminder (SPEC §8). */
export const payLinkEmail = (order: Order, settings: Settings, url: string, reminder: boolean) =>
  compose(
    [order.customer.email],
    reminder
      ? `${settings.storeName}: your order ${order.id} is still waiting for payment`
      : `${settings.storeName}: complete the payment for order ${order.id}`,
    [
      `Hello ${order.customer.name},`,
      reminder
        ? `Your order ${order.id} for ${formatMoney(order.totals.totalCents, order.currency)} has not been paid yet.`
        : `The payment for your order ${order.id} (${formatMoney(order.totals.totalCents, order.currency)}) did not go through, so the order is not placed yet.`,
      `You can pay for the same order with another card until ${order.payLink!.expiresAt.slice(0, 10)}.`,
      orderSummary(order),
    ],
    [{ label: 'Pay for your order', url }],
  );
