/**
 * The telemetry sampler that runs beside a benchmark or a training run (SPEC 6): GPU lines from one
 * long-lived nvidia-smi child, and on its own timer CPU package energy (powercap), CPU load, process
 * and system memory. It keeps the series, gives the energy of any window of them, accumulates labelled
 * windows (`mark`) so interleaved static and dynamic runs add up apart, and measures its own CPU cost.
 *
 * Times are ms on this process's performance.now() clock (see types.ts).
 */
import os from 'node:os';
import { cpuMsOf } from './cpu-cost';
import { CpuLoadMeter } from './cpu-load';
import { counterWindow, powerWindow, unmeasured, type EnergyPoint, type PowerPoint } from './energy';
import { NvidiaSmiChild, type ChildRestart } from './nvidia-smi-child';
import { PowercapReader } from './powercap';
import type { EnergyReading, GpuTick, PowerStatus, SourceStatus, TelemetrySample, WindowEnergy } from './types';

export interface TelemetryOptions {
  /** Sampling interval of the host timer and of nvidia-smi -lms, ms. Default 250. */
  intervalMs?: number;
  /** nvidia-smi executable, looked up on PATH when it has no '/'. Default 'nvidia-smi'. */
  nvidiaSmi?: string;
  /** Root of the powercap sysfs class. Default /sys/class/powercap. */
  powercapRoot?: string;
  /** Restarts of a dying nvidia-smi allowed over the run. Default 5. */
  maxRestarts?: number;
  /** Wait before the first restart, ms, doubled for each further one. Default 500. */
  restartDelayMs?: number;
  /** How long start() waits for nvidia-smi's first tick before returning anyway, ms. Default 10000. */
  firstTickTimeoutMs?: number;
}

/** One labelled window's totals; GPU and CPU apart. */
export interface LabelReading extends EnergyReading {
  /** joules / images; null when joules is null or no images were counted. */
  joulesPerImage: number | null;
}

export interface LabelEnergy {
  windows: number;
  images: number;
  seconds: number;
  gpu: LabelReading;
  cpu: LabelReading;
}

export interface SelfCost {
  /** Time since start(), ms. */
  wallMs: number;
  /** CPU of the sampler's own work in this process (host ticks, parsing nvidia-smi), ms; an upper bound (see cpu-cost.ts). */
  inProcessCpuMs: number;
  /** CPU of the nvidia-smi children from /proc/<pid>/stat, ms at 10 ms resolution; null without a child or /proc. */
  childCpuMs: number | null;
  /** (inProcessCpuMs + childCpuMs) / wallMs: 0.01 is 1 % of one core. */
  cpuFractionOfOneCore: number;
  /** Host ticks taken. */
  ticks: number;
  /** inProcessCpuMs per host tick, µs. */
  meanTickCpuUs: number;
}

export interface TelemetrySummary {
  intervalMs: number;
  /** Epoch ms of start(). */
  startedAtEpochMs: number;
  durationMs: number;
  power: PowerStatus;
  /** Totals per mark() label. */
  windows: Record<string, LabelEnergy>;
  gpuRestarts: ChildRestart[];
  selfCost: SelfCost;
  hostSamples: number;
  gpuTicks: number;
  peak: { rssBytes: number; heapUsedBytes: number; sysMemUsedBytes: number; gpuMemUsedMiB: number[] };
}

interface Mark {
  label: string;
  t0: number;
  t1: number;
  images: number;
}

export class TelemetrySampler {
  readonly intervalMs: number;
  private readonly hostSeries: TelemetrySample[] = [];
  private readonly gpuSeries: GpuTick[] = [];
  private readonly cpuEnergy: EnergyPoint[] = [];
  private readonly marks: Mark[] = [];
  private readonly child: NvidiaSmiChild;
  private powercap: PowercapReader | null = null;
  private load: CpuLoadMeter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private startT = 0;
  private startEpoch = 0;
  private tickCpuMs = 0;
  private summary: TelemetrySummary | null = null;

  constructor(private readonly opts: TelemetryOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 250;
    if (!(this.intervalMs >= 10)) throw new RangeError(`intervalMs must be at least 10, got ${this.intervalMs}`);
    this.child = new NvidiaSmiChild({
      command: opts.nvidiaSmi,
      intervalMs: this.intervalMs,
      maxRestarts: opts.maxRestarts,
      restartDelayMs: opts.restartDelayMs,
      onTick: (tick) => {
        this.gpuSeries.push(tick);
        this.wake();
      },
      onFailure: () => this.wake(),
    });
  }

