/**
 * Busy fraction of all CPU cores between two calls, from cumulative CPU times. On Linux it reads only
 * the first line of /proc/stat: os.cpus() also reads /proc/cpuinfo and a cpufreq file per core, a cost
 * that grows with the core count (on 2 cores both take about 0.2 ms on a timer), and systeminformation's
 * currentLoad() took about 4x that (scripts/bench-telemetry.ts measures all three).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

interface Times {
  busy: number;
  total: number;
}

/** Aggregate times from /proc/stat's `cpu` line (user nice system idle iowait irq softirq steal ...). */
function procStatTimes(): Times | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'latin1');
  } catch {
    return null;
  }
  const line = text.slice(0, text.indexOf('\n'));
  if (!line.startsWith('cpu ')) return null;
  // guest and guest_nice (fields 9, 10) are already inside user and nice.
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = v[3] + v[4];
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function osCpusTimes(): Times {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    busy += all - t.idle;
    total += all;
  }
  return { busy, total };
}

export class CpuLoadMeter {
  private readonly source: () => Times;
  private last: Times;

  constructor() {
    // Chosen once: the two sources count in different units (clock ticks vs ms).
    this.source = procStatTimes() ? () => procStatTimes() ?? this.last : osCpusTimes;
    this.last = this.source();
  }

  /** Busy fraction 0..1 since the previous call (or construction); 0 when no time has passed. */
  sample(): number {
    const now = this.source();
    const dTotal = now.total - this.last.total;
    const dBusy = now.busy - this.last.busy;
    this.last = now;
    return dTotal > 0 ? Math.min(1, Math.max(0, dBusy / dTotal)) : 0;
  }
}
