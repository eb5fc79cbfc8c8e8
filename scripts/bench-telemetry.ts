/**
 * Measures what the telemetry sampler costs (SPEC 6: sampling must not disturb what it measures):
 *   1. the sampler at the interval with nvidia-smi as found on PATH (on a GPU machine: the real one),
 *   2. the sampler with the fake nvidia-smi replaying a 2-GPU recording (its child is a Node process,
 *      so its child CPU is the fake's, not nvidia-smi's; the in-process figure is the one that transfers),
 *   3. the sampler with no nvidia-smi at all,
 *   4. one call of each CPU load source (CpuLoadMeter's /proc/stat line, os.cpus(), systeminformation
 *      currentLoad()) and of process.memoryUsage(), as a timer calls them.
 *
 * Usage: npm run bench:telemetry -- [--seconds 30] [--interval 250] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';
import { CpuLoadMeter } from '../src-main/core/telemetry/cpu-load';
import { TelemetrySampler, type SelfCost } from '../src-main/core/telemetry/sampler';
import { installFakeNvidiaSmi, useFakeNvidiaSmi } from '../test/telemetry/fake-nvidia-smi';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const seconds = Number(arg('seconds', '30'));
const intervalMs = Number(arg('interval', '250'));
const jsonOut = arg('json', '');

interface Run {
  name: string;
  nvidiaSmi: string;
  gpuSources: string[];
  gpuReason: string | null;
  gpuTicks: number;
  restarts: number;
  cost: SelfCost;
}

async function runSampler(name: string, nvidiaSmi: string): Promise<Run> {
  const sampler = new TelemetrySampler({ intervalMs, nvidiaSmi });
  await sampler.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const s = await sampler.stop();
  return {
    name,
    nvidiaSmi,
    gpuSources: s.power.gpu.sources,
    gpuReason: s.power.gpu.reason,
    gpuTicks: s.gpuTicks,
    restarts: s.gpuRestarts.length,
    cost: s.selfCost,
  };
}

/**
 * Mean CPU µs of one call, each call alone after a pause as in the sampler's tick (a tight loop of
 * calls would run warm and hide the cache misses a call on a timer pays; it would also hit
 * systeminformation's own short-term cache).
 */
async function perCall(fn: () => unknown, n = 20, gapMs = 50): Promise<number> {
  await fn();
  let us = 0;
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    const c0 = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(c0);
    us += d.user + d.system;
  }
  return us / n;
}

function fmt(r: Run): string {
  const c = r.cost;
  const child = c.childCpuMs === null ? 'no child' : `child ${c.childCpuMs.toFixed(0)} ms`;
  return (
    `${r.name.padEnd(34)} ${(c.cpuFractionOfOneCore * 100).toFixed(3)} % of one core ` +
    `(in-process ${c.inProcessCpuMs.toFixed(1)} ms = ${((c.inProcessCpuMs / c.wallMs) * 100).toFixed(3)} %, ${child}; ` +
    `${c.ticks} ticks, ${c.meanTickCpuUs.toFixed(0)} µs/tick, ${r.gpuTicks} GPU ticks over ${(c.wallMs / 1000).toFixed(1)} s)`
  );
}

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`bench-telemetry: ${seconds} s per run at ${intervalMs} ms; ${cpuModel}, ${os.cpus().length} logical cores; node ${process.version}`);

const runs: Run[] = [];
runs.push(await runSampler('nvidia-smi on PATH', 'nvidia-smi'));
console.log(fmt(runs[0]), runs[0].gpuReason ? `[GPU: ${runs[0].gpuReason}]` : '');

const fakeDir = installFakeNvidiaSmi();
useFakeNvidiaSmi(fakeDir, 'h100x2-load.csv');
runs.push(await runSampler('fake nvidia-smi (Node replayer)', `${fakeDir}/nvidia-smi`));
console.log(fmt(runs[1]));

runs.push(await runSampler('no nvidia-smi', '/nonexistent/nvidia-smi'));
console.log(fmt(runs[2]));

const meter = new CpuLoadMeter();
const loadSources = {
  cpuLoadMeterUs: await perCall(() => meter.sample()),
  osCpusUs: await perCall(() => os.cpus()),
  siCurrentLoadUs: await perCall(() => si.currentLoad()),
  memoryUsageUs: await perCall(() => process.memoryUsage()),
};
console.log(
  `one call on a timer (CPU µs): CpuLoadMeter ${loadSources.cpuLoadMeterUs.toFixed(1)}, os.cpus() ${loadSources.osCpusUs.toFixed(1)}, ` +
    `process.memoryUsage() ${loadSources.memoryUsageUs.toFixed(1)}, si.currentLoad() ${loadSources.siCurrentLoadUs.toFixed(1)}`,
);

const limit = 0.01;
const worstReal = runs.filter((r) => r.name !== 'fake nvidia-smi (Node replayer)');
const over = worstReal.filter((r) => r.cost.cpuFractionOfOneCore >= limit);
console.log(over.length === 0 ? `OK: under ${limit * 100} % of one core` : `OVER ${limit * 100} %: ${over.map((r) => r.name).join(', ')}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ seconds, intervalMs, cpuModel, runs, loadSources }, null, 2));