  /** Starts sampling; resolves once nvidia-smi gave its first tick, failed, or firstTickTimeoutMs passed. */
  async start(): Promise<void> {
    if (this.timer || this.summary) throw new Error('TelemetrySampler.start() called twice');
    this.startT = performance.now();
    this.startEpoch = Date.now();
    this.tickCpuMs += cpuMsOf(() => {
      this.powercap = new PowercapReader(this.opts.powercapRoot);
      this.load = new CpuLoadMeter();
      if (this.powercap.status.available) this.cpuEnergy.push({ t: this.startT, j: this.powercap.read() ?? 0 });
    });
    this.child.start();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    const deadline = performance.now() + (this.opts.firstTickTimeoutMs ?? 10_000);
    while (this.gpuSeries.length === 0 && this.child.running && performance.now() < deadline) {
      await this.nextTick(deadline - performance.now());
    }
  }

  /**
   * Records a timed window, e.g. mark('static', t0, t1, 256). Windows with the same label add up in
   * the summary, so interleaved static and dynamic runs stay apart.
   */
  mark(label: string, t0: number, t1: number, images: number): void {
    if (!(t1 > t0)) throw new RangeError(`mark('${label}'): t1 (${t1}) must be after t0 (${t0})`);
    if (!(images >= 0)) throw new RangeError(`mark('${label}'): images must be >= 0, got ${images}`);
    this.marks.push({ label, t0, t1, images });
  }

