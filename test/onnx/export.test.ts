/**
 * ONNX export against the tfjs model it came from, on the real demo models and the real Fashion-MNIST test
 * set (Debian's copy): the static graph's logits, the dynamic graph's per-image skip decisions and logits,
 * an exported search point (gate biases + pruned layers), and the files opened by a plain Node script.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { loadDataset, type Dataset } from '../../src-main/core/data';
import { loadModel, type ViT } from '../../src-main/core/model';
import { OrtModel } from '../../src-main/core/onnx/ort-model';
import { writeOnnx } from '../../src-main/core/onnx/export';
import { accuracy, agreement, DEMO_DYNAMIC, DEMO_STATIC, ortRun, testImages, tfjsDynamic } from './helpers';

let data: Dataset;
let dynamicModel: ViT;
let dir: string;
const K = 10;

beforeAll(async () => {
  await initBackend('wasm');
  data = await loadDataset('fashion-mnist', { prefer: 'debian' });
  ({ model: dynamicModel } = await loadModel(DEMO_DYNAMIC));
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-onnx-'));
});

afterAll(async () => {
  dynamicModel?.dispose();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('ONNX export (demo models, Fashion-MNIST test set)', () => {
  it('static graph: logits equal tfjs forwardStatic within 1e-4 on 256 test images', async () => {
    const { model } = await loadModel(DEMO_STATIC);
    const file = path.join(dir, 'static.onnx');
    await writeOnnx(file, model, { graph: 'static', dataset: data.info });
    const ort = await OrtModel.load(file, { threads: 1 });
    expect(ort.device).toMatchObject({ engine: 'ort', provider: 'cpu', threads: 1 });
    const n = 256;
    const images = testImages(data, n);
    const ref = tf.tidy(() => model.forwardStatic(tf.tensor4d(images, [n, 28, 28, 1])).dataSync() as Float32Array);
    const got = (await ort.run(images, n)).logits;
    let diff = 0;
    for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(ref[i] - got[i]));
    console.log(`static ONNX vs tfjs on ${n} images: max |logit diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
    expect(accuracy(got, data.test.labels, n, K)).toBeGreaterThan(0.8); // a real classifier, not a constant
    await ort.release();
    model.dispose();
  });

  it('dynamic graph: the same per-image skips as the tfjs executor on all 10,000 test images, logits within 1e-4, same accuracy', async () => {
    const file = path.join(dir, 'dynamic.onnx');
    await writeOnnx(file, dynamicModel, { graph: 'dynamic', dataset: data.info });
    const ort = await OrtModel.load(file, { threads: 1 });
    const n = data.test.count;
    expect(n).toBe(10_000);
    const L = dynamicModel.depth;
    const ref = await tfjsDynamic(dynamicModel, data, n);
    const got = await ortRun(ort, data, n);
    const a = agreement(ref, got, n, L, K, [...Array(L).keys()]);
    const meanLayers = got.executed.reduce((s, e) => s + e, 0) / n;
    console.log(
      `dynamic ONNX vs tfjs on ${n} images: ${a.disagreeing} disagree, ${a.nearZero} differ at a gate margin within 1e-5 (excused), ` +
        `max |logit diff| ${a.maxLogitDiff.toExponential(2)}, ${meanLayers.toFixed(3)} layers/image`,
    );
    expect(a.disagreeing).toBe(0);
    expect(a.maxLogitDiff).toBeLessThan(1e-4);
    expect(meanLayers).toBeGreaterThan(1); // it skips, but not everything
    expect(meanLayers).toBeLessThan(L - 0.5);
    const accRef = accuracy(ref.logits, data.test.labels, n, K);
    const accOrt = accuracy(got.logits, data.test.labels, n, K);
    console.log(`accuracy tfjs ${accRef} ORT ${accOrt}`);
    if (a.nearZero === 0) expect(accOrt).toBe(accRef);
    else expect(Math.abs(accOrt - accRef)).toBeLessThanOrEqual(a.nearZero / n);
    await ort.release();
  });

  it('an exported search point (gate biases + two pruned layers): pruned layers removed from the file, same skips, logits and accuracy as tfjs on all 10,000 images; the full graph fed the same genome agrees too', async () => {
    const L = dynamicModel.depth;
    const bias = [0.4, -0.3, 0, 0.8, -0.6, 0.2, -1.2, 0.5];
    const pruned = [false, false, true, false, false, true, false, false];
    const file = path.join(dir, 'point.onnx');
    await writeOnnx(file, dynamicModel, { graph: 'dynamic', gateBias: bias, pruned, dataset: data.info });
    const point = await OrtModel.load(file, { threads: 1 });
    expect(point.depth).toBe(6);
    expect(point.meta.sourceLayers).toEqual([0, 1, 3, 4, 6, 7]);
    expect(point.meta.gateBias).toEqual([0.4, -0.3, 0.8, -0.6, -1.2, 0.5]);
    const n = data.test.count;
    const ref = await tfjsDynamic(dynamicModel, data, n, { bias, pruned });
    const got = await ortRun(point, data, n); // no genome given: the file's defaults are the point
    const a = agreement(ref, got, n, L, K, point.meta.sourceLayers);
    console.log(`search point ONNX vs tfjs: ${a.disagreeing} disagree, ${a.nearZero} near-zero margins, max |logit diff| ${a.maxLogitDiff.toExponential(2)}`);
    expect(a.disagreeing).toBe(0);
    expect(a.maxLogitDiff).toBeLessThan(1e-4);
    const accRef = accuracy(ref.logits, data.test.labels, n, K);
    const accOrt = accuracy(got.logits, data.test.labels, n, K);
    if (a.nearZero === 0) expect(accOrt).toBe(accRef);
    else expect(Math.abs(accOrt - accRef)).toBeLessThanOrEqual(a.nearZero / n);
    // The genome as graph inputs of the full model (one session for every genome of a search).
    const full = await OrtModel.load(path.join(dir, 'dynamic.onnx'), { threads: 1 });
    const viaInputs = await ortRun(full, data, 2048, { bias, pruned });
    const b = agreement(ref, viaInputs, 2048, L, K, [...Array(L).keys()]);
    expect(b.disagreeing).toBe(0);
    expect(b.maxLogitDiff).toBeLessThan(1e-4);
    // Pruning changes the skips (so the comparison is not vacuous).
    const plain = await ortRun(full, data, 2048);
    expect(plain.executed).not.toEqual(viaInputs.executed);
    await Promise.all([point.release(), full.release()]);
  });

  it('the exported files run in onnxruntime from a plain Node script outside the project, with only `images` fed', async () => {
    const require = createRequire(import.meta.url);
    const ortEntry = require.resolve('onnxruntime-node'); // absolute path to the package's entry
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-user-'));
    const n = 8;
    const images = testImages(data, n);
    await fs.writeFile(path.join(outside, 'images.bin'), images);
    const script = [
      `import { readFileSync } from 'node:fs';`,
      `import ort from ${JSON.stringify(pathToFileURL(ortEntry).href)};`,
      `const raw = readFileSync(new URL('./images.bin', import.meta.url));`,
      `const images = new ort.Tensor('float32', new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), [${n}, 28, 28, 1]);`,
      `const out = {};`,
      `for (const f of process.argv.slice(2)) {`,
      `  const session = await ort.InferenceSession.create(f);`,
      `  const r = await session.run({ images });`,
      `  out[f] = { logits: Array.from(r.logits.data), executed: r.executed ? Array.from(r.executed.data, Number) : null };`,
      `}`,
      `console.log(JSON.stringify(out));`,
    ].join('\n');
    await fs.writeFile(path.join(outside, 'run.mjs'), script);
    const files = ['static.onnx', 'dynamic.onnx', 'point.onnx'].map((f) => path.join(dir, f));
    const res = spawnSync(process.execPath, ['run.mjs', ...files], { cwd: outside, encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    // onnxruntime warns (once per file) that gate_bias and prune_mask are overridable initialisers: they are,
    // by design. Anything else on stderr is a failure.
    const other = res.stderr.split('\n').filter((line) => line.trim() && !/\[W:onnxruntime:.*Initializer (gate_bias|prune_mask) appears in graph inputs/.test(line));
    expect(other).toEqual([]);
    const out = JSON.parse(res.stdout) as Record<string, { logits: number[]; executed: number[] | null }>;
    // Each against its engine run inside the studio (itself checked against tfjs above).
    for (const f of files) {
      const engine = await OrtModel.load(f, { threads: 1 });
      const mine = await engine.run(images, n);
      expect(out[f].logits.length).toBe(n * K);
      out[f].logits.forEach((v, i) => expect(Math.abs(v - mine.logits[i])).toBeLessThan(1e-5));
      if (engine.meta.graph === 'dynamic') expect(out[f].executed).toEqual([...mine.executed]);
      else expect(out[f].executed).toBeNull();
      await engine.release();
    }
    await fs.rm(outside, { recursive: true, force: true });
  });
});
