/**
 * The onnxruntime inference engine (SPEC 4): a SkipViT ONNX file in an ORT session, with the execution
 * provider chosen and recorded (CPU here; CUDA, DirectML or CoreML where the installed onnxruntime-node has
 * them, and why not where it has not) and intra-op threads = the machine's cores unless set.
 *
 * A file is checked before ORT sees it: it must decode as an ONNX model and carry SkipViT's metadata, so a
 * truncated, corrupt or foreign file is refused with a message naming the file and what is wrong.
 */
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type onnxProto from 'onnx-proto';
import { onnx } from './graph-builder';
import { IO, readMetadata, type OnnxMeta } from './metadata';

export type OrtProvider = 'cpu' | 'cuda' | 'dml' | 'coreml';
export const ORT_PROVIDERS: readonly OrtProvider[] = ['cuda', 'dml', 'coreml', 'cpu'];

export interface OrtEngineOptions {
  /** Intra-op threads; default the machine's cores (os.availableParallelism()). */
  threads?: number;
  /** 'auto' (default): the first GPU provider that loads, else CPU. */
  provider?: OrtProvider | 'auto';
  /**
   * Let idle intra-op threads spin-wait for work (onnxruntime's default). Off by default here: on a machine
   * shared with other work (a training job beside the studio, a loaded CI box) spinning threads fight for
   * the cores. Measured at load average 7 on 2 cores, demo static model, batch 256: 2 threads spinning
   * 877 images/s, not spinning 1277, 1 thread 1400.
   */
  spin?: boolean;
}

/** What ran a result: recorded with every figure the ORT engine produces. */
export interface OrtDevice {
  engine: 'ort';
  onnxruntime: string;
  provider: OrtProvider;
  threads: number;
  /** Whether idle intra-op threads spin-wait. */
  spin: boolean;
  /** For every GPU provider not in use, why not. */
  notUsed: { provider: OrtProvider; reason: string }[];
}

export class OnnxFileError extends Error {}

/** Where onnxruntime-node keeps its native binding and provider libraries. */
function bindingDir(): string {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why a GPU provider cannot be used by this installation, or null if it may load. */
function unavailable(p: OrtProvider): string | null {
  if (p === 'cpu') return null;
  if (p === 'cuda') {
    if (process.platform !== 'linux') return 'CUDA is offered by onnxruntime-node on Linux only';
    if (!existsSync(path.join(bindingDir(), 'libonnxruntime_providers_cuda.so'))) {
      return "onnxruntime-node's CUDA 12 provider is not installed (its install script downloads it; see README, GPU)";
    }
    return null;
  }
  if (p === 'dml') return process.platform === 'win32' ? null : 'DirectML exists on Windows only';
  return process.platform === 'darwin' ? null : 'CoreML exists on macOS only';
}

/** Decodes and checks a SkipViT ONNX file; throws OnnxFileError naming the file. */
export async function readOnnxFile(file: string): Promise<{ bytes: Uint8Array; meta: OnnxMeta; model: onnxProto.onnx.ModelProto }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OnnxFileError(code === 'ENOENT' ? `${file}: not found` : `${file}: cannot be read (${(err as Error).message})`);
  }
  return { bytes, ...checkOnnx(bytes, file) };
}

/** The decoded model and its SkipViT metadata; throws OnnxFileError for anything else. */
export function checkOnnx(bytes: Uint8Array, where: string): { meta: OnnxMeta; model: onnxProto.onnx.ModelProto } {
  if (bytes.byteLength === 0) throw new OnnxFileError(`${where}: empty file, not an ONNX model`);
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxFileError(`${where}: not an ONNX model (it does not decode as an ONNX ModelProto: ${(err as Error).message}); truncated or another kind of file?`);
  }
  const graph = model.graph;
  if (!graph?.node?.length) {
    throw new OnnxFileError(`${where}: not an ONNX model (no graph; truncated or another kind of file?)`);
  }
  try {
    const meta = readMetadata(model.metadataProps, where);
    const inputs = (graph.input ?? []).map((i) => i.name);
    const outputs = (graph.output ?? []).map((o) => o.name);
    const want = meta.graph === 'dynamic' ? [IO.logits, IO.executed] : [IO.logits];
    if (!inputs.includes(IO.images) || !want.every((o) => outputs.includes(o))) {
      throw new Error(`${where}: its graph's inputs [${inputs.join(', ')}] and outputs [${outputs.join(', ')}] are not those of a SkipViT ${meta.graph} model`);
    }
    return { meta, model };
  } catch (err) {
    throw new OnnxFileError((err as Error).message);
  }
}

/**
 * The dynamic graph with gate_bias and prune_mask as plain inputs: in the file they are overridable
 * initialisers (defaults, so a user's `session.run({ images })` runs the exported point), but
 * onnxruntime-node 1.30 lists only the other inputs and silently ignores feeds for those (measured: a
 * gate_bias of -100 fed to the file as written changed nothing). The engine feeds them on every run.
 */
