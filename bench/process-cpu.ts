import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common build. */
const clockTicksPerSecond = 100;

/**
 * Two CPU times of `/proc/<process>/stat` summed, in ms (counted after the command name, which
 * may hold spaces); null where there is no `/proc`.
 */
const statCpuMs = (processId: string, user: number, system: number): number | null => {
  try {
    const fields = readFileSync(`/proc/${processId}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[user]) + Number(fields[system])) * 1000) / clockTicksPerSecond;
  } catch {
    return null;
  }
};

/** CPU time (user + system, ms) a process has used so far (`utime` + `stime`). */
export const processCpuMs = (pid: number): number | null => statCpuMs(String(pid), 11, 12);

/** CPU time (user + system, ms) of every child this process has waited for, and of theirs in turn (`cutime` + `cstime`). */
export const reapedChildrenCpuMs = (): number | null => statCpuMs('self', 13, 14);

/** The DynamoDB Local JVM serving `port` (the twin's child), found by its command line. */
export const dynamoDbLocalPid = (port: number): number | null => {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && args[args.indexOf('-port') + 1] === String(port)) return Number(entry);
    } catch {
      // The process ended while the list was read.
    }
  }
  return null;
};
