/**
 * The sampler on the machine the tests run on, with nothing faked. The development machine and CI
 * have neither nvidia-smi nor powercap, so power must be reported missing with both reasons; on a
 * machine that has either, those assertions are skipped and the rest still run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { hardwareInventory } from '../../src-main/core/telemetry/inventory';
import { TelemetrySampler } from '../../src-main/core/telemetry/sampler';

const hasNvidiaSmi = spawnSync('nvidia-smi', ['-L']).error === undefined;
const hasPowercap = existsSync('/sys/class/powercap');

describe('TelemetrySampler on this machine', () => {
  it.runIf(!hasNvidiaSmi && !hasPowercap)('says power is unavailable, naming both missing sources', async () => {
    const sampler = new TelemetrySampler({ intervalMs: 50 });
    await sampler.start();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 200));
    const t1 = performance.now();
    sampler.mark('static', t0, t1, 8);
    const summary = await sampler.stop();

    const gpuReason = 'nvidia-smi not found on PATH';
    const cpuReason = 'no powercap at /sys/class/powercap (the kernel exposes no RAPL counters here, e.g. in a VM)';
    expect(sampler.power()).toEqual({
      available: false,
      sources: [],
      reason: `GPU: ${gpuReason}; CPU: ${cpuReason}`,
      gpu: { available: false, sources: [], reason: gpuReason },
      cpu: { available: false, sources: [], reason: cpuReason },
    });
    // No number stands in for a measurement.
    const w = summary.windows.static;
    expect(w.gpu).toEqual({ joules: null, avgPowerW: null, peakPowerW: null, maxGapMs: null, reason: gpuReason, joulesPerImage: null });
    expect(w.cpu.joules).toBeNull();
    expect(w.cpu.reason).toBe(cpuReason);
    expect(sampler.samples().every((s) => s.cpuPowerW === null && s.cpuEnergyJ === null && s.gpus.length === 0)).toBe(true);
    expect(summary.selfCost.childCpuMs).toBeNull();
  });

  it('still samples load and memory, and measures its own cost', async () => {
    const sampler = new TelemetrySampler({ intervalMs: 25 });
    await sampler.start();
    // Keep one core busy for 300 ms, so the load reading has something to see.
    const end = performance.now() + 300;
    let spin = 0;
    while (performance.now() < end) spin++;
    await new Promise((r) => setTimeout(r, 50));
    const summary = await sampler.stop();
    const samples = sampler.samples();
    expect(spin).toBeGreaterThan(0);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    // The busy loop blocked the timer, so the first sample after it spans it: at least one core of os.cpus().length busy.
    expect(Math.max(...samples.map((s) => s.cpuLoad))).toBeGreaterThan(0.8 / os.cpus().length);
    expect(samples.every((s) => s.cpuLoad >= 0 && s.cpuLoad <= 1)).toBe(true);
    expect(summary.peak.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(summary.peak.rssBytes).toBe(Math.max(...samples.map((s) => s.rssBytes)));
    expect(samples.every((s) => s.sysMemUsedBytes > 0 && s.sysMemUsedBytes < os.totalmem())).toBe(true);
    expect(samples.every((s, i) => i === 0 || s.t > samples[i - 1].t)).toBe(true);
    const cost = summary.selfCost;
    expect(cost.ticks).toBe(samples.length);
    expect(cost.inProcessCpuMs).toBeGreaterThan(0);
    expect(cost.cpuFractionOfOneCore).toBeCloseTo(cost.inProcessCpuMs / cost.wallMs, 12);
  });

  it('reads the hardware inventory once, without a GPU', async () => {
    const inv = await hardwareInventory();
    expect(inv.cpu.logicalCores).toBe(os.cpus().length);
    expect(inv.memTotalBytes).toBe(os.totalmem());
    expect(inv.os.platform).toBe(process.platform);
    expect(inv.nodeVersion).toBe(process.version);
    if (!hasNvidiaSmi) {
      expect(inv.gpus).toEqual([]);
      expect(inv.gpuReason).toBe('nvidia-smi not found on PATH');
    }
  });
});
