/**
 * The GPU check (`skipvit check-gpu`, `npm run check:gpu`): on a machine with a GPU, what the studio's WebGPU
 * engine does there, in one run, against the wasm engine on the same models:
 *
 *   numerics     webgpu against wasm on the same weights and inputs: static and dynamic logits, a training
 *                step's loss and gradients
 *   throughput   static against dynamic (keep 0.5) at batch 1 to 1024, micro on 28 px and tiny on 32 px, on
 *                webgpu and on wasm (the speed-up of the GPU over the CPU engine, per batch)
 *   training     one static training step (forward, backward, clipping, AdamW), median time, on both
 *   telemetry    the adapter, the hardware, and nvidia-smi sampled throughout (power per timed window)
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type AdapterInfo, type AdapterKind } from '../backend';
import { forwardDynamic } from '../model/executor';
import { defaultMeta, loadModel, saveModel } from '../model/io';
import { presetConfig, type PresetName } from '../model/config';
import { ViT } from '../model/vit';
import { hardwareInventory, type HardwareInventory } from '../telemetry/inventory';
import { TelemetrySampler, type TelemetrySummary } from '../telemetry/sampler';
import { AdamW, clipByGlobalNorm } from '../train/adamw';
import { namedGrads } from '../train/named-grads';
import { smoothedCrossEntropy } from '../train/static';
import { Rng } from '../util/rng';
import { runExecutorBench, type ExecutorBenchBatch } from './executor-bench';
import { percentile } from './stats';

export interface GpuCheckOptions {
  /** 'software' runs it on SwiftShader or llvmpipe: to show the check works, not to measure a GPU. */
  adapter: AdapterKind;
  /** Small batches and few runs (a software adapter takes seconds per batch). */
  quick: boolean;
  nvidiaSmi?: string;
  onProgress?(message: string): void;
}

interface ModelSpec {
  name: string;
  preset: PresetName;
  input: { imageSize: number; channels: number; numClasses: number };
}

const MODELS: ModelSpec[] = [
  { name: 'micro@28', preset: 'micro', input: { imageSize: 28, channels: 1, numClasses: 10 } },
  { name: 'tiny@32', preset: 'tiny', input: { imageSize: 32, channels: 3, numClasses: 10 } },
];

export interface GpuCheckResult {
  kind: 'gpu-check';
  date: string;
  quick: boolean;
  adapter: AdapterInfo;
  hardware: HardwareInventory;
  numerics: {
    model: string;
    batchSize: number;
    staticLogitsMaxAbsDiff: number;
    dynamicLogitsMaxAbsDiff: number;
    lossAbsDiff: number;
    /** max over variables of max|g_webgpu - g_wasm| / max|g_wasm|, and the variable. */
    gradMaxRelDiff: number;
    worstGradient: string;
  };
  throughput: { model: string; keep: number; webgpu: ExecutorBenchBatch[]; wasm: ExecutorBenchBatch[] }[];
  training: { model: string; batchSize: number; steps: number; webgpuMs: number; wasmMs: number };
  /** Mean power per timed window (label "model backend path batch"), W; null where unmeasured. */
  powerW: Record<string, { gpu: number | null; cpu: number | null }>;
  power: TelemetrySummary['power'];
  peakGpuMemMiB: number[];
}

