/**
 * Training checkpoints: the model, every optimiser's moments, the RNG state and the data position, so a
 * resumed run continues exactly. Each checkpoint is a complete folder `ckpt-<step>/`; `latest.json` is
 * replaced atomically only after the folder is complete, so a crash mid-write leaves the previous one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel, type ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { writeFileAtomic } from '../util/atomic';
import type { AdamW } from './adamw';

export const CHECKPOINT_SCHEMA_VERSION = 1;

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
  const name = `ckpt-${String(pos.step).padStart(8, '0')}`;
  const folder = path.join(dir, name);
  await fs.rm(folder, { recursive: true, force: true });
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
  await writeFileAtomic(path.join(folder, 'state.json'), JSON.stringify(state));
  await writeFileAtomic(path.join(dir, 'latest.json'), JSON.stringify({ checkpoint: name, step: pos.step }));
  // Older checkpoints are dropped only once the new one is the latest.
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('ckpt-') && entry !== name) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  return folder;
}

/** The latest complete checkpoint in dir, or null when there is none. */
export async function latestCheckpoint(dir: string): Promise<string | null> {
  try {
    const { checkpoint } = JSON.parse(await fs.readFile(path.join(dir, 'latest.json'), 'utf8'));
    const folder = path.join(dir, String(checkpoint));
    await fs.access(path.join(folder, 'state.json'));
    return folder;
  } catch {
    return null;
  }
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