  /**
   * Stops sampling and the nvidia-smi child (killed and reaped), after waiting (up to a few intervals)
   * for a GPU tick past the last marked window so its end is covered.
   */
  async stop(): Promise<TelemetrySummary> {
    if (this.summary) return this.summary;
    const lastEnd = this.marks.reduce((end, m) => Math.max(end, m.t1), -Infinity);
    const deadline = performance.now() + 3 * this.intervalMs + 1000;
    while (this.child.running && this.lastGpuT() < lastEnd && performance.now() < deadline) {
      await this.nextTick(deadline - performance.now());
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.tick();
    await this.child.stop();
    this.summary = this.summarize();
    return this.summary;
  }

  /** Host samples so far (the live array; do not modify). */
  samples(): readonly TelemetrySample[] {
    return this.hostSeries;
  }

  /** nvidia-smi ticks so far (the live array; do not modify). */
  gpuTicks(): readonly GpuTick[] {
    return this.gpuSeries;
  }

  /** Each restart of nvidia-smi after it died. */
  gpuRestarts(): readonly ChildRestart[] {
    return this.child.restarts;
  }

  power(): PowerStatus {
    const gpu = this.gpuStatus();
    const cpu: SourceStatus = this.powercap?.status ?? { available: false, sources: [], reason: 'sampler not started' };
    const missing = [gpu.reason && `GPU: ${gpu.reason}`, cpu.reason && `CPU: ${cpu.reason}`].filter(Boolean);
    return {
      available: gpu.available || cpu.available,
      sources: [...gpu.sources, ...cpu.sources],
      reason: missing.length > 0 ? missing.join('; ') : null,
      gpu,
      cpu,
    };
  }

  /** GPU (sum over GPUs) and CPU package energy over [t0, t1] of the series recorded so far. */
  energyBetween(t0: number, t1: number): WindowEnergy {
    const gpuStatus = this.gpuStatus();
    const cpuStatus = this.powercap?.status;
    return {
      t0,
      t1,
      gpu: gpuStatus.available ? powerWindow(this.gpuPower(), t0, t1) : unmeasured(gpuStatus.reason ?? 'no GPU power'),
      cpu: cpuStatus?.available ? counterWindow(this.cpuEnergy, t0, t1) : unmeasured(cpuStatus?.reason ?? 'sampler not started'),
    };
  }

  selfCost(): SelfCost {
    const wallMs = performance.now() - this.startT;
    const inProcessCpuMs = this.tickCpuMs + this.child.parseCpuMs;
    const childCpuMs = this.child.pid === undefined && this.child.restarts.length === 0 ? null : this.child.cpuMs();
    const ticks = this.hostSeries.length;
    return {
      wallMs,
      inProcessCpuMs,
      childCpuMs,
      cpuFractionOfOneCore: wallMs > 0 ? (inProcessCpuMs + (childCpuMs ?? 0)) / wallMs : 0,
      ticks,
      meanTickCpuUs: ticks > 0 ? (this.tickCpuMs * 1000) / ticks : 0,
    };
  }

  private tick(): void {
    this.tickCpuMs += cpuMsOf(() => {
      const t = performance.now();
      const energy = this.powercap?.read() ?? null;
      const prev = this.cpuEnergy[this.cpuEnergy.length - 1];
      const cpuPowerW = energy !== null && prev && t > prev.t ? (energy - prev.j) / ((t - prev.t) / 1000) : null;
      if (energy !== null) this.cpuEnergy.push({ t, j: energy });
      const mem = process.memoryUsage();
      this.hostSeries.push({
        t,
        gpus: this.gpuSeries[this.gpuSeries.length - 1]?.gpus ?? [],
        cpuPowerW,
        cpuEnergyJ: energy,
        cpuLoad: this.load?.sample() ?? 0,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        sysMemUsedBytes: os.totalmem() - os.freemem(),
      });
      // Refreshes the child's CPU reading now: a child that dies takes its /proc entry with it.
      this.child.cpuMs();
    });
  }

  /** Ticks where every GPU reported power, as the summed power series. */
  private gpuPower(): PowerPoint[] {
    const out: PowerPoint[] = [];
    for (const tick of this.gpuSeries) {
      if (tick.gpus.every((g) => g.powerW !== null)) out.push({ t: tick.t, w: tick.gpus.reduce((s, g) => s + g.powerW!, 0) });
    }
    return out;
  }

  private gpuStatus(): SourceStatus {
    if (this.gpuSeries.length === 0) {
      const reason = this.child.failure ?? (this.summary || this.timer ? `no line from ${this.child.command} yet` : 'sampler not started');
      return { available: false, sources: [], reason };
    }
    const seen = new Set<number>();
    const withPower = new Set<number>();
    for (const tick of this.gpuSeries) {
      for (const g of tick.gpus) {
        seen.add(g.index);
        if (g.powerW !== null) withPower.add(g.index);
      }
    }
    const silent = [...seen].filter((i) => !withPower.has(i));
    const sources = [...withPower].sort((a, b) => a - b).map((i) => `nvidia-smi:gpu${i}`);
    if (silent.length > 0) {
      const which = silent.map((i) => `gpu${i}`).join(', ');
      return { available: false, sources, reason: `${this.child.command} reports no power.draw for ${which}` };
    }
    return { available: true, sources, reason: this.child.failure && `stopped during the run: ${this.child.failure}` };
  }

  private lastGpuT(): number {
    return this.gpuSeries[this.gpuSeries.length - 1]?.t ?? -Infinity;
  }

  private nextTick(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, timeoutMs));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private summarize(): TelemetrySummary {
    const byLabel = new Map<string, Mark[]>();
    for (const m of this.marks) byLabel.set(m.label, [...(byLabel.get(m.label) ?? []), m]);
    const windows: Record<string, LabelEnergy> = {};
    for (const [label, marks] of byLabel) {
      const energies = marks.map((m) => this.energyBetween(m.t0, m.t1));
      const images = marks.reduce((s, m) => s + m.images, 0);
      const seconds = marks.reduce((s, m) => s + (m.t1 - m.t0) / 1000, 0);
      windows[label] = {
        windows: marks.length,
        images,
        seconds,
        gpu: addUp(energies.map((e) => e.gpu), seconds, images),
        cpu: addUp(energies.map((e) => e.cpu), seconds, images),
      };
    }
    const gpuMemUsedMiB: number[] = [];
    for (const tick of this.gpuSeries) {
      for (const g of tick.gpus) gpuMemUsedMiB[g.index] = Math.max(gpuMemUsedMiB[g.index] ?? 0, g.memUsedMiB ?? 0);
    }
    const peakOf = (f: (s: TelemetrySample) => number) => this.hostSeries.reduce((m, s) => Math.max(m, f(s)), 0);
    return {
      intervalMs: this.intervalMs,
      startedAtEpochMs: this.startEpoch,
      durationMs: performance.now() - this.startT,
      power: this.power(),
      windows,
      gpuRestarts: [...this.child.restarts],
      selfCost: this.selfCost(),
      hostSamples: this.hostSeries.length,
      gpuTicks: this.gpuSeries.length,
      peak: {
        rssBytes: peakOf((s) => s.rssBytes),
        heapUsedBytes: peakOf((s) => s.heapUsedBytes),
        sysMemUsedBytes: peakOf((s) => s.sysMemUsedBytes),
        gpuMemUsedMiB,
      },
    };
  }
}

/** Sums a label's windows; one unmeasured window makes the total unmeasured (a partial sum would mislead). */
function addUp(readings: EnergyReading[], seconds: number, images: number): LabelReading {
  const bad = readings.find((r) => r.joules === null);
  if (bad) return { ...unmeasured(bad.reason ?? 'unmeasured'), joulesPerImage: null };
  const joules = readings.reduce((s, r) => s + r.joules!, 0);
  return {
    joules,
    avgPowerW: seconds > 0 ? joules / seconds : null,
    peakPowerW: Math.max(...readings.map((r) => r.peakPowerW ?? 0)),
    maxGapMs: Math.max(...readings.map((r) => r.maxGapMs ?? 0)),
    reason: null,
    joulesPerImage: images > 0 ? joules / images : null,
  };
}
