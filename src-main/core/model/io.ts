/**
 * Save and load in the standard tfjs layout: `model.json` (topology + weightsManifest) and `weights.bin`
 * (all weights concatenated, as tf.io.encodeWeights writes them). Our config travels inside
 * `modelTopology.skipvit`, with a schema version; anything else is refused with a clear message.
 *
 * Integrity: the block records `complete` (false while training writes its best-so-far weights) and the
 * sha256 of weights.bin. Loading refuses an incomplete model (unless asked), a checksum mismatch and
 * weights holding NaN or Infinity. Models written before these fields existed load as complete, unchecked.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validateConfig, type ViTConfig } from './config';
import { layerCosts } from './costs';
import { initParams } from './params';
import { ViT } from './vit';
import { writeFileAtomic } from '../util/atomic';
import type { ValidationSplit } from '../data/types';

export const MODEL_SCHEMA_VERSION = 1;

/** What a model folder says about itself besides its weights. */
export interface ModelMeta {
  schemaVersion: number;
  /** 'static': backbone trained alone (agent untrained); 'dynamic': agent trained. */
  kind: 'static' | 'dynamic';
  config: ViTConfig;
  /** c_l of each layer of this model (for an exported model, the original layers' costs). */
  costs: number[];
  /** Per-layer gate bias applied at inference (a chosen NSGA-II point); absent = zeros. */
  gateBias?: number[];
  /** For an exported model with pruned layers removed: the original index of each remaining layer. */
  sourceLayers?: number[];
  /** Original depth before pruning (exported models). */
  sourceDepth?: number;
  /** c_l of every layer of the original model (exported models): executed cost is a fraction of their sum. */
  sourceCosts?: number[];
  /** The data the model expects (name, classes, preprocessing). */
  dataset?: {
    name: string;
    classNames: string[];
    height: number;
    width: number;
    channels: number;
    mean: number[];
    std: number[];
  };
  /** The validation split the model was trained against (its best epoch chosen on): every later validation figure
   *  must use the same images (data/validation-split.ts). Absent on models trained before it was recorded. */
  validationSplit?: ValidationSplit;
  /** False while training writes its best-so-far weights here; saveModel writes true unless told false. */
  complete?: boolean;
  /** sha256 (hex) of weights.bin, written by saveModel and checked on load. */
  weightsSha256?: string;
  /** Free-form provenance: command, backend, epochs, metrics... */
  [key: string]: unknown;
}

export class ModelFormatError extends Error {}

export interface LoadModelOptions {
  /** Load a model whose training has not finished (its best-so-far weights); default false. */
  allowIncomplete?: boolean;
}

/**
 * The dataset to run a model on: the one asked for, else the one the model's metadata names.
 * `howToAsk` tells the user how to name one (a CLI flag, a job parameter) when neither is there.
 */
export function datasetFor(modelDir: string, meta: ModelMeta, asked: string | undefined, howToAsk: string): string {
  const name = asked ?? meta.dataset?.name;
  if (!name) throw new Error(`${modelDir}: the model does not name its dataset; pass ${howToAsk}`);
  return name;
}

export function defaultMeta(model: ViT, kind: ModelMeta['kind']): ModelMeta {
  return { schemaVersion: MODEL_SCHEMA_VERSION, kind, config: model.config, costs: model.costs };
}

export async function saveModel(dir: string, model: ViT, meta: ModelMeta): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const named: tf.NamedTensorMap = {};
  for (const [name, v] of model.variables()) named[name] = v;
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = new Uint8Array(data as ArrayBuffer);
  const integrity = { complete: meta.complete ?? true, weightsSha256: sha256(bytes) };
  const json = {
    format: 'skipvit',
    generatedBy: `SkipViT Studio (tfjs ${tf.version.tfjs})`,
    convertedBy: null,
    modelTopology: { skipvit: { ...meta, costs: model.costs, config: model.config, ...integrity } },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  // Weights first, then the manifest that points to them: a crash between the two leaves the old
  // model.json, which still describes complete weights of the old size only if nothing changed shape;
  // load() verifies the byte length and the checksum, so a mismatch is caught, never silently read.
  await writeFileAtomic(path.join(dir, 'weights.bin'), bytes);
  await writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json, null, 1));
}

