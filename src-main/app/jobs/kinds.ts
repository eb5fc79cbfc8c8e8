/**
 * The built-in job kinds. Each imports its core module lazily inside run(), in the worker, so the main
 * thread validates params without loading tfjs, and a core module that is missing or broken fails its
 * own jobs only. Params schemas live in contract/job-params.ts; each result is parsed with its one schema
 * (core/results.ts) before it becomes result.json.
 */
import path from 'node:path';
import { AgentParams, ADAPTER_CHOICES, BACKEND_CHOICES, BenchParams, DatasetFetchParams, EvalParams, ExportParams, SearchParams, TrainParams, type JobParams } from '../contract/job-params';
import { defineKind, type JobContext, type JobRegistry } from './types';
import { BenchResultSchema, EngineBenchResultSchema, EvalResultSchema, ExportResultSchema, parseResult, SearchResultSchema } from '../contract/results';
import type { LoadOptions } from '../../core/data/types';
import { defaultWorkers, workersFor } from '../../core/parallel/threads';
import type { LoopResult } from '../../core/train/loop';
import type { TrainHooks, TrainProgress } from '../../core/train/types';

/** Dataset load options from the training params' data knobs. */
function dataOptions(p: { maxTrainSamples?: number; maxTestSamples?: number; valFraction?: number; classes?: number[] }): LoadOptions {
  return {
    ...(p.valFraction !== undefined ? { valFraction: p.valFraction } : {}),
    ...(p.classes ? { classes: p.classes } : {}),
    limit: { train: p.maxTrainSamples, test: p.maxTestSamples },
  };
}

/** A training's time: this call's, the step it resumed from, and the whole run's over every resume (null: unknown). */
function runTime(r: LoopResult) {
  return { wallSeconds: r.wallSeconds, resumedFromStep: r.resumedFromStep, trainedSeconds: r.trainedSeconds };
}

/** Core training hooks wired to a job context. */
function trainHooks(ctx: JobContext, workers: number, checkpointEvery?: number): TrainHooks {
  return {
    signal: ctx.signal,
    checkpointDir: ctx.checkpointDir,
    resume: ctx.resume,
    workers,
    ...(checkpointEvery ? { checkpointEvery } : {}),
    onProgress(p: TrainProgress) {
      ctx.progress({
        fraction: p.fraction,
        step: p.step,
        epoch: p.epoch,
        ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
        ...(p.message ? { message: p.message } : { message: p.phase }),
        metrics: Object.fromEntries(
          (['loss', 'accuracy', 'meanExecutedCost', 'imagesPerSec'] as const).flatMap((k) => (p[k] !== undefined ? [[k, p[k]!]] : [])),
        ),
      });
    },
    onMetric: (m) => ctx.metric(m),
    onResumed: (step) => ctx.resumedAt(step),
    onCheckpoint: (info) => ctx.checkpointed(info),
  };
}

async function backend(requested: (typeof BACKEND_CHOICES)[number], adapter: (typeof ADAPTER_CHOICES)[number] = 'hardware') {
  const { initBackend } = await import('../../core/backend');
  return initBackend(requested, adapter);
}

const train = defineKind({
  kind: 'train',
  params: TrainParams,
  heavy: true,
  cores: (p) => p.workers ?? defaultWorkers(),
  resumable: true,
  producesModel: true,
  async run(p, ctx) {
    const info = await backend(p.backend, p.adapter);
    const [{ loadDataset }, core, { isPresetName }] = await Promise.all([import('../../core/data/load'), import('../../core/train'), import('../../core/model/config')]);
    if (!isPresetName(p.preset)) throw new Error(`preset "${p.preset}" is not one of micro, tiny, small, base`);
    const data = await loadDataset(p.dataset, dataOptions(p));
    const result = await core.trainStatic(
      {
        data, preset: p.preset, epochs: p.epochs, batchSize: p.batchSize, lr: p.learningRate, weightDecay: p.weightDecay, labelSmoothing: p.labelSmoothing,
        layerDrop: p.layerDrop, augment: p.augment, seed: p.seed, out: ctx.outputModelDir, provenance: { params: p },
      },
      trainHooks(ctx, workersFor(p.workers, info.name), p.checkpointEvery),
    );
    result.model.dispose();
    const test = await core.evaluateSaved(ctx.outputModelDir, data.test, data.info, { mode: 'static', signal: ctx.signal, workers: workersFor(p.workers, info.name) });
    return {
      model: ctx.runId, accuracy: test.accuracy, epochs: result.epochs, steps: result.steps, ...runTime(result),
      bestEpoch: result.best?.epoch ?? null, history: result.history, dataset: data.info.name, backend: info.name,
    };
  },
});

