import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common build. */
const clockTicksPerSecond = 100;

/** CPU time (user + system, ms) a process has used so far, from `/proc`; null where there is none. */
export const processCpuMs = (pid: number): number | null => {
  try {
    // The command name in parentheses may hold spaces: the fields are counted after it.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return null;
  }
};

/**
 * CPU time (user + system, ms) of every child this process has waited for, and of theirs in
 * turn (`cutime` + `cstime` in `/proc/self/stat`); null where there is no `/proc`.
 */
export const reapedChildrenCpuMs = (): number | null => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicksPerSecond;
  } catch {
    return null;
  }
};

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
