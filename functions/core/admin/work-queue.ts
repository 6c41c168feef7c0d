import { findStuckOrders } from '../monitor.js';
import type { Order } from '../order.js';
import type { Clock, OrderTotalsReader, PlacedOrderIndex, SettingsStore } from '../ports.js';
import { type OrderStatus, orderStatuses, statusLabels } from '../status.js';
import { summarize } from './reports.js';

export interface WorkQueueDeps {
  readonly totals: OrderTotalsReader;
  readonly placedOrders: PlacedOrderIndex;
  readonly settings: SettingsStore;
  readonly clock: Clock;
}

/** One tab of the work queue: a status (listed through the orders API), or the stuck orders themselves. */
export interface QueueTab {
  readonly key: OrderStatus | 'STUCK';
  readonly label: string;
  readonly count: number;
}

export interface StuckEntry {
  readonly order: Order;
  readonly since: string;
  readonly minutesStuck: number;
  readonly attempts: number;
  readonly lastError: string | null;
}

export interface WorkQueue {
  readonly tabs: readonly QueueTab[];
  readonly stuck: readonly StuckEntry[];
}

/** What needs a person first: offline orders to charge, then orders whose hand-off failed. */
const firstStatuses: readonly OrderStatus[] = ['OFFLINE_PENDING'];

/**
 * The work queue's counts and stuck orders. Counts come from the per-day totals (one small item
 * per day, kept in step with every write), the stuck orders from the sparse index of orders
 * awaiting their hand-off: neither reads the orders table at large.
 */
export const workQueue = async (deps: WorkQueueDeps): Promise<WorkQueue> => {
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const [days, stuck] = await Promise.all([deps.totals.daily({}), findStuckOrders(deps, settings, now)]);
  const { byStatus } = summarize(days, stuck.length);
  const tab = (status: OrderStatus): QueueTab => ({ key: status, label: statusLabels[status], count: byStatus[status].count });
  return {
    tabs: [
      ...firstStatuses.map(tab),
      { key: 'STUCK', label: `Stuck in ${statusLabels.ORDER_PLACED}`, count: stuck.length },
      ...orderStatuses.filter((s) => !firstStatuses.includes(s)).map(tab),
    ],
    stuck: stuck.map(({ order, since }) => ({
      order,
      since,
      minutesStuck: Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000)),
      attempts: order.fulfillment?.attempts ?? 0,
      lastError: order.fulfillment?.lastError ?? null,
    })),
  };
};