const agent = defineKind({
  kind: 'agent',
  params: AgentParams,
  heavy: true,
  cores: (p) => p.workers ?? defaultWorkers(),
  resumable: true,
  producesModel: true,
  inputModel: (p) => p.model,
  async run(p, ctx) {
    const info = await backend(p.backend, p.adapter);
    const [{ loadDatasetForModel }, core, io] = await Promise.all([
      import('../../core/data/validation-split'),
      import('../../core/train'),
      import('../../core/model/io'),
    ]);
    const from = ctx.modelDir(p.model);
    const { meta } = await io.readModelMeta(from);
    const datasetName = io.datasetFor(`model ${p.model}`, meta, p.dataset, 'dataset');
    const data = await loadDatasetForModel(from, meta.validationSplit, datasetName, dataOptions(p));
    const result = await core.trainAgent(
      {
        data, from, newHead: p.newHead ?? datasetName !== meta.dataset?.name, alpha: p.alpha, gamma: p.gamma, reward: p.reward,
        advantage: p.advantage, epochs: p.epochs, batchSize: p.batchSize, agentLr: p.learningRate, backboneLr: p.backboneLr, entropy: p.entropy,
        freezeBackbone: p.freezeBackbone, seed: p.seed, out: ctx.outputModelDir, provenance: { params: p },
        ...(p.distill !== undefined ? { distill: { weight: p.distill, temperature: p.distillTemperature } } : {}),
        curriculumEpochs: p.curriculumEpochs, consolidationEpochs: p.consolidationEpochs, rewardCosts: p.rewardCosts,
      },
      trainHooks(ctx, workersFor(p.workers, info.name), p.checkpointEvery),
    );
    result.model.dispose();
    const test = await core.evaluateSaved(ctx.outputModelDir, data.test, data.info, { mode: 'dynamic', signal: ctx.signal, workers: workersFor(p.workers, info.name) });
    return {
      model: ctx.runId, accuracy: test.accuracy, meanExecutedCost: test.meanExecutedCost, meanExecutedLayers: test.meanExecutedLayers,
      epochs: result.epochs, steps: result.steps, ...runTime(result), bestEpoch: result.best?.epoch ?? null,
      history: result.history, backend: info.name,
    };
  },
});

const evaluate = defineKind({
  kind: 'eval',
  params: EvalParams,
  heavy: true,
  cores: (p) => p.workers ?? defaultWorkers(),
  resumable: false,
  producesModel: false,
  inputModel: (p) => p.model,
  async run(p, ctx) {
    const info = await backend(p.backend, p.adapter);
    const [{ loadDatasetForModel }, core, io, { loadForInference }, { openEngine }] = await Promise.all([
      import('../../core/data/validation-split'),
      import('../../core/train'),
      import('../../core/model/io'),
      import('../../core/model/inference'),
      import('../../core/inference/open'),
    ]);
    // As its metadata says it runs: an exported point with its own gate bias, costed against the original model.
    const { model, meta, inference } = await loadForInference(ctx.modelDir(p.model), { allowIncomplete: p.allowIncomplete });
    try {
      const datasetName = io.datasetFor(`model ${p.model}`, meta, p.dataset, 'dataset');
      const data = await loadDatasetForModel(`model ${p.model}`, meta.validationSplit, datasetName);
      const mode = p.static ? 'static' : meta.kind;
      const engine = await openEngine(p.engine, model, meta, `model ${p.model}`, { threads: p.threads });
      let r: Awaited<ReturnType<typeof core.evaluateOn>>;
      try {
        r = await core.evaluateOn(engine, data[p.split], data.info, {
          mode,
          inference,
          batchSize: p.batchSize,
          limit: p.maxSamples,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress({ fraction: done / Math.max(1, total), message: `${done}/${total} images` }),
          keepPerSample: p.gallery,
          // Worker threads spread tfjs over the cores; onnxruntime uses its own intra-op threads.
          workers: p.engine === 'tfjs' ? workersFor(p.workers, info.name) : 1,
        }, model);
      } finally {
        await engine.dispose();
      }
      const { perSample, ...result } = r;
      const gallery = perSample ? { gallery: core.buildGallery(data[p.split], perSample, model.depth) } : {};
      return parseResult(
        EvalResultSchema,
        { ...result, classNames: data.info.classNames, ...gallery, model: p.model, dataset: datasetName, split: p.split, mode, backend: info.name, engine: engine.device },
        'evaluation',
      );
    } finally {
      model.dispose();
    }
  },
});

