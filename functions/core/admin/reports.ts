import { AppError } from '../errors.js';
import type { Order } from '../order.js';
import { findStuckOrders } from '../monitor.js';
import type { Clock, DailyTotals, OrderTotalsReader, PlacedOrderIndex, SettingsStore, StatusTotals } from '../ports.js';
import { type OrderStatus, orderStatuses } from '../status.js';

/** Orders are counted under the UTC day they were created, which never changes. */
export const creationDay = (order: Pick<Order, 'createdAt'>): string => order.createdAt.slice(0, 10);

export interface TotalsAdjustment {
  readonly day: string;
  readonly status: OrderStatus;
  readonly count: number;
  readonly totalCents: number;
}

/**
 * What a write changes in the daily totals: the order leaves `previous`'s bucket and enters
 * `next`'s (either absent when an order is created or removed). Writes that keep the status
 * and total (most of them: history entries, emails, stock flags) change nothing.
 */
export const totalsAdjustments = (previous: Order | null, next: Order | null): TotalsAdjustment[] => {
  const moves = [
    ...(previous ? [{ day: creationDay(previous), status: previous.status, count: -1, totalCents: -previous.totals.totalCents }] : []),
    ...(next ? [{ day: creationDay(next), status: next.status, count: 1, totalCents: next.totals.totalCents }] : []),
  ];
  const merged = new Map<string, TotalsAdjustment>();
  for (const move of moves) {
    const key = `${move.day}|${move.status}`;
    const earlier = merged.get(key);
    merged.set(key, earlier ? { ...move, count: earlier.count + move.count, totalCents: earlier.totalCents + move.totalCents } : move);
  }
  return [...merged.values()].filter((a) => a.count !== 0 || a.totalCents !== 0);
};

/** Statuses whose orders are not sales: never paid, or called off. */
export const excludedFromRevenue: readonly OrderStatus[] = ['CANCELLED', 'INCOMPLETE'];

export interface ReportSummary {
  /** Orders that count as sales (every status but CANCELLED and INCOMPLETE). */
  readonly orderCount: number;
  readonly revenueCents: number;
  readonly byStatus: Record<OrderStatus, StatusTotals>;
  readonly offlinePendingCount: number;
  readonly stuckCount: number;
}

export const summarize = (days: readonly DailyTotals[], stuckCount: number): ReportSummary => {
  const byStatus = Object.fromEntries(orderStatuses.map((s) => [s, { count: 0, totalCents: 0 }])) as Record<OrderStatus, { count: number; totalCents: number }>;
  for (const day of days) {
    for (const status of orderStatuses) {
      const totals = day.byStatus[status];
      if (!totals) continue;
      byStatus[status].count += totals.count;
      byStatus[status].totalCents += totals.totalCents;
    }
  }
  const sales = orderStatuses.filter((s) => !excludedFromRevenue.includes(s));
  return {
    orderCount: sales.reduce((sum, s) => sum + byStatus[s].count, 0),
    revenueCents: sales.reduce((sum, s) => sum + byStatus[s].totalCents, 0),
    byStatus,
    offlinePendingCount: byStatus.OFFLINE_PENDING.count,
    stuckCount,
  };
};

export interface ReportDeps {
  readonly placedOrders: PlacedOrderIndex;
  readonly totals: OrderTotalsReader;
  readonly settings: SettingsStore;
  readonly clock: Clock;
}

/** Inclusive range of UTC creation days; either end may be open. */
export interface DayRange {
  readonly from?: string;
  readonly to?: string;
}

const dayStart = (day: string) => `${day}T00:00:00.000Z`;
const nextDayStart = (day: string) => new Date(Date.parse(dayStart(day)) + 86_400_000).toISOString();

/**
 * The summary of orders created in the range, from the daily totals (one small item per day,
 * never the orders themselves). Stuck orders are those the monitor finds stuck now (through the
 * sparse index of orders awaiting their hand-off), counted when created in the range.
 */
export const reportSummary = async (deps: ReportDeps, range: DayRange): Promise<ReportSummary> => {
  if (range.from && range.to && range.from > range.to) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'from', message: 'must not be after to' }]);
  }
  const settings = await deps.settings.get();
  const inRange = (createdAt: string) => (!range.from || createdAt >= dayStart(range.from)) && (!range.to || createdAt < nextDayStart(range.to));
  const [days, stuck] = await Promise.all([deps.totals.daily({ fromDay: range.from, toDay: range.to }), findStuckOrders(deps, settings, deps.clock.now())]);
  return summarize(days, stuck.filter(({ order }) => inRange(order.createdAt)).length);
};

const dayMs = 86_400_000;
/** Days a daily report covers at most, and by default (ending today). */
export const maxReportDays = 366;
export const defaultReportDays = 30;

export interface DailyReport {
  readonly from: string;
  readonly to: string;
  /** Every day of the range, oldest first, days without orders included (as zeros). */
  readonly days: readonly { readonly day: string; readonly orderCount: number; readonly revenueCents: number }[];
}

/**
 * Orders (sales only) and revenue per creation day, from the daily totals: one small item per
 * day, never the orders. CANCELLED and INCOMPLETE are left out, as in the summary.
 */
export const dailyReport = async (deps: Pick<ReportDeps, 'totals' | 'clock'>, range: DayRange): Promise<DailyReport> => {
  const to = range.to ?? deps.clock.now().toISOString().slice(0, 10);
  const from = range.from ?? new Date(Date.parse(dayStart(to)) - (defaultReportDays - 1) * dayMs).toISOString().slice(0, 10);
  if (from > to) throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'from', message: 'must not be after to' }]);
  const length = Math.round((Date.parse(dayStart(to)) - Date.parse(dayStart(from))) / dayMs) + 1;
  if (length > maxReportDays) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'from', message: `the range may cover at most ${maxReportDays} days` }]);
  }
  const stored = new Map((await deps.totals.daily({ fromDay: from, toDay: to })).map((totals) => [totals.day, totals]));
  const days = Array.from({ length }, (_, i) => {
    const day = new Date(Date.parse(dayStart(from)) + i * dayMs).toISOString().slice(0, 10);
    const summary = summarize(stored.has(day) ? [stored.get(day)!] : [], 0);
    return { day, orderCount: summary.orderCount, revenueCents: summary.revenueCents };
  });
  return { from, to, days };
};
