import { enteredStatusAt } from './fulfillment.js';
import { type BacklogLine, type FlaggedCard, offlineBacklogDigest, stuckOrderPage } from './monitor-emails.js';
import type { Order } from './order.js';
import type { Clock, Links, Mailer, NoticeLedger, OrderRepository, Pager, PlacedOrderIndex, SettingsStore, StuckOrdersMetric } from './ports.js';
import type { Settings } from './settings.js';
import { actors } from './history.js';
import { sendPayLinkReminders } from './pay-link.js';
import { record } from './transitions.js';
import { updateOrder } from './update-order.js';

/**
 * The stuck-order monitor (SPEC §9): orders in ORDER_PLACED longer than `stuckAfterSeconds`
 * mean the fulfillment hand-off failed. Each is paged to the CSRs once, stays listed until it
 * moves, and the count goes to the `StuckOrders` metric. The cost of a run follows the
 * number of orders in ORDER_PLACED (a sparse index), never the size of the table.
 */
export interface MonitorDeps {
  readonly orders: OrderRepository;
  readonly placedOrders: PlacedOrderIndex;
  readonly settings: SettingsStore;
  readonly pager: Pager;
  readonly mailer: Mailer;
  readonly stuckOrdersMetric: StuckOrdersMetric;
  readonly ledger: NoticeLedger;
  readonly links: Links;
  readonly clock: Clock;
}

/** The wire shape of `POST /admin/monitor/run` (SPEC §5.2). */
export interface StuckOrderReport {
  readonly stuck: { readonly orderId: string; readonly since: string; readonly paged: boolean }[];
  readonly pagedNow: number;
}

export interface StuckOrder {
  readonly order: Order;
  /** When it entered ORDER_PLACED. */
  readonly since: string;
}

const pageSize = 100;
const minutesBetween = (since: string, now: Date) => Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));

