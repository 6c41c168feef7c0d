import { brandLabels } from './card.js';
import { compose } from './emails.js';
import { formatMoney } from './format.js';
import type { Order } from './order.js';
import type { Email } from './ports.js';
import type { Settings } from './settings.js';

const customerLine = (order: Order) => `${order.customer.name} <${order.customer.email}>`;
const total = (order: Order) => formatMoney(order.totals.totalCents, order.currency);

/**
 * The page about one stuck order: who, how much, how long, why (the last hand-off error) and
 * where to act. The subject stays plain ASCII under 100 characters, as SNS requires.
 */
export const stuckOrderPage = (order: Order, minutesStuck: number, settings: Settings, dashboardUrl: string): Email => {
  const attempts = order.fulfillment?.attempts ?? 0;
  const lastError = order.fulfillment?.lastError ?? (attempts ? 'none recorded' : 'no hand-off attempt recorded');
  return compose(
    settings.csrEmails,
    `Stuck order ${order.id}: ${minutesStuck} min in Order Placed`,
    [
      `Order ${order.id} has been in Order Placed for ${minutesStuck} minutes: the fulfillment hand-off has not succeeded.`,
      `Customer: ${customerLine(order)}\nTotal: ${total(order)}\nHand-off attempts: ${attempts}\nLast hand-off error: ${lastError}`,
      'Retry the hand-off from the dashboard once fulfillment is reachable, or enter the order in fulfillment by hand and record its reference.',
    ],
    [{ label: 'Open in the dashboard', url: dashboardUrl }],
  );
};

export interface BacklogLine {
  readonly order: Order;
  readonly waitingHours: number;
  readonly dashboardUrl: string;
}

export interface FlaggedCard extends BacklogLine {
  readonly heldDays: number;
}

const cardLine = (order: Order) => (order.payment.card ? `${brandLabels[order.payment.card.brand]} ending in ${order.payment.card.last4}` : 'no card');

/** The daily digest of offline orders waiting more than 24 h; cards held over 30 days are flagged. */
export const offlineBacklogDigest = (waiting: readonly BacklogLine[], flagged: readonly FlaggedCard[], settings: Settings, day: string): Email => {
  const paragraphs = [
    `${waiting.length} offline order${waiting.length === 1 ? '' : 's'} ${waiting.length === 1 ? 'has' : 'have'} waited more than 24 hours for a manual charge (${day}).`,
    ...waiting.map(
      ({ order, waitingHours, dashboardUrl }) =>
        `${order.id}: ${customerLine(order)}, ${total(order)}, ${cardLine(order)}, waiting ${waitingHours} h\n${dashboardUrl}`,
    ),
  ];
  if (flagged.length) {
    paragraphs.push(
      `Cards held longer than 30 days: charge or cancel these orders (cancelling purges the card):\n${flagged
        .map(({ order, heldDays }) => `${order.id}: card held ${heldDays} days`)
        .join('\n')}`,
    );
  }
  return compose(
    settings.csrEmails,
    `${settings.storeName}: ${waiting.length} offline order${waiting.length === 1 ? '' : 's'} waiting more than 24 h`,
    paragraphs,
  );
};
