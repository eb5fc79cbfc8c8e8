/**
 * CPU time of another process from Linux /proc/<pid>/stat, to charge the nvidia-smi child's own work
 * to the sampler's cost (process.cpuUsage() only sees this process).
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc reports clock ticks of 1/100 s on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * utime + stime (+ cutime + cstime, for children it waited on) of `pid` in ms, at 10 ms resolution;
 * null where /proc is absent or the process has gone.
 */
export function processCpuMs(pid: number, procRoot = '/proc'): number | null {
  let stat: string;
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name sits in parentheses and may itself hold spaces or ')': count from the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime, stime, cutime, cstime are fields 14..17.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(rest[i]), 0);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
}
