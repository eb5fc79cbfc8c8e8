import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { datasetFor, defaultMeta, forwardDynamic, loadModel, saveModel, ViT } from '../../src-main/core/model';
import { randomImages, smallConfig } from './helpers';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-io-'));
});

describe('save and load (tfjs model.json + weights.bin)', () => {
  it('round-trips bit for bit, config and costs included', async () => {
    const m = ViT.create(smallConfig(), 4);
    const out = path.join(dir, 'm');
    await saveModel(out, m, { ...defaultMeta(m, 'dynamic'), note: 'x' });
    const json = JSON.parse(await fs.readFile(path.join(out, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const { model, meta } = await loadModel(out);
    expect(meta.config).toEqual(m.config);
    expect(meta.kind).toBe('dynamic');
    expect(model.costs).toEqual(m.costs);
    const x = randomImages(3, m.config);
    expect(Array.from(model.forwardStatic(x).dataSync())).toEqual(Array.from(m.forwardStatic(x).dataSync()));
    expect(Array.from((await forwardDynamic(model, x)).logits.dataSync())).toEqual(Array.from((await forwardDynamic(m, x)).logits.dataSync()));
    for (const [name, v] of m.variables()) expect(Array.from(model.variables().get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));
  });

  it('refuses malformed folders with a message naming the file and the problem', async () => {
    const m = ViT.create(smallConfig(), 5);
    const good = path.join(dir, 'good');
    await saveModel(good, m, defaultMeta(m, 'static'));

    const notOurs = path.join(dir, 'keras');
    await fs.mkdir(notOurs);
    await fs.writeFile(path.join(notOurs, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [] }));
    await expect(loadModel(notOurs)).rejects.toThrow(/keras[/\\]model\.json: not a SkipViT model/);

    const truncated = path.join(dir, 'truncated');
    await fs.cp(good, truncated, { recursive: true });
    const w = await fs.readFile(path.join(truncated, 'weights.bin'));
    await fs.writeFile(path.join(truncated, 'weights.bin'), w.subarray(0, w.length - 100));
    await expect(loadModel(truncated)).rejects.toThrow(/truncated[/\\]weights\.bin: \d+ bytes, but model\.json describes \d+ \(truncated/);

    const future = path.join(dir, 'future');
    await fs.cp(good, future, { recursive: true });
    const j = JSON.parse(await fs.readFile(path.join(future, 'model.json'), 'utf8'));
    j.modelTopology.skipvit.schemaVersion = 99;
    await fs.writeFile(path.join(future, 'model.json'), JSON.stringify(j));
    await expect(loadModel(future)).rejects.toThrow(/future[/\\]model\.json: schema version 99 is not supported/);

    await expect(loadModel(path.join(dir, 'nowhere'))).rejects.toThrow(/nowhere[/\\]model\.json: not found/);
    expect(tf.memory().numTensors).toBeGreaterThan(0);
  });
});

describe('datasetFor', () => {
  it('takes the dataset asked for, else the one the model names, else says which model and how to name one', () => {
    const model = ViT.create(smallConfig(), 0);
    const meta = defaultMeta(model, 'static');
    model.dispose();
    expect(datasetFor('m', { ...meta, dataset: { name: 'mnist', classNames: [], height: 28, width: 28, channels: 1, mean: [0], std: [1] } }, undefined, '--dataset')).toBe('mnist');
    expect(datasetFor('m', { ...meta, dataset: undefined }, 'cifar10', '--dataset')).toBe('cifar10');
    expect(() => datasetFor('/models/m1', { ...meta, dataset: undefined }, undefined, '--dataset')).toThrow('/models/m1: the model does not name its dataset; pass --dataset');
  });
});
