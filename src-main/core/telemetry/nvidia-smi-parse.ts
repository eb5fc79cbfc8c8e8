/**
 * Parser of `nvidia-smi --query-gpu=<NVIDIA_SMI_FIELDS> --format=csv,noheader,nounits -lms N` output
 * read as a stream: chunks may end inside a line, and with several GPUs each tick prints one line per
 * GPU in index order, so lines are grouped back into ticks.
 */
import type { GpuSample, GpuTick } from './types';

/** The query fields, in the order parseNvidiaSmiLine expects them. */
export const NVIDIA_SMI_FIELDS = [
  'index',
  'name',
  'power.draw',
  'power.limit',
  'memory.used',
  'memory.total',
  'utilization.gpu',
  'temperature.gpu',
  'clocks.sm',
] as const;

/** Arguments of the long-lived sampling child for one interval. */
export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits', `-lms`, String(intervalMs)];
}

/**
 * A numeric field, or null for what nvidia-smi prints when it has no value: `[N/A]`, `[Not Supported]`,
 * `[Unknown Error]`, `[Insufficient Permissions]`, `[GPU is lost]`, plain `N/A`. Zero stays zero.
 */
function num(field: string): number | null {
  const s = field.trim();
  if (s === '' || s === 'N/A' || s.startsWith('[')) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** One CSV line as a GpuSample, or null when it is not a data line (a message, a header, a fragment). */
export function parseNvidiaSmiLine(line: string): GpuSample | null {
  const f = line.split(',');
  if (f.length !== NVIDIA_SMI_FIELDS.length) return null;
  const index = num(f[0]);
  if (index === null || !Number.isInteger(index) || index < 0) return null;
  return {
    index,
    name: f[1].trim(),
    powerW: num(f[2]),
    powerLimitW: num(f[3]),
    memUsedMiB: num(f[4]),
    memTotalMiB: num(f[5]),
    utilPct: num(f[6]),
    tempC: num(f[7]),
    smClockMHz: num(f[8]),
  };
}

/**
 * Turns stdout chunks into ticks. A tick ends when a line's index does not follow the previous one
 * (the next tick began) or, once the GPU count is known from a finished tick, as soon as that many
 * lines arrived, so a tick is delivered without waiting one interval for the next.
 */
export class NvidiaSmiStream {
  private partial = '';
  private group: GpuSample[] = [];
  private groupT = 0;
  private gpuCount = 0;
  /** The last line that was not a data line (nvidia-smi's error messages arrive this way). */
  lastRejected: string | null = null;

  constructor(
    private readonly onTick: (tick: GpuTick) => void,
    /** Clock for tick times; performance.now() unless a test fixes it. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) this.line(raw.replace(/\r$/, ''));
  }

  /** End of stream: deliver the pending tick; a trailing fragment without newline is dropped (it may be cut). */
  end(): void {
    this.partial = '';
    this.flush();
  }

  private line(line: string): void {
    if (line.trim() === '') return;
    const s = parseNvidiaSmiLine(line);
    if (!s) {
      this.lastRejected = line.trim();
      return;
    }
    const last = this.group[this.group.length - 1];
    if (last && s.index <= last.index) this.flush();
    if (this.group.length === 0) this.groupT = this.now();
    this.group.push(s);
    if (this.gpuCount > 0 && this.group.length >= this.gpuCount) this.flush();
  }

  private flush(): void {
    if (this.group.length === 0) return;
    const tick: GpuTick = { t: this.groupT, gpus: this.group };
    this.gpuCount = Math.max(this.gpuCount, this.group.length);
    this.group = [];
    this.onTick(tick);
  }
}
