/** The ORT engine refuses what it did not export, naming the file and what is wrong. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { loadModel } from '../../src-main/core/model';
import { OnnxFileError, OrtModel } from '../../src-main/core/onnx/ort-model';
import { onnxBytes } from '../../src-main/core/onnx/export';
import { DataType, GraphBuilder, onnx, valueInfo } from '../../src-main/core/onnx/graph-builder';
import { DEMO_STATIC } from './helpers';

let dir: string;
let good: Uint8Array;

beforeAll(async () => {
  await initBackend('wasm');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-onnx-bad-'));
  const { model } = await loadModel(DEMO_STATIC);
  good = await onnxBytes(model, { graph: 'static' });
  model.dispose();
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

/** A valid ONNX model from elsewhere: y = x + x, no SkipViT metadata. */
function foreignModel(): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('x');
  g.op('Add', ['x', 'x'], {}, 'y');
  const graph = g.graph('add', [valueInfo('x', DataType.FLOAT, [2])], [valueInfo('y', DataType.FLOAT, [2])]);
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'pytorch', graph }).finish();
}

describe('ORT engine: malformed and foreign files', () => {
  it('loads a good file', async () => {
    const m = await OrtModel.load(await write('good.onnx', good), { threads: 1 });
    expect(m.meta.graph).toBe('static');
    await m.release();
  });

  const cases: [string, () => Uint8Array | string, RegExp][] = [
    ['a missing file', () => '', /missing\.onnx: not found/],
    ['an empty file', () => new Uint8Array(0), /empty file, not an ONNX model/],
    ['a truncated file (first half)', () => good.subarray(0, good.length >> 1), /not an ONNX model \(it does not decode/],
    ['a JSON file', () => '{"modelTopology": {}}', /not an ONNX model/],
    ['random bytes', () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), /not an ONNX model/],
    ['a valid ONNX model SkipViT did not export', foreignModel, /an ONNX model, but not one exported by SkipViT Studio/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what} with a message naming the file`, async () => {
      const file = what === 'a missing file' ? path.join(dir, 'missing.onnx') : await write(`${what.replace(/\W+/g, '-')}.onnx`, bytes());
      const err = await OrtModel.load(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OnnxFileError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('refuses a SkipViT file whose metadata is from a newer format', async () => {
    const model = onnx.ModelProto.decode(good);
    const entry = model.metadataProps.find((p) => p.key === 'skipvit')!;
    entry.value = JSON.stringify({ ...JSON.parse(entry.value!), formatVersion: 99 });
    const file = await write('future.onnx', onnx.ModelProto.encode(model).finish());
    await expect(OrtModel.load(file)).rejects.toThrow(/format version 99 is not supported/);
  });

  it('refuses an execution provider this platform lacks and bad thread counts clearly', async () => {
    const file = await write('good2.onnx', good);
    const foreignProvider = process.platform === 'win32' ? 'coreml' : 'dml'; // never available on this platform
    await expect(OrtModel.load(file, { provider: foreignProvider })).rejects.toThrow(new RegExp(`"${foreignProvider}" was requested but .* only`));
    await expect(OrtModel.load(file, { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });
});