/** Marks a model saved with `complete: false` as complete (its producer finished); the weights are untouched. */
export async function markComplete(dir: string): Promise<void> {
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(await fs.readFile(file, 'utf8'));
  if (json.modelTopology.skipvit.complete === true) return;
  json.modelTopology.skipvit.complete = true;
  await writeFileAtomic(file, JSON.stringify(json, null, 1));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The first weight holding NaN or Infinity, with how many such values, or null. */
function nonFinite(bytes: Uint8Array, specs: tf.io.WeightsManifestEntry[]): { name: string; bad: number; size: number } | null {
  let offset = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.dtype === 'float32') {
      const start = bytes.byteOffset + offset;
      const values = start % 4 === 0 ? new Float32Array(bytes.buffer, start, size) : new Float32Array(bytes.slice(offset, offset + size * 4).buffer);
      let bad = 0;
      for (let i = 0; i < size; i++) if (!Number.isFinite(values[i])) bad++;
      if (bad > 0) return { name: s.name, bad, size };
    }
    offset += size * (s.dtype === 'bool' ? 1 : 4);
  }
  return null;
}

function fail(dir: string, what: string): never {
  throw new ModelFormatError(`${path.join(dir, 'model.json')}: ${what}`);
}

/** Reads and checks model.json; no weights are read. */
export async function readModelMeta(dir: string): Promise<{ meta: ModelMeta; specs: tf.io.WeightsManifestEntry[]; weightsFile: string }> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'model.json'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(dir, 'not found (a model folder holds model.json and weights.bin)');
    throw err;
  }
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail(dir, `not valid JSON (${(err as Error).message})`);
  }
  const meta = json?.modelTopology?.skipvit;
  if (!meta || typeof meta !== 'object') {
    fail(dir, 'not a SkipViT model (no modelTopology.skipvit; a Keras or graph model cannot be loaded here)');
  }
  if (meta.schemaVersion !== MODEL_SCHEMA_VERSION) {
    fail(dir, `schema version ${JSON.stringify(meta.schemaVersion)} is not supported (this build reads ${MODEL_SCHEMA_VERSION})`);
  }
  try {
    validateConfig(meta.config);
  } catch (err) {
    fail(dir, (err as Error).message);
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !Array.isArray(manifest[0].paths) || manifest[0].paths.length !== 1) {
    fail(dir, 'weightsManifest must name exactly one weights file');
  }
  const weightsFile = String(manifest[0].paths[0]);
  if (weightsFile.includes('/') || weightsFile.includes('\\')) fail(dir, `weights path "${weightsFile}" must be a plain file name`);
  if (!Array.isArray(meta.costs) || meta.costs.length !== meta.config.depth) meta.costs = layerCosts(meta.config);
  return { meta: meta as ModelMeta, specs: manifest[0].weights, weightsFile };
}

function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number {
  const size: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (size[s.dtype] ?? 4), 0);
}

export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<{ model: ViT; meta: ModelMeta }> {
  const { meta, specs, weightsFile } = await readModelMeta(dir);
  if (meta.complete === false && !opts.allowIncomplete) {
    const epoch = typeof meta.bestEpoch === 'number' ? ` (epoch ${meta.bestEpoch})` : '';
    fail(
      dir,
      `the model is incomplete: training wrote these best-so-far weights${epoch} and has not finished; ` +
        'resume its run to finish it, or pass --allow-incomplete (skipvit eval, predict) to use them',
    );
  }
  const wpath = path.join(dir, weightsFile);
  let buf: Buffer;
  try {
    buf = await fs.readFile(wpath);
  } catch {
    throw new ModelFormatError(`${wpath}: missing (model.json names it as the weights file)`);
  }
  const want = expectedBytes(specs);
  if (buf.byteLength !== want) {
    throw new ModelFormatError(`${wpath}: ${buf.byteLength} bytes, but model.json describes ${want} (truncated or from another model)`);
  }
  const ab = new Uint8Array(buf).buffer; // a copy that owns exactly these bytes
  if (typeof meta.weightsSha256 === 'string') {
    const got = sha256(new Uint8Array(ab));
    if (got !== meta.weightsSha256) {
      throw new ModelFormatError(`${wpath}: checksum mismatch (sha256 ${got}, model.json records ${meta.weightsSha256}): the file is corrupt or belongs to another model`);
    }
  }
  const broken = nonFinite(new Uint8Array(ab), specs);
  if (broken) {
    throw new ModelFormatError(
      `${wpath}: weight "${broken.name}" holds ${broken.bad} non-finite values (NaN or Infinity) of ${broken.size}: training diverged or the file is corrupt`,
    );
  }
  const tensors = tf.io.decodeWeights(ab, specs);
  const params = initParams(meta.config, 0);
  const model = new ViT(meta.config, params, meta.costs);
  try {
    for (const [name, v] of model.variables()) {
      const t = tensors[name];
      if (!t) throw new ModelFormatError(`${wpath}: weight "${name}" is missing`);
      if (t.shape.join('x') !== v.shape.join('x')) {
        throw new ModelFormatError(`${wpath}: weight "${name}" has shape [${t.shape}], the config needs [${v.shape}]`);
      }
      v.assign(t);
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return { model, meta };
}