const bench = defineKind({
  kind: 'bench',
  params: BenchParams,
  heavy: true,
  cores: (p) => p.workers ?? 1,
  resumable: false,
  producesModel: false,
  inputModel: (p) => p.model,
  async run(p, ctx) {
    if (p.backends && p.engines) throw new Error('bench: backends (tfjs backends side by side) and engines (tfjs versus onnxruntime) are two comparisons; ask for one');
    if (!p.backends) {
      await backend(p.backend, p.adapter);
      return benchOnce(p, ctx);
    }
    // Backends side by side: one process, the same benchmark on each backend in turn (the first's figures on top).
    const backends: Record<string, unknown>[] = [];
    for (const name of p.backends) {
      await backend(name, p.adapter);
      backends.push(await benchOnce(p, ctx));
    }
    return parseResult(BenchResultSchema, { ...backends[0], backends }, 'benchmark');
  },
});

/** One benchmark on the active backend. */
async function benchOnce(p: JobParams<'bench'>, ctx: JobContext): Promise<Record<string, unknown>> {
  {
    const onProgress = (fraction: number, message: string) => ctx.progress({ fraction, message });
    const budget = p.budgetSeconds !== undefined ? { secondsPerBatch: p.budgetSeconds } : {};
    if (p.model && p.engines) {
      // Engines side by side; the same result as `skipvit bench --model --engines`.
      const [{ runEngineBench }, io, { loadDataset }] = await Promise.all([
        import('../../core/bench/engine-bench'), import('../../core/model/io'), import('../../core/data/load'),
      ]);
      const load = async (id: string) => ({ ...(await io.loadModel(ctx.modelDir(id))), where: `model ${id}` });
      const dynamicModel = await load(p.model);
      const staticModel = p.staticModel ? await load(p.staticModel) : dynamicModel;
      try {
        const data = await loadDataset(io.datasetFor(dynamicModel.where, dynamicModel.meta, p.dataset, 'dataset'));
        const r = await runEngineBench({ staticModel, dynamicModel, data, batches: p.batches, ortThreads: p.ortThreads, signal: ctx.signal, onProgress, ...budget });
        return parseResult(EngineBenchResultSchema, { ...r, model: p.model, ...(p.staticModel ? { staticModel: p.staticModel } : {}) }, 'engine comparison');
      } finally {
        dynamicModel.model.dispose();
        if (staticModel !== dynamicModel) staticModel.model.dispose();
      }
    }
    if (p.model && (p.workers ?? 1) > 1) {
      // Throughput mode: that many streams at once; the same result as `skipvit bench --model --workers N`.
      const { runThroughputBench } = await import('../../core/bench/throughput-bench');
      const r = await runThroughputBench({ model: ctx.modelDir(p.model), dataset: p.dataset, split: p.split, batches: p.batches, workers: p.workers!, signal: ctx.signal, onProgress, ...budget });
      return parseResult(BenchResultSchema, { ...r }, 'benchmark');
    }
    if (p.model) {
      // Static versus dynamic on real data, with telemetry; the same result as `skipvit bench --model`.
      const { runModelBench } = await import('../../core/bench/model-bench');
      return parseResult(BenchResultSchema, {
        ...(await runModelBench({
          model: ctx.modelDir(p.model), staticModel: p.staticModel ? ctx.modelDir(p.staticModel) : undefined, dataset: p.dataset, split: p.split,
          images: p.images, intervalMs: p.intervalMs, batches: p.batches, seed: p.seed, signal: ctx.signal, onProgress, ...budget,
        })),
      }, 'benchmark');
    }
    const [{ runExecutorBench }, { isPresetName }] = await Promise.all([import('../../core/bench/executor-bench'), import('../../core/model/config')]);
    const preset = p.preset ?? 'micro';
    if (!isPresetName(preset)) throw new Error(`preset "${preset}" is not one of micro, tiny, small, base`);
    const r = await runExecutorBench({
      preset, keep: p.keep ?? 0.5, batches: p.batches, seed: p.seed, signal: ctx.signal, onProgress, ...budget,
    });
    return parseResult(BenchResultSchema, { ...r }, 'benchmark');
  }
}

