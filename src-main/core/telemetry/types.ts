/**
 * Shared types of the telemetry sampler (SPEC 6, issue 5).
 *
 * Every time `t` in this folder is milliseconds on the `performance.now()` clock of the process
 * that runs the sampler, so a benchmark can pass its own `performance.now()` readings as window
 * edges. Add `performance.timeOrigin` to get epoch milliseconds.
 *
 * A value that a source did not report is `null`, never 0 and never a guess: 0 means "reported 0".
 */

/** One GPU's line of `nvidia-smi --query-gpu=... --format=csv,noheader,nounits`. */
export interface GpuSample {
  /** nvidia-smi's GPU index. */
  index: number;
  name: string;
  /** power.draw, W. On Hopper and newer drivers this is nvidia-smi's 1 s average, not an instant value. */
  powerW: number | null;
  /** power.limit, W. */
  powerLimitW: number | null;
  /** memory.used, MiB. */
  memUsedMiB: number | null;
  /** memory.total, MiB. */
  memTotalMiB: number | null;
  /** utilization.gpu, percent. */
  utilPct: number | null;
  /** temperature.gpu, degrees C. */
  tempC: number | null;
  /** clocks.sm, MHz. */
  smClockMHz: number | null;
}

/** All GPUs of one nvidia-smi sample tick, stamped when the tick's first line arrived. */
export interface GpuTick {
  t: number;
  gpus: GpuSample[];
}

/** One host-side sample, taken on the sampler's own timer. */
export interface TelemetrySample {
  t: number;
  /** The latest GPU tick at this time (empty without nvidia-smi); its own time is in gpuTicks(). */
  gpus: GpuSample[];
  /** CPU package power over the interval since the previous sample, W; null without powercap. */
  cpuPowerW: number | null;
  /** CPU package energy since the sampler started, J (wraps already undone); null without powercap. */
  cpuEnergyJ: number | null;
  /** Busy fraction of all CPU cores over the interval since the previous sample, 0..1. */
  cpuLoad: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** os.totalmem() - os.freemem() (free counts the kernel's MemAvailable). */
  sysMemUsedBytes: number;
}

/** Whether one power source works, and why not when it does not. */
export interface SourceStatus {
  available: boolean;
  /** e.g. ['nvidia-smi:gpu0', 'nvidia-smi:gpu1'] or ['rapl:package-0']. */
  sources: string[];
  reason: string | null;
}

/** Power sources of the whole sampler. */
export interface PowerStatus {
  /** True when at least one power source (GPU or CPU) works. */
  available: boolean;
  sources: string[];
  /** Why each missing part is missing ("GPU: ...; CPU: ..."); null when nothing is missing. */
  reason: string | null;
  gpu: SourceStatus;
  cpu: SourceStatus;
}

/** Energy of one source over a time window; all numeric fields null (with a reason) when unmeasured. */
export interface EnergyReading {
  joules: number | null;
  avgPowerW: number | null;
  peakPowerW: number | null;
  /** Longest stretch without a usable sample inside the window, ms (a restart or `[N/A]` shows here). */
  maxGapMs: number | null;
  reason: string | null;
}

/** Energy over one window, GPU (sum over GPUs) and CPU (package counters) apart. */
export interface WindowEnergy {
  t0: number;
  t1: number;
  gpu: EnergyReading;
  cpu: EnergyReading;
}
