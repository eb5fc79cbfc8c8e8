/**
 * `skipvit bench`: static versus dynamic timing.
 *   --random --preset P --keep F   executor benchmark on a random model with forced keep masks
 *   --model DIR [--dataset D]      the full comparison on real data, with telemetry (power, memory)
 *   --model DIR --engines          static and dynamic on the tfjs engine and on onnxruntime, one table
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { initBackend, type BackendName } from '../../core/backend';
import { isPresetName } from '../../core/model/config';
import { intList, UsageError } from '../args';
import { defineCommand } from '../command';
import { table } from '../output';
import { workersOf } from '../workers';

const fmt = (n: number | undefined | null, d = 1) => (n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toFixed(d));
const mb = (n: number | undefined) => (n === undefined ? '-' : (n / 1024 ** 2).toFixed(1));

export const command = defineCommand(
  'skipvit bench (--random --preset P --keep F | --model DIR [--dataset D] [--workers N | --engines [--ort-threads 1,2]]) [--batch 1,8,32,128,256] [--json] [--out FILE]',
  {
    random: { type: 'boolean', help: 'benchmark the executor on a random model with forced keep masks' },
    preset: { type: 'string', help: 'preset for --random: micro, tiny, small, base', default: 'micro' },
    keep: { type: 'number', help: 'fraction of layers each sample runs, for --random', default: 0.5 },
    model: { type: 'string', help: 'model folder (a dynamic model; its static path is the baseline)' },
    'static-model': { type: 'string', help: 'a separate static model to compare against (default: the model\'s static path)' },
    dataset: { type: 'string', help: 'dataset for --model (default: the one the model was trained on)' },
    split: { type: 'string', help: 'split to run on: test or val', default: 'test' },
    batch: { type: 'list', help: 'batch sizes', default: '1,8,32,128,256' },
    seconds: { type: 'number', help: 'timed seconds per batch size', default: 3 },
    images: { type: 'number', help: 'images per batch size to run (--model), at most the split', default: 1024 },
    seed: { type: 'number', help: 'seed', default: 0 },
    interval: { type: 'number', help: 'telemetry sampling interval in ms (--model)', default: 250 },
    out: { type: 'string', help: 'also write the JSON result to this file' },
    engines: { type: 'boolean', help: 'compare engines (--model): static and dynamic on tfjs and on onnxruntime, one table' },
    'ort-threads': { type: 'list', help: 'onnxruntime intra-op thread counts for --engines', default: '1,2' },
    workers: { type: 'number', help: 'streams at once, one thread and core each (--model): 1 = the single-stream mode (latency per batch), more = the throughput mode', default: 1 },
  },
  async ({ flags }, io) => {
    const backend = await initBackend(flags.backend as BackendName | 'auto');
    const batches = intList(flags.batch, 'batch');
    const bar = io.progress('bench');
    let result: object;
    let human: () => string;
    if (flags.random) {
      const preset = String(flags.preset);
      if (!isPresetName(preset)) throw new UsageError(`--preset "${preset}" is not a preset (micro, tiny, small, base)`);
      const { runExecutorBench } = await import('../../core/bench/executor-bench');
      const r = await runExecutorBench({
        preset, keep: Number(flags.keep), batches, seed: Number(flags.seed), secondsPerBatch: Number(flags.seconds),
        onProgress: (f, m) => bar.update(f, m),
      });
      bar.done();
      result = { ...r, backend: r.backend?.name, backendInfo: r.backend };
      human = () =>
        `backend ${backend.name}; preset ${preset} (random weights), keep ${r.keep}\n` +
        table(
          ['batch', 'static img/s', 'dynamic img/s', 'static p95 ms', 'dynamic p95 ms', 'speedup', 'ideal', 'efficiency', 'efficiency (cpu)', 'static MB', 'dynamic MB'],
          r.batches.map((b) =>
            b.skipped
              ? [b.batchSize, `skipped: ${b.skipped}`, '', '', '', '', '', '', '', '', '']
              : [b.batchSize, fmt(b.static!.imagesPerSec), fmt(b.dynamic!.imagesPerSec), fmt(b.static!.p95Ms), fmt(b.dynamic!.p95Ms), fmt(b.speedup, 2), fmt(b.idealSpeedup, 2), fmt(b.efficiency, 2), fmt(b.efficiencyCpu, 2), mb(b.static!.peakBytes), mb(b.dynamic!.peakBytes)],
          ),
        );
    } else if (typeof flags.model === 'string' && flags.engines) {
      const [{ runEngineBench, renderEngineBench }, { loadModel, datasetFor }, { loadDataset }] = await Promise.all([
        import('../../core/bench/engine-bench'), import('../../core/model'), import('../../core/data'),
      ]);
      const load = async (where: string) => ({ ...(await loadModel(path.resolve(where))), where: path.resolve(where) });
      const dynamicModel = await load(flags.model);
      const staticModel = typeof flags['static-model'] === 'string' ? await load(flags['static-model']) : dynamicModel;
      try {
        const data = await loadDataset(datasetFor(dynamicModel.where, dynamicModel.meta, flags.dataset as string | undefined, '--dataset'));
        const r = await runEngineBench({
          staticModel, dynamicModel, data, batches, ortThreads: intList(flags['ort-threads'], 'ort-threads'),
          secondsPerBatch: Number(flags.seconds), onProgress: (f, m) => bar.update(f, m),
        });
        bar.done();
        result = { ...r, model: dynamicModel.where, staticModel: staticModel.where, backend: backend.name };
        human = () => renderEngineBench(r);
      } finally {
        dynamicModel.model.dispose();
        if (staticModel !== dynamicModel) staticModel.model.dispose();
      }
    } else if (typeof flags.model === 'string' && workersOf(flags, backend.name) > 1) {
      const { runThroughputBench } = await import('../../core/bench/throughput-bench');
      const r = await runThroughputBench({
        model: flags.model, dataset: flags.dataset as string | undefined, split: String(flags.split) as 'test' | 'val', batches,
        secondsPerBatch: Number(flags.seconds), workers: workersOf(flags, backend.name), onProgress: (f, m) => bar.update(f, m),
      });
      bar.done();
      result = r;
      human = () =>
        `backend ${backend.name}; mode throughput: ${r.workers} streams at once\n` +
        table(['batch', 'static img/s', 'dynamic img/s'], r.batches.map((b) => [b.batchSize, fmt(b.static.imagesPerSec), fmt(b.dynamic?.imagesPerSec)]));
    } else if (typeof flags.model === 'string') {
      const { runModelBench, renderModelBench } = await import('../../core/bench/model-bench');
      const r = await runModelBench({
        model: flags.model, staticModel: flags['static-model'] as string | undefined, dataset: flags.dataset as string | undefined,
        split: String(flags.split) as 'test' | 'val', batches, secondsPerBatch: Number(flags.seconds), images: Number(flags.images),
        seed: Number(flags.seed), intervalMs: Number(flags.interval), onProgress: (f, m) => bar.update(f, m),
      });
      bar.done();
      result = r;
      human = () => renderModelBench(r);
    } else {
      throw new UsageError('give --random (executor benchmark) or --model DIR (static versus dynamic on real data)');
    }
    if (typeof flags.out === 'string') await fs.writeFile(flags.out, JSON.stringify(result, null, 2) + '\n');
    io.result(result, human);
    return 0;
  },
);
