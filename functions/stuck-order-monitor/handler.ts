import { type MonitorDeps, runScheduledMonitor } from '../core/monitor.js';
import { logger } from '../http/logger.js';

/** The `stuck-order-monitor` function (EventBridge schedule in AWS, a timer in the twin). */
export const createStuckOrderMonitorHandler = (deps: MonitorDeps) => async () => {
  const { report, digest, payLinkReminders } = await runScheduledMonitor(deps, deps.clock.now());
  const log = typeof digest === 'object' || typeof payLinkReminders === 'object' ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('stuck-order monitor', { stuck: report.stuck.length, pagedNow: report.pagedNow, digest, payLinkReminders });
  return report;
};