/** Orders in ORDER_PLACED for longer than `stuckAfterSeconds`, oldest first; no paging, no writes. */
export const findStuckOrders = async (deps: Pick<MonitorDeps, 'placedOrders'>, settings: Settings, now: Date): Promise<StuckOrder[]> => {
  const placedUpTo = new Date(now.getTime() - settings.stuckAfterSeconds * 1000).toISOString();
  const found: StuckOrder[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.placedOrders.listPlacedUpTo({ placedUpTo, limit: pageSize, cursor });
    for (const order of page.orders) {
      if (order.status === 'ORDER_PLACED') found.push({ order, since: enteredStatusAt(order) });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found.sort((a, b) => a.since.localeCompare(b.since));
};

/** Paged about the ORDER_PLACED stay that began at `since`, and that page was not followed by a failure. */
export const wasPaged = (order: Order, since: string): boolean => order.pagedFor === since;

type PageResult = { readonly stillStuck: boolean; readonly paged: boolean; readonly pagedNow: boolean };

/**
 * Pages one order at most once. The `paged` entry is written first, as a conditional write on
 * the order's version, so two monitor runs at once cannot both page it; a page that cannot be
 * handed over is recorded as `page_failed` and the next run tries again.
 */
const pageOnce = async (deps: MonitorDeps, stuck: StuckOrder, settings: Settings, now: Date): Promise<PageResult> => {
  if (wasPaged(stuck.order, stuck.since)) return { stillStuck: true, paged: true, pagedNow: false };
  const minutes = minutesBetween(stuck.since, now);
  let claimed = false;
  const current = await updateOrder(deps.orders, stuck.order.id, (order) => {
    claimed = false;
    if (order.status !== 'ORDER_PLACED' || enteredStatusAt(order) !== stuck.since || wasPaged(order, stuck.since)) return null;
    claimed = true;
    return record(
      order,
      { pagedFor: stuck.since },
      [
        {
          type: 'paged',
          actor: actors.system,
          message: `CSRs paged: in Order Placed for ${minutes} minutes`,
          visibleToCustomer: false,
          data: { since: stuck.since, minutesStuck: minutes },
        },
      ],
      now,
    );
  });
  if (!claimed) {
    const stillStuck = current.status === 'ORDER_PLACED' && enteredStatusAt(current) === stuck.since;
    return { stillStuck, paged: stillStuck && wasPaged(current, stuck.since), pagedNow: false };
  }
  try {
    await deps.pager.page(settings.fromEmail, stuckOrderPage(current, minutes, settings, deps.links.dashboardOrder(current.id)));
    return { stillStuck: true, paged: true, pagedNow: true };
  } catch (cause) {
    const error = cause instanceof Error ? cause.name : 'unknown';
    await updateOrder(deps.orders, current.id, (order) =>
      record(
        order,
        { pagedFor: null },
        [
          {
            type: 'page_failed',
            actor: actors.system,
            message: `Paging CSRs failed (${error}); the next run tries again`,
            visibleToCustomer: false,
            data: { error },
          },
        ],
        deps.clock.now(),
      ),
    );
    return { stillStuck: true, paged: false, pagedNow: false };
  }
};

/** One monitor pass: find stuck orders, page the new ones, publish the count. */
export const runStuckOrderMonitor = async (deps: MonitorDeps, now: Date): Promise<StuckOrderReport> => {
  const settings = await deps.settings.get();
  const stuck: StuckOrderReport['stuck'][number][] = [];
  let pagedNow = 0;
  for (const candidate of await findStuckOrders(deps, settings, now)) {
    const result = await pageOnce(deps, candidate, settings, now);
    if (!result.stillStuck) continue;
    stuck.push({ orderId: candidate.order.id, since: candidate.since, paged: result.paged });
    if (result.pagedNow) pagedNow++;
  }
  await deps.stuckOrdersMetric.record(stuck.length, now);
  return { stuck, pagedNow };
};

export const offlineDigestAfterMs = 24 * 3_600_000;
export const heldCardFlagAfterMs = 30 * 86_400_000;
const digestKeptMs = 8 * 86_400_000;

export type DigestOutcome = 'sent' | 'already_sent' | 'nothing_waiting';

/** The ledger entry that makes the digest of one UTC day go out once. */
export const offlineDigestKey = (day: string) => `offline-digest#${day}`;

/** OFFLINE_PENDING orders that entered that status more than 24 h ago, oldest first. */
const offlineBacklog = async (orders: OrderRepository, now: Date): Promise<Order[]> => {
  const cutoff = new Date(now.getTime() - offlineDigestAfterMs).toISOString();
  const found: Order[] = [];
  let cursor: string | null = null;
  do {
    // The index sorts by creation; an order cannot have entered OFFLINE_PENDING before it was created.
    const page = await orders.list({ status: 'OFFLINE_PENDING', createdBefore: cutoff, limit: pageSize, cursor });
    found.push(...page.orders.filter((order) => enteredStatusAt(order) < cutoff));
    cursor = page.nextCursor;
  } while (cursor);
  return found.sort((a, b) => enteredStatusAt(a).localeCompare(enteredStatusAt(b)));
};

/**
 * The daily digest to the staff list (SPEC §7.5, §9): offline orders waiting more than 24 h,
 * with held cards older than 30 days flagged (and the flag recorded once on each order).
 * Sent at most once per UTC day, by the first run that finds a backlog.
 */
export const sendOfflineBacklogDigest = async (deps: MonitorDeps, now: Date): Promise<DigestOutcome> => {
  const day = now.toISOString().slice(0, 10);
  const key = offlineDigestKey(day);
  if (await deps.ledger.has(key)) return 'already_sent';
  const waiting = await offlineBacklog(deps.orders, now);
  if (!waiting.length) return 'nothing_waiting';
  if (!(await deps.ledger.claim(key, new Date(now.getTime() + digestKeptMs)))) return 'already_sent';

  const line = (order: Order): BacklogLine => ({
    order,
    waitingHours: Math.floor((now.getTime() - Date.parse(enteredStatusAt(order))) / 3_600_000),
    dashboardUrl: deps.links.dashboardOrder(order.id),
  });
  const flagged: FlaggedCard[] = waiting.flatMap((order) => {
    const heldMs = order.heldCard ? now.getTime() - Date.parse(order.heldCard.heldAt) : 0;
    return heldMs > heldCardFlagAfterMs ? [{ ...line(order), heldDays: Math.floor(heldMs / 86_400_000) }] : [];
  });
  try {
    const settings = await deps.settings.get();
    await deps.mailer.send(settings.fromEmail, offlineBacklogDigest(waiting.map(line), flagged, settings, day));
  } catch (error) {
    await deps.ledger.release(key);
    throw error;
  }
  for (const { order, heldDays } of flagged) {
    await updateOrder(deps.orders, order.id, (current) => {
      if (!current.heldCard || current.heldCard.flaggedAt) return null;
      return record(
        current,
        { heldCard: { ...current.heldCard, flaggedAt: now.toISOString() } },
        [
          {
            type: 'card_hold_flagged',
            actor: actors.system,
            message: `Card held for ${heldDays} days: flagged to staff in the offline digest`,
            visibleToCustomer: false,
            data: { heldDays },
          },
        ],
        now,
      );
    });
  }
  return 'sent';
};

/**
 * What the schedule runs (every 5 minutes in AWS, on the twin's timer) and what an on-demand
 * run should call: the stuck-order pass, the daily digest, then the pay-link reminders due. A
 * digest that cannot be sent is retried by the next run; neither it nor the reminders ever
 * hide the stuck-order report.
 */
export const runScheduledMonitor = async (
  deps: MonitorDeps,
  now: Date,
): Promise<{
  readonly report: StuckOrderReport;
  readonly digest: DigestOutcome | { readonly failed: string };
  readonly payLinkReminders: number | { readonly failed: string };
}> => {
  const report = await runStuckOrderMonitor(deps, now);
  const failure = (error: unknown) => ({ failed: error instanceof Error ? error.name : 'unknown' });
  const digest = await sendOfflineBacklogDigest(deps, now).catch(failure);
  const payLinkReminders = await sendPayLinkReminders(deps, now).catch(failure);
  return { report, digest, payLinkReminders };
};
