/**
 * Opens the inference engine a user chose for a loaded model. onnxruntime is imported only when asked for,
 * so the tfjs paths never load its native binding.
 */
import type { ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { ENGINE_NAMES, tfjsEngine, type EngineName, type InferenceEngine } from './engine';

export type { EngineDevice, EngineName, InferenceEngine } from './engine';

export interface OpenEngineOptions {
  /** onnxruntime intra-op threads; default the machine's cores. */
  threads?: number;
}

export function isEngineName(s: string): s is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(s);
}

/**
 * The engine over a loaded model (the caller keeps the model and disposes it after the engine). `where`
 * names the model in messages. The model's recorded gate biases are the dynamic runs' default.
 */
export async function openEngine(name: EngineName, model: ViT, meta: ModelMeta, where: string, opts: OpenEngineOptions = {}): Promise<InferenceEngine> {
  if (name === 'tfjs') return tfjsEngine(model, meta.gateBias);
  if (name === 'ort') {
    const { ortEngineForModel } = await import('../onnx/ort-engine');
    return ortEngineForModel(model, meta, where, { threads: opts.threads });
  }
  throw new Error(`unknown inference engine "${String(name)}"; use one of ${ENGINE_NAMES.join(', ')}`);
}
