/**
 * The whole sampler against a fake nvidia-smi executable on PATH that replays recordings from a real
 * H100 (test/fixtures/nvidia-smi), at the -lms interval the sampler asks for.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { integrateEnergy } from '../../src-main/core/telemetry/energy';
import { hardwareInventory } from '../../src-main/core/telemetry/inventory';
import { NvidiaSmiStream } from '../../src-main/core/telemetry/nvidia-smi-parse';
import { TelemetrySampler } from '../../src-main/core/telemetry/sampler';
import type { GpuTick } from '../../src-main/core/telemetry/types';
import { FIXTURES, installFakeNvidiaSmi, useFakeNvidiaSmi } from './fake-nvidia-smi';

const INTERVAL = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let fakeDir = '';

/** The recording's ticks, as the fake replays them. */
function recorded(name: string): GpuTick[] {
  const ticks: GpuTick[] = [];
  const s = new NvidiaSmiStream((t) => ticks.push(t), () => 0);
  s.push(readFileSync(path.join(FIXTURES, name), 'utf8'));
  s.end();
  return ticks;
}

const powers = (ticks: readonly GpuTick[]) => ticks.map((t) => t.gpus.map((g) => g.powerW));

/** A window of `ms` measured as a benchmark would: performance.now() before and after. */
async function timedWindow(ms: number): Promise<[number, number]> {
  const t0 = performance.now();
  await sleep(ms);
  return [t0, performance.now()];
}

beforeAll(() => {
  fakeDir = installFakeNvidiaSmi();
});

afterEach(() => {
  delete process.env.FAKE_NVIDIA_SMI_DIE_AFTER;
  delete process.env.FAKE_NVIDIA_SMI_DIE_MARKER;
});

