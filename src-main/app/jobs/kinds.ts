/**
 * The built-in job kinds. Each imports its core module lazily inside run(), in the worker, so the main
 * thread validates params without loading tfjs, and a core module that is missing or broken fails its
 * own jobs only. Params schemas live in params.ts (pure, shared with the renderer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AgentParams, EvalParams, TrainParams } from './params';
import { defineKind, type JobContext, type JobRegistry } from './types';
import type { TrainHooks, TrainProgress } from '../../core/train/types';

/** Core training hooks wired to a job context; the checkpoint step is read from the core's latest.json. */
function trainHooks(ctx: JobContext): TrainHooks {
  const latest = path.join(ctx.checkpointDir, 'latest.json');
  let reported = -1;
  const reportCheckpoint = () => {
    try {
      const { step } = JSON.parse(fs.readFileSync(latest, 'utf8')) as { step: number };
      if (step !== reported) ctx.checkpointed({ step });
      reported = step;
    } catch {
      // no checkpoint yet
    }
  };
  return {
    signal: ctx.signal,
    checkpointDir: ctx.checkpointDir,
    resume: ctx.resume,
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
      reportCheckpoint();
    },
    onMetric: (m) => ctx.metric(m),
  };
}

async function backend() {
  const { initBackend } = await import('../../core/backend');
  return initBackend();
}

const train = defineKind({
  kind: 'train',
  params: TrainParams,
  heavy: true,
  resumable: true,
  producesModel: true,
  async run(p, ctx) {
    const info = await backend();
    const [{ loadDataset }, core] = await Promise.all([import('../../core/data/load'), import('../../core/train')]);
    const data = await loadDataset(p.dataset, p.maxTrainSamples ? { limit: { train: p.maxTrainSamples } } : {});
    const preset = p.preset as Parameters<typeof core.trainStatic>[0]['preset'];
    const result = await core.trainStatic(
      { data, preset, epochs: p.epochs, batchSize: p.batchSize, lr: p.learningRate, seed: p.seed, out: ctx.outputModelDir },
      trainHooks(ctx),
    );
    result.model.dispose();
    const { model } = await (await import('../../core/model/io')).loadModel(ctx.outputModelDir);
    const test = await core.evaluate(model, data.test, data.info, { mode: 'static', signal: ctx.signal });
    model.dispose();
    return { model: ctx.runId, accuracy: test.accuracy, epochs: result.epochs, steps: result.steps, wallSeconds: result.wallSeconds, history: result.history, backend: info.name };
  },
});

const agent = defineKind({
  kind: 'agent',
  params: AgentParams,
  heavy: true,
  resumable: true,
  producesModel: true,
  inputModel: (p) => p.model,
  async run(p, ctx) {
    const info = await backend();
    const [{ loadDataset }, core, io] = await Promise.all([
      import('../../core/data/load'),
      import('../../core/train'),
      import('../../core/model/io'),
    ]);
    const from = ctx.modelDir(p.model);
    const { meta } = await io.readModelMeta(from);
    const datasetName = p.dataset ?? meta.dataset?.name;
    if (!datasetName) throw new Error(`model ${p.model} does not say which dataset it was trained on; pass dataset`);
    const data = await loadDataset(datasetName, p.maxTrainSamples ? { limit: { train: p.maxTrainSamples } } : {});
    const result = await core.trainAgent(
      {
        data, from, newHead: datasetName !== meta.dataset?.name, alpha: p.alpha, gamma: p.gamma, epochs: p.epochs,
        batchSize: p.batchSize, agentLr: p.learningRate, seed: p.seed, out: ctx.outputModelDir,
      },
      trainHooks(ctx),
    );
    result.model.dispose();
    const { model } = await io.loadModel(ctx.outputModelDir);
    const test = await core.evaluate(model, data.test, data.info, { mode: 'dynamic', signal: ctx.signal });
    model.dispose();
    return {
      model: ctx.runId, accuracy: test.accuracy, meanExecutedCost: test.meanExecutedCost, epochs: result.epochs,
      steps: result.steps, wallSeconds: result.wallSeconds, history: result.history, backend: info.name,
    };
  },
});

const evaluate = defineKind({
  kind: 'eval',
  params: EvalParams,
  heavy: true,
  resumable: false,
  producesModel: false,
  inputModel: (p) => p.model,
  async run(p, ctx) {
    const info = await backend();
    const [{ loadDataset }, core, io] = await Promise.all([
      import('../../core/data/load'),
      import('../../core/train'),
      import('../../core/model/io'),
    ]);
    const { model, meta } = await io.loadModel(ctx.modelDir(p.model));
    const datasetName = p.dataset ?? meta.dataset?.name;
    if (!datasetName) throw new Error(`model ${p.model} does not say which dataset it was trained on; pass dataset`);
    const data = await loadDataset(datasetName);
    const r = await core.evaluate(model, data[p.split], data.info, {
      mode: meta.kind,
      batchSize: p.batchSize,
      limit: p.maxSamples,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ fraction: done / Math.max(1, total), message: `${done}/${total} images` }),
    });
    model.dispose();
    const { perSample: _p, ...result } = r;
    return { ...result, model: p.model, dataset: datasetName, split: p.split, backend: info.name };
  },
});

export const kinds: JobRegistry = { train, agent, eval: evaluate };