async function useBackend(name: 'webgpu' | 'wasm', adapter: AdapterKind) {
  return name === 'webgpu' ? initBackend('webgpu', adapter) : initBackend('wasm');
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

/** What one backend computes on the model saved in `dir`: static and dynamic logits, a step's loss and gradients. */
async function computeOnce(dir: string, B: number) {
  const { model } = await loadModel(dir);
  const c = model.config;
  const x = tf.randomNormal([B, c.imageSize, c.imageSize, c.channels], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Int32Array.from({ length: B }, (_, i) => i % c.numClasses);
  const rng = new Rng(3);
  const keep = new Uint8Array(B * model.depth).map(() => (rng.next() < 0.5 ? 1 : 0));
  const staticLogits = model.forwardStatic(x);
  const dynamic = await forwardDynamic(model, x, { keep });
  const { value, grads } = namedGrads(() => smoothedCrossEntropy(model.forwardStaticTrain(x), labels, 0.1), model.variables());
  const out = {
    staticLogits: await staticLogits.data(),
    dynamicLogits: await dynamic.logits.data(),
    loss: (await value.data())[0],
    grads: new Map(await Promise.all([...grads].map(async ([k, g]) => [k, await g.data()] as const))),
  };
  tf.dispose([x, staticLogits, dynamic.logits, value, ...grads.values()]);
  model.dispose();
  return out;
}

async function numerics(opts: GpuCheckOptions, B: number): Promise<GpuCheckResult['numerics']> {
  const spec = MODELS[0];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-gpu-check-'));
  try {
    await useBackend('wasm', opts.adapter);
    const m = ViT.create(presetConfig(spec.preset, spec.input), 0);
    await saveModel(dir, m, defaultMeta(m, 'static'));
    m.dispose();
    const wasm = await computeOnce(dir, B);
    await useBackend('webgpu', opts.adapter);
    const gpu = await computeOnce(dir, B);
    let gradMaxRelDiff = 0;
    let worstGradient = '';
    for (const [name, g] of wasm.grads) {
      const scale = Math.max(1e-12, ...Array.from(g, Math.abs));
      const rel = maxAbsDiff(gpu.grads.get(name)!, g) / scale;
      if (rel >= gradMaxRelDiff) [gradMaxRelDiff, worstGradient] = [rel, name];
    }
    return {
      model: spec.name, batchSize: B,
      staticLogitsMaxAbsDiff: maxAbsDiff(gpu.staticLogits, wasm.staticLogits),
      dynamicLogitsMaxAbsDiff: maxAbsDiff(gpu.dynamicLogits, wasm.dynamicLogits),
      lossAbsDiff: Math.abs(gpu.loss - wasm.loss),
      gradMaxRelDiff, worstGradient,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Median time of a static training step (forward, backward, clipping, AdamW, reading the loss), ms. */
async function trainingStepMs(spec: ModelSpec, B: number, steps: number): Promise<number> {
  const model = ViT.create(presetConfig(spec.preset, spec.input), 0);
  const vars = model.variables();
  const optimizer = new AdamW(vars, () => true, { weightDecay: 0.05 });
  const c = model.config;
  const x = tf.randomNormal([B, c.imageSize, c.imageSize, c.channels], 0, 1, 'float32', 2) as tf.Tensor4D;
  const labels = Int32Array.from({ length: B }, (_, i) => i % c.numClasses);
  const times: number[] = [];
  try {
    for (let s = 0; s <= steps; s++) {
      const t0 = performance.now();
      const loss = tf.tidy(() => {
        const { value, grads } = namedGrads(() => smoothedCrossEntropy(model.forwardStaticTrain(x), labels, 0.1), vars);
        const clipped = clipByGlobalNorm(grads, 1);
        optimizer.apply(clipped.grads, 1e-4);
        return value;
      });
      await loss.data(); // waits for the device to finish the step
      loss.dispose();
      if (s > 0) times.push(performance.now() - t0); // step 0 compiles the shaders
    }
  } finally {
    tf.dispose([x]);
    optimizer.dispose();
    model.dispose();
  }
  return percentile(times, 50);
}

export async function runGpuCheck(opts: GpuCheckOptions): Promise<GpuCheckResult> {
  const say = opts.onProgress ?? (() => {});
  const info = await useBackend('webgpu', opts.adapter); // fails with the reason when there is no adapter
  const adapter = info.adapter!;
  say(`adapter: ${adapter.vendor} ${adapter.architecture} ${adapter.description} (${adapter.kind})`);
  const hardware = await hardwareInventory(opts.nvidiaSmi ? { nvidiaSmi: opts.nvidiaSmi } : {});
  const sampler = new TelemetrySampler({ intervalMs: 250, ...(opts.nvidiaSmi ? { nvidiaSmi: opts.nvidiaSmi } : {}) });
  await sampler.start();
  const labels: string[] = [];
  try {
    say('numerics: webgpu against wasm');
    const num = await numerics(opts, opts.quick ? 4 : 32);
    const batches = opts.quick ? { 'micro@28': [1, 8], 'tiny@32': [1] } : { 'micro@28': pow2(1, 1024), 'tiny@32': pow2(1, 1024) };
    const throughput: GpuCheckResult['throughput'] = [];
    for (const spec of MODELS) {
      const row = { model: spec.name, keep: 0.5, webgpu: [] as ExecutorBenchBatch[], wasm: [] as ExecutorBenchBatch[] };
      for (const engine of ['webgpu', 'wasm'] as const) {
        await useBackend(engine, opts.adapter);
        say(`throughput: ${spec.name} on ${engine}`);
        const r = await runExecutorBench({
          preset: spec.preset, input: spec.input, keep: 0.5, seed: 0,
          // wasm past 256 only repeats what 256 shows, at minutes per batch size.
          batches: engine === 'wasm' ? batches[spec.name as keyof typeof batches].filter((b) => b <= 256) : batches[spec.name as keyof typeof batches],
          secondsPerBatch: opts.quick ? 0.5 : 2, minRuns: opts.quick ? 1 : 3, maxRuns: opts.quick ? 3 : 50,
          onProgress: (_, m) => say(`  ${spec.name} ${engine} ${m}`),
          onRun: (B, p, t0, t1) => {
            const label = `${spec.name} ${engine} ${p} ${B}`;
            if (!labels.includes(label)) labels.push(label);
            sampler.mark(label, t0, t1, B);
          },
        });
        row[engine] = r.batches;
      }
      throughput.push(row);
    }
    const trainB = opts.quick ? 4 : 64;
    const steps = opts.quick ? 1 : 5;
    say(`training step: micro@28, batch ${trainB}`);
    await useBackend('webgpu', opts.adapter);
    const webgpuMs = await trainingStepMs(MODELS[0], trainB, steps);
    await useBackend('wasm', opts.adapter);
    const wasmMs = await trainingStepMs(MODELS[0], trainB, steps);
    const summary = await sampler.stop();
    const powerW: GpuCheckResult['powerW'] = {};
    for (const label of labels) {
      const w = summary.windows[label];
      if (w) powerW[label] = { gpu: w.gpu.avgPowerW, cpu: w.cpu.avgPowerW };
    }
    return {
      kind: 'gpu-check', date: new Date().toISOString(), quick: opts.quick, adapter, hardware, numerics: num, throughput,
      training: { model: MODELS[0].name, batchSize: trainB, steps, webgpuMs, wasmMs },
      powerW, power: summary.power, peakGpuMemMiB: summary.peak.gpuMemUsedMiB,
    };
  } finally {
    await sampler.stop().catch(() => undefined);
  }
}

function pow2(from: number, to: number): number[] {
  const out: number[] = [];
  for (let b = from; b <= to; b *= 2) out.push(b);
  return out;
}

/** docs/results/gpu-<device>: the adapter's vendor and architecture (or device), as a file name. */
export function deviceSlug(a: AdapterInfo): string {
  return `${a.vendor}-${a.architecture || a.device || 'gpu'}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const f = (n: number | null | undefined, d = 1) => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d));
const e = (n: number) => n.toExponential(1);
/** Images per second: whole numbers from 100, two significant digits below (a software adapter does < 1). */
const ips = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n >= 100 ? n.toFixed(0) : n.toPrecision(2));

export function renderGpuCheck(r: GpuCheckResult): string {
  const a = r.adapter;
  const lines = [`# GPU check: ${a.vendor} ${a.architecture} (${a.description})`, ''];
  if (a.kind === 'software') {
    lines.push(
      '> **Software adapter (no GPU).** This ran on a CPU rasteriser (SwiftShader) to show that `npm run check:gpu`',
      '> works end to end. Its throughput says nothing about a GPU; only the numerics carry over.',
      '',
    );
  }
  lines.push(
    `Measured ${r.date}${r.quick ? ' with `--quick` (small batches, few runs)' : ''} by \`npm run check:gpu\` (\`skipvit check-gpu\`).`,
    '',
    '## Adapter and machine',
    '',
    `- adapter: vendor \`${a.vendor}\`, architecture \`${a.architecture}\`, device \`${a.device}\`, description \`${a.description}\`, driver \`${a.driver}\`, **${a.kind}**`,
    `- CPU: ${r.hardware.cpu.manufacturer} ${r.hardware.cpu.brand}, ${r.hardware.cpu.logicalCores} logical cores; memory ${f(r.hardware.memTotalBytes / 1024 ** 3)} GiB; ${r.hardware.os.distro} ${r.hardware.os.release}; Node ${r.hardware.nodeVersion}`,
    `- GPUs (nvidia-smi): ${r.hardware.gpus.length ? r.hardware.gpus.map((g) => g.name).join(', ') : `none (${r.hardware.gpuReason ?? 'not listed'})`}`,
    `- power: ${r.power.available ? r.power.sources.join(', ') : 'not measured'}${r.power.reason ? ` (${r.power.reason})` : ''}; peak GPU memory ${r.peakGpuMemMiB.length ? r.peakGpuMemMiB.map((m) => `${m} MiB`).join(', ') : '-'}`,
    '',
    '## Numerics: webgpu against wasm, same weights and inputs',
    '',
    `${r.numerics.model}, batch ${r.numerics.batchSize}: static logits max |diff| ${e(r.numerics.staticLogitsMaxAbsDiff)}, dynamic logits (random keep masks) ${e(r.numerics.dynamicLogitsMaxAbsDiff)}, ` +
      `training-step loss ${e(r.numerics.lossAbsDiff)}, gradients max relative ${e(r.numerics.gradMaxRelDiff)} (worst: \`${r.numerics.worstGradient}\`).`,
    '',
    '## Throughput: static against dynamic (keep 0.5), images/s',
    '',
  );
  for (const t of r.throughput) {
    lines.push(`### ${t.model}`, '', '| batch | webgpu static | webgpu dynamic | dynamic speed-up | wasm static | wasm dynamic | webgpu / wasm (static) | GPU power W |', '|---|---|---|---|---|---|---|---|');
    for (const g of t.webgpu) {
      const w = t.wasm.find((b) => b.batchSize === g.batchSize);
      const p = r.powerW[`${t.model} webgpu static ${g.batchSize}`]?.gpu;
      if (g.skipped) {
        lines.push(`| ${g.batchSize} | skipped: ${g.skipped} | | | | | | |`);
        continue;
      }
      const ratio = w?.static && g.static ? g.static.imagesPerSec / w.static.imagesPerSec : null;
      lines.push(`| ${g.batchSize} | ${ips(g.static?.imagesPerSec)} | ${ips(g.dynamic?.imagesPerSec)} | ${f(g.speedup, 2)} | ${ips(w?.static?.imagesPerSec)} | ${ips(w?.dynamic?.imagesPerSec)} | ${ratio !== null && ratio < 0.1 ? ratio.toPrecision(2) : f(ratio, 2)} | ${f(p)} |`);
    }
    lines.push('');
  }
  lines.push(
    '## Training step',
    '',
    `${r.training.model}, batch ${r.training.batchSize} (forward, backward, clipping, AdamW; median of ${r.training.steps}): webgpu ${f(r.training.webgpuMs)} ms, wasm ${f(r.training.wasmMs)} ms.`,
    '',
  );
  return lines.join('\n');
}
