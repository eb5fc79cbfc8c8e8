/**
 * Training checkpoints: the model, every optimiser's moments, the RNG state and the data position, so a
 * resumed run continues exactly. Each checkpoint is a complete folder `ckpt-<step>[-<n>]/` written under a
 * name no other checkpoint has (two checkpoints can share a step: mid-epoch and end-of-epoch), with
 * state.json written last; `latest.json` is replaced atomically only after the folder is complete, and
 * older folders are deleted only after that, so a kill at any moment leaves a complete checkpoint.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel, type ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { writeFileAtomic } from '../util/atomic';
import type { AdamW } from './adamw';

export const CHECKPOINT_SCHEMA_VERSION = 1;
const CKPT_PREFIX = 'ckpt-';
const STATE_FILE = 'state.json';
const LATEST_FILE = 'latest.json';

export interface TrainPosition {
  /** Optimiser steps done so far. */
  step: number;
  /** Epoch in progress (0-based) and the next batch index within it. */
  epoch: number;
  batchInEpoch: number;
  /** State of the training RNG (action sampling). */
  rngState: number;
  /** Best validation metric so far and its epoch (best-checkpoint keeping). */
  best: { value: number; epoch: number } | null;
  /** Per-epoch history, carried so a resumed run reports the whole curve. */
  history: Record<string, number>[];
  /**
   * Seconds the loop has run to reach this position, summed over resumes, so a resumed run reports its
   * whole wall time. Absent in checkpoints written before it was kept: the time before them is unknown.
   */
  trainedSeconds?: number;
}

interface StateFile extends TrainPosition {
  schemaVersion: number;
  optimizers: Record<string, { step: number; specs: tf.io.WeightsManifestEntry[] }>;
}

export async function saveCheckpoint(
  dir: string,
  model: ViT,
  meta: ModelMeta,
  optimizers: Record<string, AdamW>,
  pos: TrainPosition,
): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const name = await freshName(dir, `ckpt-${String(pos.step).padStart(8, '0')}`);
  const folder = path.join(dir, name);
  try {
    await saveModel(folder, model, meta);
    const opt: StateFile['optimizers'] = {};
    for (const [key, o] of Object.entries(optimizers)) {
      const s = o.state();
      const named: tf.NamedTensorMap = {};
      for (const [n, t] of Object.entries(s.m)) named[`m/${n}`] = t;
      for (const [n, t] of Object.entries(s.v)) named[`v/${n}`] = t;
      const { data, specs } = await tf.io.encodeWeights(named);
      await writeFileAtomic(path.join(folder, `optimizer-${key}.bin`), new Uint8Array(data as ArrayBuffer));
      opt[key] = { step: s.step, specs };
    }
    const state: StateFile = { schemaVersion: CHECKPOINT_SCHEMA_VERSION, ...pos, optimizers: opt };
    await writeFileAtomic(path.join(folder, STATE_FILE), JSON.stringify(state));
    await writeFileAtomic(path.join(dir, LATEST_FILE), JSON.stringify({ checkpoint: name, step: pos.step }));
  } catch (err) {
    // A failed write (a full disk) leaves no half-written folder behind; latest.json still names the last one.
    await fs.rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  // Older checkpoints are dropped only once the new one is the latest.
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith(CKPT_PREFIX) && entry !== name) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  return folder;
}

/** `base`, or `base-1`, `base-2`... whichever no folder in dir has yet. */
async function freshName(dir: string, base: string): Promise<string> {
  const taken = new Set(await fs.readdir(dir));
  let name = base;
  for (let n = 1; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

/** A checkpoint folder's step when it is complete (state.json written and readable), else null. */
async function completeStep(folder: string): Promise<number | null> {
  try {
    const state = JSON.parse(await fs.readFile(path.join(folder, STATE_FILE), 'utf8')) as { step?: unknown };
    return typeof state.step === 'number' ? state.step : null;
  } catch {
    return null;
  }
}

/**
 * The latest complete checkpoint in dir, or null when none was ever completed (no latest.json: a fresh
 * start). When the one latest.json names is unusable, the newest other complete one is taken; when there
 * is none, this throws rather than let a resume silently start again from step 0.
 */
export async function latestCheckpoint(dir: string): Promise<string | null> {
  let named: string;
  try {
    named = String((JSON.parse(await fs.readFile(path.join(dir, LATEST_FILE), 'utf8')) as { checkpoint?: unknown }).checkpoint);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    named = `(unreadable: ${(err as Error).message})`;
  }
  if (named.startsWith(CKPT_PREFIX) && !named.includes('/') && (await completeStep(path.join(dir, named))) !== null) return path.join(dir, named);
  let best: { folder: string; step: number } | null = null;
  for (const entry of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!entry.startsWith(CKPT_PREFIX)) continue;
    const step = await completeStep(path.join(dir, entry));
    if (step !== null && (!best || step > best.step)) best = { folder: path.join(dir, entry), step };
  }
  if (best) return best.folder;
  throw new Error(
    `${dir}: latest.json names ${named}, which is incomplete (no readable ${STATE_FILE}), and no other complete checkpoint is there; ` +
      `refusing to start again from step 0 (delete ${dir} to start over)`,
  );
}

export interface LoadedCheckpoint {
  model: ViT;
  meta: ModelMeta;
  position: TrainPosition;
  /** Restores the saved moments into optimisers built over `model`'s variables. */
  restoreOptimizers(optimizers: Record<string, AdamW>): Promise<void>;
}

export async function loadCheckpoint(folder: string): Promise<LoadedCheckpoint> {
  const state: StateFile = JSON.parse(await fs.readFile(path.join(folder, 'state.json'), 'utf8'));
  if (state.schemaVersion !== CHECKPOINT_SCHEMA_VERSION) {
    throw new Error(`${folder}/state.json: checkpoint schema ${state.schemaVersion} is not supported (this build reads ${CHECKPOINT_SCHEMA_VERSION})`);
  }
  const { model, meta } = await loadModel(folder);
  const { optimizers: optSpecs, schemaVersion: _v, ...position } = state;
  return {
    model,
    meta,
    position,
    async restoreOptimizers(optimizers) {
      for (const [key, o] of Object.entries(optimizers)) {
        const saved = optSpecs[key];
        if (!saved) throw new Error(`${folder}: no saved state for optimiser "${key}"`);
        const buf = await fs.readFile(path.join(folder, `optimizer-${key}.bin`));
        const tensors = tf.io.decodeWeights(new Uint8Array(buf).buffer, saved.specs);
        const m: Record<string, tf.Tensor> = {};
        const v: Record<string, tf.Tensor> = {};
        for (const [n, t] of Object.entries(tensors)) (n.startsWith('m/') ? m : v)[n.slice(2)] = t;
        o.restore({ step: saved.step, m, v });
        tf.dispose(Object.values(tensors));
      }
    },
  };
}
