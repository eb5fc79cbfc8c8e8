/**
 * `npm run bench:ops`: what the wasm-friendly op choices (src-main/core/model/ops.ts) buy over plain
 * tfjs ops, measured in one process on the same weights and inputs: a micro ViT training step at
 * batch 64 (static and dynamic-train) and inference at batch 256. Prints a table and one JSON line.
 * Times are process CPU time per step (robust to other load on the machine) and wall time.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/core/backend';
import { presetConfig, setOpsMode, ViT, type OpsMode } from '../src-main/core/model';
import { AdamW, namedGrads } from '../src-main/core/train';
import { table } from '../src-main/core/bench/table';

const backend = await initBackend();
const config = presetConfig('micro', { imageSize: 28, channels: 1, numClasses: 10 });
const B = 64;
const reps = Number(process.env.REPS ?? 5);

function measure(f: () => void): { cpuMs: number; wallMs: number } {
  f();
  f(); // warm-up
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  const u = process.cpuUsage(c);
  return { cpuMs: (u.user + u.system) / 1000 / reps, wallMs: (performance.now() - t) / reps };
}

const results: Record<string, Record<OpsMode, { cpuMs: number; wallMs: number }>> = { staticStep: {} as never, dynamicStep: {} as never, inference256: {} as never };
const model = ViT.create(config, 0);
const vars = model.variables();
const opt = new AdamW(vars, () => true);
const x = tf.randomNormal([B, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
const y = tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32'), 10);
const u = new Float32Array(B * config.depth).fill(0.5);
const xi = tf.randomNormal([256, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
for (const mode of ['wasm-friendly', 'plain'] as OpsMode[]) {
  setOpsMode(mode);
  results.staticStep[mode] = measure(() =>
    tf.tidy(() => {
      const { grads } = namedGrads(() => tf.losses.softmaxCrossEntropy(y, model.forwardStaticTrain(x)) as tf.Scalar, vars);
      opt.apply(grads, 1e-4);
    }),
  );
  results.dynamicStep[mode] = measure(() =>
    tf.tidy(() => {
      const { grads } = namedGrads(() => {
        const o = model.forwardDynamicTrain(x, u);
        return tf.losses.softmaxCrossEntropy(y, o.logits).add(o.logProbs.mean()).add(o.values.square().mean()) as tf.Scalar;
      }, vars);
      opt.apply(grads, 1e-4);
    }),
  );
  results.inference256[mode] = measure(() => {
    const l = model.forwardStatic(xi);
    l.dataSync();
    l.dispose();
  });
}
setOpsMode('wasm-friendly');
const rows = Object.entries(results).map(([name, r]) => [
  name, r['wasm-friendly'].cpuMs.toFixed(0), r.plain.cpuMs.toFixed(0), (r.plain.cpuMs / r['wasm-friendly'].cpuMs).toFixed(2),
  r['wasm-friendly'].wallMs.toFixed(0), r.plain.wallMs.toFixed(0),
]);
console.log(`backend ${backend.name}; micro ViT (${JSON.stringify(config)}); ${reps} reps`);
console.log(table(['what', 'friendly cpu ms', 'plain cpu ms', 'speed-up', 'friendly wall ms', 'plain wall ms'], rows));
console.log(JSON.stringify({ backend: backend.name, batch: B, results }));
