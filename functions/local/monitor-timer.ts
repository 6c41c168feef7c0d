import { logger } from '../http/logger.js';

export interface MonitorTimer {
  stop(): Promise<void>;
}

/**
 * The twin's EventBridge schedule: runs the monitor every `intervalSeconds`, never two runs at
 * once (a run still going when the next is due makes that one skip).
 */
export const startMonitorTimer = (run: () => Promise<unknown>, intervalSeconds: number): MonitorTimer => {
  let current: Promise<void> | null = null;
  const tick = () => {
    if (current) return;
    current = run()
      .then(() => undefined)
      .catch((error: unknown) =>
        logger.error('stuck-order monitor failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) }),
      )
      .finally(() => {
        current = null;
      });
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
};