describe('TelemetrySampler with a fake nvidia-smi', () => {
  it('replays one idle GPU: every tick as recorded, energy = integral of the recorded series', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100-idle.csv');
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL });
    await sampler.start();
    expect(sampler.gpuTicks().length).toBeGreaterThan(0); // start() waited for the first tick
    const [t0, t1] = await timedWindow(400);
    sampler.mark('static', t0, t1, 32);
    const summary = await sampler.stop();

    const rec = recorded('h100-idle.csv');
    const got = sampler.gpuTicks();
    expect(powers(got)).toEqual(got.map((_, i) => powers(rec)[i % rec.length]));
    expect(got.length).toBeGreaterThanOrEqual(4);
    expect(got.at(-1)!.t).toBeGreaterThanOrEqual(t1); // stop() waited for a tick past the window

    expect(sampler.power().gpu).toEqual({ available: true, sources: ['nvidia-smi:gpu0'], reason: null });
    const w = summary.windows.static;
    const joules = integrateEnergy(got.map((t) => ({ t: t.t, w: t.gpus[0].powerW! })), t0, t1);
    expect(w.gpu.joules).toBeCloseTo(joules, 9);
    expect(w.gpu.joulesPerImage).toBeCloseTo(joules / 32, 9);
    // Idle recording: 74.17 .. 74.24 W.
    expect(w.gpu.avgPowerW).toBeGreaterThanOrEqual(74.17);
    expect(w.gpu.avgPowerW).toBeLessThanOrEqual(74.24);
    expect(w.gpu.peakPowerW).toBeLessThanOrEqual(74.24);
    expect(summary.peak.gpuMemUsedMiB).toEqual([0]); // 0 MiB used is a reading, kept
    expect(summary.gpuRestarts).toEqual([]);
  });

  it('groups two loaded GPUs per tick, sums their power, and keeps interleaved windows apart', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100x2-load.csv');
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL });
    await sampler.start();
    const windows: Record<string, [number, number][]> = { static: [], dynamic: [] };
    for (let i = 0; i < 2; i++) {
      for (const label of ['static', 'dynamic'] as const) {
        const [t0, t1] = await timedWindow(120);
        sampler.mark(label, t0, t1, 8);
        windows[label].push([t0, t1]);
      }
    }
    const summary = await sampler.stop();

    const rec = recorded('h100x2-load.csv');
    const got = sampler.gpuTicks();
    expect(got.every((t) => t.gpus.map((g) => g.index).join() === '0,1')).toBe(true);
    expect(powers(got)).toEqual(got.map((_, i) => powers(rec)[i % rec.length]));
    expect(summary.power.sources).toEqual(['nvidia-smi:gpu0', 'nvidia-smi:gpu1']);

    const series = got.map((t) => ({ t: t.t, w: t.gpus[0].powerW! + t.gpus[1].powerW! }));
    for (const label of ['static', 'dynamic'] as const) {
      const w = summary.windows[label];
      const expected = windows[label].reduce((s, [a, b]) => s + integrateEnergy(series, a, b), 0);
      expect(w.windows).toBe(2);
      expect(w.images).toBe(16);
      expect(w.gpu.joules).toBeCloseTo(expected, 9);
      expect(w.gpu.joulesPerImage).toBeCloseTo(expected / 16, 9);
      expect(w.gpu.peakPowerW).toBeLessThanOrEqual(Math.max(...series.map((p) => p.w)));
    }
    // Both windows at the start of a 0 -> 1400 W ramp but at different times: different energies.
    expect(summary.windows.static.gpu.joules).not.toBeCloseTo(summary.windows.dynamic.gpu.joules!, 3);
  });

  it('treats [N/A] power as missing: that tick is left out of the integral, not read as 0 W', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100-na.csv');
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL });
    await sampler.start();
    const got = sampler.gpuTicks();
    const deadline = performance.now() + 5000;
    while (got.length < 9 && performance.now() < deadline) await sleep(INTERVAL); // past line 8
    const naTick = got[4];
    expect(naTick.gpus[0].powerW).toBeNull();
    expect(got[7].gpus[0]).toMatchObject({ powerW: 74.2, tempC: null, smClockMHz: null });
    const t0 = got[3].t;
    const t1 = got[5].t;
    const e = sampler.energyBetween(t0, t1);
    await sampler.stop();
    // Only the neighbours at ~74.2 W count: a 0 W reading would have pulled the mean to about half.
    expect(e.gpu.avgPowerW).toBeGreaterThan(74.1);
    expect(e.gpu.maxGapMs).toBeCloseTo(t1 - t0, 6);
    expect(sampler.power().gpu.available).toBe(true);
  });

  it('keeps a GPU that reports 0 W as a 0 W source', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100x2-zero-watt.csv');
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL });
    await sampler.start();
    const [t0, t1] = await timedWindow(250);
    sampler.mark('dynamic', t0, t1, 1);
    const summary = await sampler.stop();
    expect(sampler.gpuTicks().every((t) => t.gpus[1].powerW === 0)).toBe(true);
    expect(summary.power.gpu).toEqual({ available: true, sources: ['nvidia-smi:gpu0', 'nvidia-smi:gpu1'], reason: null });
    // The sum is GPU 0's idle power plus 0 W.
    expect(summary.windows.dynamic.gpu.avgPowerW).toBeGreaterThanOrEqual(74.17);
    expect(summary.windows.dynamic.gpu.avgPowerW).toBeLessThanOrEqual(74.24);
  });

  it('restarts nvidia-smi that dies mid-run, records the restart, and reaps the child on stop', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100-idle.csv');
    process.env.FAKE_NVIDIA_SMI_DIE_AFTER = '4';
    process.env.FAKE_NVIDIA_SMI_DIE_MARKER = path.join(mkdtempSync(path.join(os.tmpdir(), 'die-')), 'died');
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL, restartDelayMs: 100 });
    await sampler.start();
    const [t0, t1] = await timedWindow(900);
    sampler.mark('static', t0, t1, 10);
    const pid = (sampler as unknown as { child: { pid: number } }).child.pid;
    const summary = await sampler.stop();

    expect(summary.gpuRestarts).toHaveLength(1);
    expect(summary.gpuRestarts[0]).toMatchObject({ exitCode: 3, signal: null, message: 'fake nvidia-smi: simulated crash', delayMs: 100 });
    const restartT = summary.gpuRestarts[0].t;
    expect(sampler.gpuTicks().filter((t) => t.t < restartT)).toHaveLength(4);
    expect(sampler.gpuTicks().filter((t) => t.t > restartT + 100).length).toBeGreaterThan(3);
    // The death shows as a gap of at least the restart delay inside the window.
    expect(summary.windows.static.gpu.maxGapMs).toBeGreaterThanOrEqual(100);
    expect(summary.windows.static.gpu.joules).not.toBeNull();
    expect(summary.power.reason).not.toMatch(/GPU/);
    expect(existsSync(`/proc/${pid}`)).toBe(false); // killed and reaped: not even a zombie is left
  });

  it('gives up after the bounded number of restarts and says why', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100-idle.csv');
    process.env.FAKE_NVIDIA_SMI_DIE_AFTER = '1'; // no marker: every run dies
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL, restartDelayMs: 20, maxRestarts: 2 });
    await sampler.start();
    const deadline = performance.now() + 5000;
    while (!sampler.power().reason?.includes('gave up') && performance.now() < deadline) await sleep(50);
    await sampler.stop();
    expect(sampler.gpuRestarts().map((r) => r.delayMs)).toEqual([20, 40]);
    expect(sampler.power().gpu.reason).toBe(
      'stopped during the run: nvidia-smi died 3 times; gave up after 2 restarts (last: exit code 3: fake nvidia-smi: simulated crash)',
    );
  });

  it('reports what nvidia-smi said when it exits without a GPU line (no restart)', async () => {
    useFakeNvidiaSmi(fakeDir, 'no-devices.txt');
    const sampler = new TelemetrySampler({ intervalMs: INTERVAL });
    await sampler.start();
    const summary = await sampler.stop();
    expect(summary.power.gpu).toEqual({
      available: false,
      sources: [],
      reason: 'nvidia-smi exited without any GPU line (exit code 6: No devices were found)',
    });
    expect(summary.gpuRestarts).toEqual([]);
  });

  it('lists the GPUs in the hardware inventory with one nvidia-smi call', async () => {
    useFakeNvidiaSmi(fakeDir, 'h100x2-load.csv');
    const inv = await hardwareInventory();
    expect(inv.gpus).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', driverVersion: '580.159.04', memTotalMiB: 81559 },
      { name: 'NVIDIA H100 80GB HBM3', driverVersion: '580.159.04', memTotalMiB: 81559 },
    ]);
    expect(inv.gpuReason).toBeNull();
  });
});
