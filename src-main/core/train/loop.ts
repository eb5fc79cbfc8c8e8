/**
 * The training loop shared by the static trainer and the agent trainer: epochs of seeded batches,
 * a step function supplied by the caller, validation each epoch with best-model keeping, checkpoints
 * every N steps and at each epoch's end, exact resume, cancel within one step, progress and metrics.
 */
import * as tf from '@tensorflow/tfjs';
import { checkDevice } from '../backend';
import { batchesPerEpoch, createBatchStream, type Dataset } from '../data';
import { markComplete, saveModel, type ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { Rng } from '../util/rng';
import { TrainPool, WorkerFailedError } from '../parallel/train-pool';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, type TrainPosition } from './checkpoint';
import { createStepper, stepInProcess, type StepMetrics, type StepPlan, type Stepper } from './stepper';
import { CancelledError } from '../util/cancel';
import type { MetricRecord, TrainHooks } from './types';

export interface LoopSpec {
  model: ViT;
  meta: ModelMeta;
  data: Dataset;
  epochs: number;
  batchSize: number;
  seed: number;
  augment: boolean;
  /** What each step does (plain data: worker threads build their own stepper from it). */
  plan: StepPlan;
  /** Validation at the end of each epoch; `score` (higher is better) selects the best model. */
  validate(epoch: number): Promise<{ score: number; metrics: Record<string, number> }>;
  /** The best model is written here. */
  out: string;
  hooks: TrainHooks;
}

export interface LoopResult {
  steps: number;
  epochs: number;
  history: Record<string, number>[];
  best: { value: number; epoch: number } | null;
  /** Seconds this call ran (from its resume, when it resumed). */
  wallSeconds: number;
  /** Step the call resumed from (0: a fresh run). */
  resumedFromStep: number;
  /** Seconds of the whole run over every resume; null when it resumed from a checkpoint that did not keep them. */
  trainedSeconds: number | null;
  /** True when cancelled or stopped early by stopAfterSteps (a checkpoint was left). */
  stoppedEarly: boolean;
}

/**
 * Runs the loop. With hooks.resume and a checkpoint present, the model's weights, the optimisers and
 * the position are restored first (the caller builds model and optimisers as for a fresh run).
 */
export async function runLoop(spec: LoopSpec): Promise<LoopResult> {
  const stepper = await createStepper(spec.model, spec.plan);
  try {
    return await loop(spec, stepper);
  } finally {
    stepper.dispose();
  }
}

async function loop(spec: LoopSpec, stepper: Stepper): Promise<LoopResult> {
  const { model, data, hooks } = spec;
  const ckptDir = hooks.checkpointDir ?? `${spec.out}/checkpoints`;
  const perEpoch = batchesPerEpoch(data.train, spec.batchSize, true);
  checkTrainable(data, spec.batchSize, perEpoch);
  const totalSteps = perEpoch * spec.epochs;
  const rng = new Rng(spec.seed ^ 0x9e3779b9);
  let pos: TrainPosition = { step: 0, epoch: 0, batchInEpoch: 0, rngState: rng.state(), best: null, history: [] };
  const optimizers = stepper.optimizers;

  if (hooks.resume) {
    const folder = await latestCheckpoint(ckptDir);
    if (folder) {
      const ck = await loadCheckpoint(folder);
      for (const [name, v] of model.variables()) v.assign(ck.model.variables().get(name)!);
      ck.model.dispose();
      await ck.restoreOptimizers(optimizers);
      pos = ck.position;
      rng.setState(pos.rngState);
    }
    hooks.onResumed?.(pos.step);
  }

  const { height: H, width: W, channels: C } = data.train;
  const workers = hooks.workers ?? 1;
  // More than one worker: data-parallel replicas in threads; the main model is brought up to date (pull)
  // only before it is read. One worker: the step runs here, as it always has.
  const pool = workers > 1
    ? await TrainPool.start({ workers, model, plan: spec.plan, stepper, batchSize: spec.batchSize, image: [H, W, C], ...hooks.parallel })
    : null;
  try {
    return await epochs(spec, stepper, pool, pos, rng, { ckptDir, perEpoch, totalSteps, optimizers });
  } catch (err) {
    if (err instanceof WorkerFailedError) {
      throw new WorkerFailedError(`${err.message}; the run stopped and its last checkpoint in ${ckptDir} is intact (resume continues from it)`);
    }
    throw err;
  } finally {
    await pool?.close();
  }
}

