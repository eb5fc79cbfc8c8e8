/**
 * A replica's whole training state (every weight, every optimiser's moments and step count) in shared
 * memory: the main thread hands it to the workers at start and on resume, and takes worker 0's back
 * before a checkpoint or a validation.
 */
import * as tf from '@tensorflow/tfjs';
import type { ViT } from '../model/vit';
import type { AdamW } from '../train/adamw';
import { FlatLayout } from './flat-layout';

export interface SharedState {
  floats: SharedArrayBuffer;
  /** One step count per optimiser. */
  steps: SharedArrayBuffer;
}

export class ReplicaState {
  private readonly weights: FlatLayout;
  private readonly moments: { key: string; m: FlatLayout; v: FlatLayout }[];
  readonly size: number;

  constructor(
    private readonly model: ViT,
    private readonly optimizers: Record<string, AdamW>,
  ) {
    this.weights = FlatLayout.of(model.variables());
    this.moments = Object.entries(optimizers).map(([key, o]) => {
      const s = o.state();
      return { key, m: FlatLayout.of(s.m), v: FlatLayout.of(s.v) };
    });
    this.size = this.weights.size + this.moments.reduce((a, o) => a + o.m.size + o.v.size, 0);
  }

  allocate(): SharedState {
    return {
      floats: new SharedArrayBuffer(this.size * Float32Array.BYTES_PER_ELEMENT),
      steps: new SharedArrayBuffer(this.moments.length * Float64Array.BYTES_PER_ELEMENT),
    };
  }

  /** Model and optimisers -> shared memory. */
  write(shared: SharedState): void {
    const floats = new Float32Array(shared.floats);
    const steps = new Float64Array(shared.steps);
    this.weights.write(this.model.variables(), floats);
    let base = this.weights.size;
    this.moments.forEach((o, i) => {
      const s = this.optimizers[o.key].state();
      o.m.write(s.m, floats, base);
      o.v.write(s.v, floats, base + o.m.size);
      base += o.m.size + o.v.size;
      steps[i] = s.step;
    });
  }

  /** Shared memory -> model and optimisers. */
  read(shared: SharedState): void {
    const floats = new Float32Array(shared.floats);
    const steps = new Float64Array(shared.steps);
    const vars = this.model.variables();
    const w = this.weights.read(floats);
    for (const [name, t] of w) vars.get(name)!.assign(t);
    tf.dispose([...w.values()]);
    let base = this.weights.size;
    this.moments.forEach((o, i) => {
      const m = o.m.read(floats, base);
      const v = o.v.read(floats, base + o.m.size);
      base += o.m.size + o.v.size;
      this.optimizers[o.key].restore({ step: steps[i], m: Object.fromEntries(m), v: Object.fromEntries(v) });
      tf.dispose([...m.values(), ...v.values()]);
    });
  }
}
