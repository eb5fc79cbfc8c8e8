/**
 * What a SkipViT ONNX file says about itself, in the model's metadata_props (string -> string): the input's
 * name, layout and normalisation, the outputs, the graph kind, the classes, the layer costs. The engine reads
 * it back to refuse files it did not write (a foreign or malformed model) with a clear message.
 */
import type { ViTConfig } from '../model/config';

/** Bumped when the graph's inputs or outputs change meaning. */
export const ONNX_FORMAT_VERSION = 1;
export const ONNX_FORMAT = 'skipvit-onnx';

/** Graph input and output names. */
export const IO = {
  images: 'images',
  gateBias: 'gate_bias',
  pruneMask: 'prune_mask',
  logits: 'logits',
  executed: 'executed',
} as const;

export interface OnnxMeta {
  format: typeof ONNX_FORMAT;
  formatVersion: number;
  /** 'static': every layer runs; 'dynamic': per-sample skipping by the gates (inputs gate_bias, prune_mask). */
  graph: 'static' | 'dynamic';
  /** The ViT's config after pruning (depth = layers in the file). */
  config: ViTConfig;
  /** c_l of each layer in the file (the original layers' costs). */
  costs: number[];
  /** Original index of each layer in the file (pruned layers removed). */
  sourceLayers: number[];
  /** Default gate biases of the dynamic graph (the gate_bias input's initial value). */
  gateBias: number[];
  /** How the model's input is made from pixels, and what comes out. */
  input: {
    name: string;
    layout: 'NHWC';
    shape: [string, number, number, number];
    normalisation: string;
    mean: number[];
    std: number[];
  };
  dataset: string | null;
  classNames: string[];
  outputs: Record<string, string>;
}

/** The metadata as ONNX metadata_props entries: one JSON document plus readable copies of the key facts. */
export function metadataProps(meta: OnnxMeta): { key: string; value: string }[] {
  return [
    { key: 'skipvit', value: JSON.stringify(meta) },
    { key: 'input', value: `${meta.input.name}: float32 ${meta.input.layout} [${meta.input.shape.join(', ')}]` },
    { key: 'normalisation', value: meta.input.normalisation },
    { key: 'outputs', value: Object.entries(meta.outputs).map(([k, v]) => `${k}: ${v}`).join('; ') },
    { key: 'classes', value: meta.classNames.join(', ') },
  ];
}

/**
 * The SkipViT metadata of a decoded model's metadata_props, or an explanation of why there is none.
 * `where` names the file in messages.
 */
export function readMetadata(props: { key?: string | null; value?: string | null }[], where: string): OnnxMeta {
  const entry = props.find((p) => p.key === 'skipvit');
  if (!entry?.value) {
    throw new Error(`${where}: an ONNX model, but not one exported by SkipViT Studio (no "skipvit" metadata); export one with skipvit export --format onnx`);
  }
  let meta: OnnxMeta;
  try {
    meta = JSON.parse(entry.value) as OnnxMeta;
  } catch (err) {
    throw new Error(`${where}: its "skipvit" metadata is not valid JSON (${(err as Error).message})`);
  }
  if (meta.format !== ONNX_FORMAT) throw new Error(`${where}: "skipvit" metadata of format ${JSON.stringify(meta.format)}, expected "${ONNX_FORMAT}"`);
  if (meta.formatVersion !== ONNX_FORMAT_VERSION) {
    throw new Error(`${where}: SkipViT ONNX format version ${JSON.stringify(meta.formatVersion)} is not supported (this build reads ${ONNX_FORMAT_VERSION})`);
  }
  if (meta.graph !== 'static' && meta.graph !== 'dynamic') throw new Error(`${where}: unknown graph kind ${JSON.stringify(meta.graph)}`);
  if (!meta.config || !Array.isArray(meta.costs) || meta.costs.length !== meta.config.depth) {
    throw new Error(`${where}: "skipvit" metadata lacks the config or per-layer costs`);
  }
  return meta;
}