async function epochs(
  spec: LoopSpec, stepper: Stepper, pool: TrainPool | null, pos: TrainPosition, rng: Rng,
  ctx: { ckptDir: string; perEpoch: number; totalSteps: number; optimizers: Stepper['optimizers'] },
): Promise<LoopResult> {
  const { model, data, hooks } = spec;
  const { ckptDir, perEpoch, totalSteps, optimizers } = ctx;
  const { height: H, width: W, channels: C } = data.train;
  const started = performance.now();
  const stepsAtStart = pos.step;
  const secondsBefore = stepsAtStart === 0 ? 0 : (pos.trainedSeconds ?? null);
  const elapsed = () => (performance.now() - started) / 1000;
  const trained = () => (secondsBefore === null ? undefined : secondsBefore + elapsed());
  const result = (stoppedEarly: boolean, epochsDone: number): LoopResult => {
    const wallSeconds = elapsed();
    return {
      steps: pos.step, epochs: epochsDone, history: pos.history, best: pos.best, wallSeconds,
      resumedFromStep: stepsAtStart, trainedSeconds: secondsBefore === null ? null : secondsBefore + wallSeconds, stoppedEarly,
    };
  };
  let ips = 0;
  const sync = async () => pool?.pull();
  /**
   * Saves the position (by default the current one) and tells the caller once the checkpoint is complete;
   * a position just saved (a cancel right after a periodic checkpoint) is not written twice.
   */
  let saved = '';
  const checkpoint = async (at: TrainPosition = pos) => {
    const key = `${at.step}/${at.epoch}/${at.batchInEpoch}`;
    if (key === saved) return;
    await sync();
    await saveCheckpoint(ckptDir, model, spec.meta, optimizers, { ...at, rngState: rng.state(), trainedSeconds: trained() });
    saved = key;
    hooks.onCheckpoint?.({ step: at.step, epoch: at.epoch });
  };
  const every = hooks.checkpointEvery ?? 200;

  for (; pos.epoch < spec.epochs; pos.epoch++, pos.batchInEpoch = 0) {
    const stream = createBatchStream(data.train, data.info, {
      batchSize: spec.batchSize,
      shuffle: true,
      augment: spec.augment,
      seed: spec.seed,
      epoch: pos.epoch,
      startBatch: pos.batchInEpoch,
      dropLast: true,
    });
    for await (const batch of stream) {
      if (hooks.signal?.aborted || (hooks.stopAfterSteps !== undefined && pos.step >= hooks.stopAfterSteps)) {
        await stream.return?.();
        await checkpoint();
        if (hooks.signal?.aborted) throw new CancelledError();
        return result(true, pos.epoch);
      }
      const t0 = performance.now();
      const draws = stepper.draw(rng, batch.size);
      let m: StepMetrics;
      if (pool) m = await pool.step(batch.x, batch.y, draws, pos.step);
      else {
        const x = tf.tensor4d(batch.x, [batch.size, H, W, C]);
        try {
          m = await stepInProcess(stepper, x, batch.y, draws, pos.step);
          checkDevice();
        } finally {
          x.dispose();
        }
      }
      pos.step++;
      pos.batchInEpoch++;
      const dt = (performance.now() - t0) / 1000;
      ips = ips === 0 ? batch.size / dt : 0.9 * ips + 0.1 * (batch.size / dt);
      const eta = ((totalSteps - pos.step) * elapsed()) / Math.max(1, pos.step - stepsAtStart);
      hooks.onProgress?.({
        phase: 'train', step: pos.step, totalSteps, epoch: pos.epoch, epochs: spec.epochs,
        fraction: pos.step / totalSteps, loss: m.loss, accuracy: m.accuracy, meanExecutedCost: m.executedCost,
        imagesPerSec: ips, etaSeconds: eta,
      });
      if (pos.step % 10 === 0 || pos.step === 1) {
        hooks.onMetric?.({ kind: 'step', step: pos.step, epoch: pos.epoch, time: Date.now(), imagesPerSec: ips, ...m } as MetricRecord);
      }
      if (pos.step % every === 0) await checkpoint();
    }
    hooks.onProgress?.({ phase: 'validate', step: pos.step, totalSteps, epoch: pos.epoch, epochs: spec.epochs, fraction: pos.step / totalSteps, message: 'validating' });
    await sync();
    const v = await spec.validate(pos.epoch);
    const record = { epoch: pos.epoch + 1, step: pos.step, ...v.metrics };
    pos.history.push(record);
    hooks.onMetric?.({ kind: 'epoch', time: Date.now(), ...record } as MetricRecord);
    if (!pos.best || v.score > pos.best.value) {
      pos.best = { value: v.score, epoch: pos.epoch + 1 };
      // Marked incomplete until the loop ends: a stopped or killed run leaves best-so-far weights, not a model.
      await saveModel(spec.out, model, { ...spec.meta, bestEpoch: pos.epoch + 1, validation: v.metrics, complete: false });
    }
    pos.batchInEpoch = perEpoch;
    // The end-of-epoch checkpoint points at the next epoch's start.
    await checkpoint({ ...pos, epoch: pos.epoch + 1, batchInEpoch: 0 });
  }
  await markComplete(spec.out);
  return result(false, spec.epochs);
}

/** A run that would train nothing (or never validate) fails before it starts, saying what is short. */
function checkTrainable(data: Dataset, batchSize: number, perEpoch: number): void {
  const { name } = data.info;
  const n = data.train.count;
  if (perEpoch === 0) {
    const fix = n === 0 ? 'the training split is empty' : `use a batch size of at most ${n} or more images`;
    throw new Error(`${name}: ${n} training images make no batch of ${batchSize}: training would take zero steps; ${fix}`);
  }
  if (data.val.count === 0) throw new Error(`${name}: the validation split is empty, so no model could be chosen; use more images or a larger validation fraction`);
}
