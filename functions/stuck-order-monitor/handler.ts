import { type MonitorDeps, runScheduledMonitor } from '../core/monitor.js';
import type { PendingEmailIndex } from '../core/ports.js';
import { drainOutboxes } from '../core/receipts.js';
import { logger } from '../http/logger.js';

/**
 * The `stuck-order-monitor` function (EventBridge schedule in AWS, a timer in the twin); each run
 * also sends what order outboxes still hold.
 */
export const createStuckOrderMonitorHandler = (deps: MonitorDeps & { readonly pendingEmails: PendingEmailIndex }) => async () => {
  const { report, digest, payLinkReminders } = await runScheduledMonitor(deps, deps.clock.now());
  const log = typeof digest === 'object' || typeof payLinkReminders === 'object' ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('stuck-order monitor', { stuck: report.stuck.length, pagedNow: report.pagedNow, digest, payLinkReminders });
  const emailsWaiting = await drainOutboxes(deps);
  if (emailsWaiting) logger.warn('order emails still pending', { orders: emailsWaiting });
  return report;
};
