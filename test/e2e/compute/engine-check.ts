/**
 * The compute page's engine in a browser: the core model code (backend, ViT, dynamic executor, AdamW),
 * bundled for the browser by compute-engine.test.ts. `runEngineCheck(backend)` runs one training step and
 * one dynamic forward on fixed weights and inputs and returns what they computed, for comparison across
 * backends.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src-main/core/backend';
import { validateConfig } from '../../../src-main/core/model/config';
import { forwardDynamic } from '../../../src-main/core/model/executor';
import { isAgentVariable } from '../../../src-main/core/model/params';
import { ViT } from '../../../src-main/core/model/vit';
import { AdamW, clipByGlobalNorm } from '../../../src-main/core/train/adamw';

const CONFIG = validateConfig({
  imageSize: 8, channels: 1, patchSize: 4, dim: 16, depth: 4, heads: 2, mlpRatio: 2, numClasses: 5, gateHidden: 8, costs: 'reference',
});
const B = 4;

async function runEngineCheck(backend: 'wasm' | 'webgpu') {
  const info = await initBackend(backend, backend === 'webgpu' ? 'software' : 'hardware');
  const model = ViT.create(CONFIG, 3);
  const x = tf.tensor4d(Float32Array.from({ length: B * 64 }, (_, i) => Math.sin(i * 0.37)), [B, 8, 8, 1]);
  const keep = Uint8Array.from({ length: B * CONFIG.depth }, (_, i) => (i * 7) % 3 === 0 ? 0 : 1);
  const dynamic = await forwardDynamic(model, x, { keep });
  const dynamicLogits = Array.from(await dynamic.logits.data());
  // The backbone: what a static training step trains (the gates get no gradient from this loss).
  const vars = new Map([...model.variables()].filter(([n]) => !isAgentVariable(n)));
  const optimizer = new AdamW(vars, () => true, { weightDecay: 0.05 });
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), CONFIG.numClasses);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.forwardStaticTrain(x)) as tf.Scalar, [...vars.values()]);
  const byName = new Map([...vars].map(([n, v]) => [n, grads[v.name]]));
  const loss = (await value.data())[0];
  const gradSums = Object.fromEntries(await Promise.all([...byName].map(async ([n, g]) => [n, Array.from(await g.data())] as const)));
  const clipped = clipByGlobalNorm(byName, 1);
  optimizer.apply(clipped.grads, 1e-2);
  const after = Array.from(await model.forwardStatic(x).data());
  return { backend: info.name, adapter: info.adapter ?? null, dynamicLogits, loss, grads: gradSums, gradNorm: (await clipped.norm.data())[0], after };
}

(globalThis as { runEngineCheck?: typeof runEngineCheck }).runEngineCheck = runEngineCheck;
