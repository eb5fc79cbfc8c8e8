/**
 * Supervisor of the one long-lived `nvidia-smi ... -lms N` child: parses its stdout into ticks,
 * restarts it with backoff when it dies (a bounded number of times, each restart recorded), and
 * kills and reaps it on stop. One child for the whole run, instead of a process per sample,
 * keeps the sampling cost to what nvidia-smi itself spends per tick.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuMsOf } from './cpu-cost';
import { NvidiaSmiStream, nvidiaSmiArgs } from './nvidia-smi-parse';
import { processCpuMs } from './proc-cpu';
import type { GpuTick } from './types';

export interface NvidiaSmiChildOptions {
  /** Executable, looked up on PATH when it has no '/'. Default 'nvidia-smi'. */
  command?: string;
  /** The -lms interval, ms. */
  intervalMs: number;
  /** Restarts allowed over the whole run after the child dies. Default 5. */
  maxRestarts?: number;
  /** Wait before the first restart, ms; doubled for each further one. Default 500. */
  restartDelayMs?: number;
  /** Cap on the doubled wait, ms. Default 8000. */
  maxRestartDelayMs?: number;
  /** Called for every complete tick. */
  onTick: (tick: GpuTick) => void;
  /** Called once when the source fails for good (see `failure`). */
  onFailure?: (reason: string) => void;
}

/** One unplanned death of the child that was followed by a restart. */
export interface ChildRestart {
  /** When the death was seen (performance.now()). */
  t: number;
  exitCode: number | null;
  signal: string | null;
  /** Last line of stderr, or of stdout that was not data. */
  message: string | null;
  /** Wait before the new child was started, ms. */
  delayMs: number;
}

/** How long stop() waits after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

export class NvidiaSmiChild {
  readonly command: string;
  readonly restarts: ChildRestart[] = [];
  /** Why the source stopped or never worked; null while it works. */
  failure: string | null = null;
  private child: ChildProcess | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private incarnations = 0;
  private cpuOfDeadMs = 0;
  private cpuOfLiveMs = 0;
  private cpuSeen = false;
  /** CPU time, ms, spent by this process in the stdout handler (parsing), for the sampler's cost. */
  parseCpuMs = 0;

  constructor(private readonly opts: NvidiaSmiChildOptions) {
    this.command = opts.command ?? 'nvidia-smi';
  }

  /** Spawns the child; spawn failures arrive later, as `failure`. */
  start(): void {
    this.spawnOne();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while a child is running or a restart is pending. */
  get running(): boolean {
    return !this.stopped && this.failure === null;
  }

  /**
   * CPU time of all children so far, ms (10 ms resolution), from /proc/<pid>/stat; null where /proc
   * cannot be read. A dead child's CPU counts up to the last call before it died, so call this each tick.
   */
  cpuMs(): number | null {
    const child = this.child;
    // Only a live child: once reaped, its pid may belong to another process.
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const ms = processCpuMs(child.pid);
      if (ms !== null) {
        this.cpuOfLiveMs = ms;
        this.cpuSeen = true;
      }
    }
    return this.cpuSeen ? this.cpuOfDeadMs + this.cpuOfLiveMs : null;
  }

  /** Kills the child (SIGTERM, then SIGKILL after a grace period) and waits until it is reaped. */
  async stop(): Promise<void> {
    this.cpuMs();
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGTERM');
    const grace = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await closed;
    clearTimeout(grace);
  }

  private fail(reason: string): void {
    this.failure = reason;
    this.opts.onFailure?.(reason);
  }

  private spawnOne(): void {
    this.incarnations++;
    let ticks = 0;
    const stream = new NvidiaSmiStream((tick) => {
      ticks++;
      this.opts.onTick(tick);
    });
    let stderrTail = '';
    const child = spawn(this.command, nvidiaSmiArgs(this.opts.intervalMs), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.parseCpuMs += cpuMsOf(() => stream.push(chunk));
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-500);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      // Only a failed spawn matters here: a failed kill() of a dead child is also reported as 'error'.
      if (child.pid !== undefined) return;
      this.fail(spawnFailure(this.command, err));
    });
    child.on('close', (exitCode, signal) => {
      stream.end();
      this.cpuOfDeadMs += this.cpuOfLiveMs;
      this.cpuOfLiveMs = 0;
      if (this.stopped || this.failure !== null) return;
      const message = lastLine(stderrTail) ?? stream.lastRejected;
      const how = `exit code ${exitCode ?? 'none'}${signal ? `, signal ${signal}` : ''}${message ? `: ${message}` : ''}`;
      if (ticks === 0 && this.incarnations === 1) {
        this.fail(`${this.command} exited without any GPU line (${how})`);
      } else if (this.restarts.length >= (this.opts.maxRestarts ?? 5)) {
        this.fail(`${this.command} died ${this.restarts.length + 1} times; gave up after ${this.restarts.length} restarts (last: ${how})`);
      } else {
        const base = this.opts.restartDelayMs ?? 500;
        const delayMs = Math.min(base * 2 ** this.restarts.length, this.opts.maxRestartDelayMs ?? 8000);
        this.restarts.push({ t: performance.now(), exitCode, signal, message, delayMs });
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (!this.stopped) this.spawnOne();
        }, delayMs);
      }
    });
  }
}

function spawnFailure(command: string, err: NodeJS.ErrnoException): string {
  const onPath = !command.includes('/');
  if (err.code === 'ENOENT') return onPath ? `${command} not found on PATH` : `${command} not found`;
  const where = onPath ? `${command} on PATH` : command;
  if (err.code === 'EACCES') return `${where} is not executable (permission denied)`;
  return `${where} could not be started: ${err.message}`;
}

function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? null;
}
