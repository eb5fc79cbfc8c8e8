/**
 * `skipvit bench`: static versus dynamic timing, as the `bench` job.
 *   --random --preset P --keep F   executor benchmark on a random model with forced keep masks
 *   --model DIR [--dataset D]      the full comparison on real data, with telemetry (power, memory)
 *   --model DIR --engines          static and dynamic on the tfjs engine and on onnxruntime, one table
 */
import { promises as fs } from 'node:fs';
import { renderModelBench, type ModelBenchResult } from '../../core/bench/model-bench';
import { renderEngineBench, type EngineBenchResult } from '../../core/bench/engine-bench';
import type { ExecutorBenchResult } from '../../core/bench/executor-bench';
import type { ThroughputBenchResult } from '../../core/bench/throughput-bench';
import { isPresetName } from '../../core/model/config';
import { intList, oneOf, UsageError } from '../args';
import { defineJobCommand } from '../job-command';
import { table } from '../output';

const fmt = (n: number | undefined | null, d = 1) => (n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toFixed(d));
const mb = (n: number | undefined) => (n === undefined ? '-' : (n / 1024 ** 2).toFixed(1));

function renderThroughputBench(r: ThroughputBenchResult): string {
  return (
    `backend ${r.backend}; mode throughput: ${r.workers} streams at once\n` +
    table(['batch', 'static img/s', 'dynamic img/s'], r.batches.map((b) => [b.batchSize, fmt(b.static.imagesPerSec), fmt(b.dynamic?.imagesPerSec)]))
  );
}

function renderExecutorBench(r: ExecutorBenchResult): string {
  return (
    `backend ${r.backend}; preset ${r.preset} (random weights), keep ${r.keep}\n` +
    table(
      ['batch', 'static img/s', 'dynamic img/s', 'static p95 ms', 'dynamic p95 ms', 'speedup', 'ideal', 'efficiency', 'efficiency (cpu)', 'static MB', 'dynamic MB'],
      r.batches.map((b) =>
        b.skipped
          ? [b.batchSize, `skipped: ${b.skipped}`, '', '', '', '', '', '', '', '', '']
          : [b.batchSize, fmt(b.static!.imagesPerSec), fmt(b.dynamic!.imagesPerSec), fmt(b.static!.p95Ms), fmt(b.dynamic!.p95Ms), fmt(b.speedup, 2), fmt(b.idealSpeedup, 2), fmt(b.efficiency, 2), fmt(b.efficiencyCpu, 2), mb(b.static!.peakBytes), mb(b.dynamic!.peakBytes)],
      ),
    )
  );
}

export const command = defineJobCommand({
  kind: 'bench',
  usage: 'skipvit bench (--random --preset P --keep F | --model DIR|ID [--dataset D] [--workers N | --engines [--ort-threads 1,2]]) [--batch 1,8,32,128,256] [--json] [--out FILE] [--workspace W]',
  flags: {
    random: { type: 'boolean', help: 'benchmark the executor on a random model with forced keep masks' },
    preset: { type: 'string', help: 'preset for --random: micro, tiny, small, base', default: 'micro' },
    keep: { type: 'number', help: 'fraction of layers each sample runs, for --random', default: 0.5 },
    model: { type: 'string', help: 'model folder, or with --workspace a model id (a dynamic model; its static path is the baseline)' },
    'static-model': { type: 'string', help: 'a separate static model to compare against (default: the model\'s static path)' },
    dataset: { type: 'string', help: 'dataset for --model (default: the one the model was trained on)' },
    split: { type: 'string', help: 'split to run on: test or val', default: 'test' },
    batch: { type: 'list', help: 'batch sizes', default: '1,8,32,128,256' },
    backends: { type: 'string', help: 'compare engines: the same benchmark on each, e.g. wasm,webgpu (the result lists each in backends)' },
    seconds: { type: 'number', help: 'timed seconds per batch size', default: 3 },
    images: { type: 'number', help: 'images per batch size to run (--model), at most the split', default: 1024 },
    seed: { type: 'number', help: 'seed', default: 0 },
    interval: { type: 'number', help: 'telemetry sampling interval in ms (--model)', default: 250 },
    out: { type: 'string', help: 'also write the JSON result to this file' },
    engines: { type: 'boolean', help: 'compare engines (--model): static and dynamic on tfjs and on onnxruntime, one table' },
    'ort-threads': { type: 'list', help: 'onnxruntime intra-op thread counts for --engines', default: '1,2' },
    workers: { type: 'number', help: 'streams at once, one thread and core each (--model): 1 = the single-stream mode (latency per batch), more = the throughput mode', default: 1 },
  },
  params(flags, refs) {
    const common = { batches: intList(flags.batch, 'batch'), budgetSeconds: Number(flags.seconds), seed: Number(flags.seed), backend: flags.backend as 'auto', adapter: flags.adapter as 'hardware',
      backends: typeof flags.backends === 'string' ? (flags.backends.split(',').map((s) => s.trim()) as 'wasm'[]) : undefined };
    if (flags.random) {
      const preset = String(flags.preset);
      if (!isPresetName(preset)) throw new UsageError(`--preset "${preset}" is not a preset (micro, tiny, small, base)`);
      return { ...common, preset, keep: Number(flags.keep) };
    }
    if (typeof flags.model !== 'string') throw new UsageError('give --random (executor benchmark) or --model DIR (static versus dynamic on real data)');
    return {
      ...common,
      model: refs.model(flags.model, 'model'),
      staticModel: typeof flags['static-model'] === 'string' ? refs.model(flags['static-model'], 'static-model') : undefined,
      dataset: flags.dataset as string | undefined,
      split: oneOf(flags, 'split', ['test', 'val']),
      images: Number(flags.images),
      intervalMs: Number(flags.interval),
      workers: Number(flags.workers),
      engines: Boolean(flags.engines),
      ortThreads: intList(flags['ort-threads'], 'ort-threads'),
    };
  },
  async after(result, flags) {
    if (typeof flags.out === 'string') await fs.writeFile(flags.out, JSON.stringify(result, null, 2) + '\n');
  },
  summary: (r) =>
    Array.isArray(r.backends)
      ? (r.backends as Record<string, unknown>[]).map(renderOne).join('\n\n')
      : renderOne(r),
});

function renderOne(r: Record<string, unknown>): string {
  const adapter = (r.backendInfo as { adapter?: { description: string; kind: string } } | null | undefined)?.adapter;
  return (adapter ? `adapter ${adapter.description} (${adapter.kind})\n` : '') + renderKind(r);
}

function renderKind(r: Record<string, unknown>): string {
  return r.kind === 'engines'
      ? renderEngineBench(r as unknown as EngineBenchResult)
      : r.kind === 'executor'
      ? renderExecutorBench(r as unknown as ExecutorBenchResult)
      : r.kind === 'throughput'
        ? renderThroughputBench(r as unknown as ThroughputBenchResult)
        : renderModelBench(r as unknown as ModelBenchResult);
}