function genomeAsInputs(model: onnxProto.onnx.ModelProto): Uint8Array {
  const graph = model.graph!;
  graph.initializer = (graph.initializer ?? []).filter((t) => t.name !== IO.gateBias && t.name !== IO.pruneMask);
  return onnx.ModelProto.encode(model).finish();
}

export interface OrtRunOutput {
  /** [B * K], row-major. */
  logits: Float32Array;
  /** [B * L], row-major, 1 where sample b ran layer l (all ones for a static graph). */
  executed: Uint8Array;
}

export interface Genome {
  /** Per-layer gate bias over the file's layers. */
  bias?: number[];
  /** Per-layer prune flags over the file's layers. */
  pruned?: boolean[];
}

export class OrtModel {
  private constructor(
    readonly file: string,
    readonly meta: OnnxMeta,
    readonly device: OrtDevice,
    private readonly session: ort.InferenceSession,
  ) {}

  static async load(file: string, opts: OrtEngineOptions = {}): Promise<OrtModel> {
    const read = await readOnnxFile(file);
    return OrtModel.open(file, read.meta, read.model, read.bytes, opts);
  }

  /** A model exported in memory (onnxBytes); `where` names it in messages. */
  static async fromBytes(bytes: Uint8Array, where: string, opts: OrtEngineOptions = {}): Promise<OrtModel> {
    const { meta, model } = checkOnnx(bytes, where);
    return OrtModel.open(where, meta, model, bytes, opts);
  }

  private static async open(file: string, meta: OnnxMeta, model: onnxProto.onnx.ModelProto, raw: Uint8Array, opts: OrtEngineOptions): Promise<OrtModel> {
    const bytes = meta.graph === 'dynamic' ? genomeAsInputs(model) : raw;
    const threads = opts.threads ?? os.availableParallelism();
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`ORT threads must be a positive integer, got ${threads}`);
    const asked = opts.provider ?? 'auto';
    const spin = opts.spin ?? false;
    const candidates: OrtProvider[] = asked === 'auto' ? [...ORT_PROVIDERS] : [asked];
    const notUsed: OrtDevice['notUsed'] = [];
    for (const provider of candidates) {
      const why = unavailable(provider);
      if (why === null) {
        try {
          const session = await ort.InferenceSession.create(bytes, {
            executionProviders: [provider],
            intraOpNumThreads: threads,
            interOpNumThreads: 1,
            graphOptimizationLevel: 'all',
            logSeverityLevel: 3,
            extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' } } },
          });
          const device: OrtDevice = { engine: 'ort', onnxruntime: ort.env.versions.common, provider, threads, spin, notUsed };
          return new OrtModel(file, meta, device, session);
        } catch (err) {
          if (asked !== 'auto' || provider === 'cpu') {
            throw new OnnxFileError(`${file}: onnxruntime could not load it on ${provider}: ${(err as Error).message}`);
          }
          notUsed.push({ provider, reason: `failed to load: ${(err as Error).message.split('\n')[0]}` });
        }
      } else if (asked !== 'auto') {
        throw new Error(`ORT execution provider "${provider}" was requested but ${why}`);
      } else {
        notUsed.push({ provider, reason: why });
      }
    }
    throw new Error('unreachable: the CPU provider is always tried');
  }

  get depth(): number {
    return this.meta.config.depth;
  }

  /** Runs B images ([B, H, W, C] normalised, row-major). A genome applies to the dynamic graph only. */
  async run(images: Float32Array, batch: number, genome: Genome = {}): Promise<OrtRunOutput> {
    const c = this.meta.config;
    const L = this.depth;
    const per = c.imageSize * c.imageSize * c.channels;
    if (images.length !== batch * per) throw new Error(`ORT run: ${images.length} values for ${batch} images of ${per}`);
    const feeds: Record<string, ort.Tensor> = {
      [IO.images]: new ort.Tensor('float32', images, [batch, c.imageSize, c.imageSize, c.channels]),
    };
    if (this.meta.graph === 'dynamic') {
      const bias = genome.bias ?? this.meta.gateBias;
      const pruned = genome.pruned ?? new Array<boolean>(L).fill(false);
      if (bias.length !== L) throw new Error(`ORT run: ${bias.length} gate biases for ${L} layers`);
      if (pruned.length !== L) throw new Error(`ORT run: ${pruned.length} prune flags for ${L} layers`);
      feeds[IO.gateBias] = new ort.Tensor('float32', Float32Array.from(bias), [L]);
      feeds[IO.pruneMask] = new ort.Tensor('bool', Uint8Array.from(pruned, Number), [L]);
    } else if (genome.bias || genome.pruned) {
      throw new Error(`${this.file}: a static graph takes no gate biases or prune flags (export the dynamic graph)`);
    }
    const out = await this.session.run(feeds);
    try {
      const logits = out[IO.logits].data as Float32Array;
      const executed =
        this.meta.graph === 'dynamic' ? Uint8Array.from(out[IO.executed].data as Uint8Array | boolean[], Number) : new Uint8Array(batch * L).fill(1);
      return { logits, executed };
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