const search = defineKind({
  kind: 'search',
  params: SearchParams,
  heavy: true,
  cores: (p) => (p.latency ? 1 : (p.workers ?? defaultWorkers())),
  resumable: false,
  producesModel: false,
  inputModel: (p) => p.model,
  async run(p, ctx) {
    const info = await backend(p.backend, p.adapter);
    const { runSearch } = await import('../../core/search/vit-search');
    const result = await runSearch(
      {
        model: ctx.modelDir(p.model), dataset: p.dataset, pop: p.pop, gens: p.gens, valImages: p.maxSamples, testImages: p.maxTestSamples,
        alpha: p.alpha, objective: p.objective, latency: p.latency, biasRange: p.biasRange, batchSize: p.batchSize, seed: p.seed, run: ctx.runId,
        engine: p.engine, threads: p.threads,
      },
      {
        signal: ctx.signal,
        workers: workersFor(p.workers, info.name),
        onProgress: (fraction, message) => ctx.progress({ fraction, message }),
        // One metrics record per generation: the studio draws the hypervolume live from these.
        onGeneration: (g) => ctx.metric({ step: g.generation, generation: g.generation, hypervolume: g.hypervolume, frontSize: g.front.length, evaluations: g.evaluations }),
      },
    );
    return parseResult(SearchResultSchema, { ...result, modelId: p.model }, 'search');
  },
});

const exportKind = defineKind({
  kind: 'export',
  params: ExportParams,
  heavy: true, // it runs the exported model over the test split
  resumable: false,
  producesModel: true,
  async run(p, ctx) {
    await backend('auto');
    const [{ RunStore }, { exportPoint }] = await Promise.all([import('../workspace/run-store'), import('../../core/export/export')]);
    const runs = new RunStore(path.join(ctx.workspace, 'runs'));
    const source = runs.read(p.run);
    if (source.kind !== 'search') throw new Error(`run ${p.run} is a ${source.kind} run; export needs a search run`);
    if (source.status !== 'succeeded') throw new Error(`search run ${p.run} is ${source.status}; it has no front yet`);
    const result = runs.readResult(p.run);
    if (!result) throw new Error(`search run ${p.run} has no result.json`);
    const { out, config } = await exportPoint({
      result, point: p.point, out: ctx.outputModelDir, source: { run: p.run }, signal: ctx.signal,
      onProgress: (fraction, message) => ctx.progress({ fraction, message }),
    });
    let onnx: Awaited<ReturnType<typeof import('../../core/onnx/export-file').exportOnnxFile>> | null = null;
    if (p.format === 'onnx') {
      // The exported (pruned) model as one ONNX file beside it, checked in onnxruntime against tfjs.
      const { exportOnnxFile } = await import('../../core/onnx/export-file');
      ctx.progress({ fraction: 0.95, message: 'writing model.onnx' });
      onnx = await exportOnnxFile({ modelDir: out, out: path.join(out, 'model.onnx'), graph: 'dynamic' });
    }
    const m = config.metrics.measured;
    return parseResult(
      ExportResultSchema,
      { onnx, out, config, model: ctx.runId, sourceRun: p.run, point: config.source.point, accuracy: m.accuracy, meanExecutedCost: m.meanExecutedCost, backend: m.backend },
      'export',
    );
  },
});

const datasetFetch = defineKind({
  kind: 'dataset-fetch',
  params: DatasetFetchParams,
  heavy: false, // network and disk, not the tensor backend: it may run beside a training job
  resumable: true, // a partial download is resumed with an HTTP Range request
  producesModel: false,
  async run(p, ctx) {
    const { fetchDataset } = await import('../../core/data/fetch');
    const phases = { download: [0, 0.9], verify: [0.9, 0.95], extract: [0.95, 1] } as const;
    const r = await fetchDataset(p.name, {
      signal: ctx.signal,
      onProgress: ({ phase, done, total }) => {
        const [a, b] = phases[phase];
        const f = total > 0 ? done / total : 0;
        ctx.progress({ fraction: a + (b - a) * f, message: `${phase} ${(done / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB` });
      },
    });
    return { ...r };
  },
});

export const kinds: JobRegistry = { train, agent, eval: evaluate, bench, search, export: exportKind, 'dataset-fetch': datasetFetch };
