/**
 * The agent trainer's step (SPEC 2): the dynamic-train forward samples an action per layer from the
 * step's draws; the reward arrives after the last layer; the gates learn by REINFORCE against the value
 * baseline, the value heads by MSE to their target and (unless frozen) the backbone by cross-entropy on the
 * output of the layers actually run, plus the opt-in distillation, curriculum and consolidation (agent.ts).
 * Two optimisers, each with its own schedule, each clipped on its own.
 */
import * as tf from '@tensorflow/tfjs';
import { readsSyncCheaply } from '../backend';
import { loadModel } from '../model/io';
import { isAgentVariable, isDecayed } from '../model/params';
import type { ViT } from '../model/vit';
import { AdamW, clipByGlobalNorm } from './adamw';
import { curriculumForceRun } from './curriculum';
import { distillationLoss } from './distill';
import { smoothedCrossEntropy } from './losses';
import { namedGrads } from './named-grads';
import { advantages, agentLosses, discountedReturns, replayUniforms, rewardScores, rewards } from './rl';
import { learningRate, type Schedule } from './schedule';
import { weighted, type Stepper } from './stepper';
import type { AdvantageMode, RewardMode } from './types';

export interface AgentStepPlan {
  kind: 'agent';
  alpha: number;
  gamma: number;
  /** Entropy bonus at step 0, decayed linearly to 0 at agentSteps. */
  entropy: number;
  valueWeight: number;
  advantage: AdvantageMode;
  reward: RewardMode;
  /** The per-layer costs c_l the reward charges. */
  rewardCosts: number[];
  labelSmoothing: number;
  clipNorm: number;
  trainBackbone: boolean;
  agentSchedule: Schedule;
  backboneSchedule: Schedule;
  /** Steps of the agent's own training; consolidation steps (gates frozen and greedy) follow them. */
  agentSteps: number;
  /** Steps of the curriculum (0: none). */
  curriculumSteps: number;
  /** Distillation from a teacher model folder (null: off). */
  distill: { weight: number; temperature: number; teacher: string } | null;
}

export async function agentStepper(model: ViT, plan: AgentStepPlan): Promise<Stepper> {
  const L = model.depth;
  const K = model.config.numClasses;
  const all = model.variables();
  const agentVars = new Map([...all].filter(([n]) => isAgentVariable(n)));
  const backboneVars = new Map([...all].filter(([n]) => !isAgentVariable(n)));
  const agentOpt = new AdamW(agentVars, () => false, { weightDecay: 0 });
  const backboneOpt = plan.trainBackbone ? new AdamW(backboneVars, isDecayed, { weightDecay: 0.05 }) : null;
  const teacher = plan.distill ? (await loadModel(plan.distill.teacher)).model : null;
  if (teacher && (teacher.config.numClasses !== K || teacher.config.imageSize !== model.config.imageSize)) {
    teacher.dispose();
    throw new Error(`${plan.distill!.teacher}: the teacher must take the student's images and classes`);
  }
  const totalCost = model.costs.reduce((a, c) => a + c, 0);
  return {
    optimizers: backboneOpt ? { agent: agentOpt, backbone: backboneOpt } : { agent: agentOpt },
    trainable: plan.trainBackbone ? all : agentVars,
    // Drawn in consolidation too, so the random stream does not depend on where the agent's epochs end.
    draw: (rng, B) => rng.uniforms(B * L),
    async gradients({ x, y, draws, step, weight, batchSize, sumAcross }) {
      const n = y.length;
      const consolidating = step >= plan.agentSteps;
      // Greedy paths in consolidation: u = 1/2 runs a layer exactly when pi(run) > 1/2, as the executor does.
      let uniforms = consolidating ? draws!.fill(0.5) : draws!;
      const forceRun = curriculumForceRun(L, step, plan.curriculumSteps);
      const entropyCoef = plan.entropy * Math.max(0, 1 - step / Math.max(1, plan.agentSteps));
      // Rewards need the sampled actions and the prediction on the host before the losses exist. The CPU
      // backends read them mid-graph (reading does not cut the tape). A GPU cannot (its reads are
      // asynchronous): there a forward without the tape samples and is read, and the taped forward
      // replays the same actions.
      let rollout: { logits: ArrayLike<number>; actions: ArrayLike<number>; values: ArrayLike<number> } | null = null;
      if (!readsSyncCheaply()) {
        const out = tf.tidy(() => {
          const { logits, actions, values } = model.forwardDynamicTrain(x, uniforms, forceRun);
          return { logits, actions, values };
        });
        const [logits, actions, values] = await Promise.all([out.logits.data(), out.actions.data(), out.values.data()]);
        tf.dispose(out);
        rollout = { logits, actions, values };
        uniforms = replayUniforms(actions, n, L);
      }
      let actions: ArrayLike<number> = new Float32Array(0);
      let correct: Float32Array = new Float32Array(0);
      let r: Float32Array = new Float32Array(0);
      const names: string[] = [];
      const grads = new Map<string, tf.Tensor>();
      const scalars = tf.tidy(() => {
        const vars = consolidating ? backboneVars : plan.trainBackbone ? all : agentVars;
        const teacherLogits = teacher ? teacher.forwardStatic(x) : null;
        const parts: tf.Scalar[] = []; // read once after the step, under `names`
        const report = (name: string, t: tf.Scalar) => {
          names.push(name);
          parts.push(tf.keep(t)); // past the gradient scope, which disposes what its function made
        };
        const { grads: g } = namedGrads(() => {
          const out = model.forwardDynamicTrain(x, uniforms, forceRun);
          const host = rollout ?? { logits: out.logits.dataSync(), actions: out.actions.dataSync(), values: out.values.dataSync() };
          actions = host.actions;
          correct = rewardScores(host.logits, y, K, 'correct');
          r = rewards(plan.reward === 'correct' ? correct : rewardScores(host.logits, y, K, plan.reward), host.actions, plan.rewardCosts, plan.alpha);
          let loss = tf.scalar(0);
          if (!consolidating) {
            const G = discountedReturns(r, L, plan.gamma);
            const across = weight === 1 ? undefined : { sum: sumAcross, count: batchSize * L };
            const { advantage, valueTarget } = advantages(G, host.values, L, plan.advantage, across);
            // A layer the curriculum forced to run was not the agent's choice: no policy gradient for it.
            if (forceRun) for (let b = 0; b < n; b++) for (let l = 0; l < L; l++) if (forceRun[l]) advantage[b * L + l] = 0;
            const { policy, value, entropy } = agentLosses(out.logProbs, out.values, out.runProbs, advantage, valueTarget);
            loss = policy.add(value.mul(plan.valueWeight)).sub(entropy.mul(entropyCoef));
            report('policyLoss', policy);
            report('valueLoss', value);
            report('entropy', entropy);
          }
          if (plan.trainBackbone) {
            const ce = smoothedCrossEntropy(out.logits, y, plan.labelSmoothing);
            report('ceLoss', ce);
            loss = loss.add(ce);
            if (plan.distill && teacherLogits) {
              const kl = distillationLoss(out.logits, teacherLogits, plan.distill.temperature);
              report('distillLoss', kl);
              loss = loss.add(kl.mul(plan.distill.weight));
            }
          }
          report('loss', loss as tf.Scalar); // what is optimised, entropy bonus included
          return weighted(loss as tf.Scalar, weight);
        }, vars);
        for (const [name, t] of g) grads.set(name, tf.keep(t));
        const stacked = tf.stack(parts) as tf.Tensor1D;
        tf.dispose(parts);
        return stacked;
      });
      // One read after the step's work is queued: nothing waits for the device mid-step.
      const values = await scalars.data();
      scalars.dispose();
      const parts: Record<string, number> = Object.fromEntries(names.map((name, i) => [name, values[i] * weight]));
      let executed = 0;
      for (let b = 0; b < n; b++) for (let l = 0; l < L; l++) executed += actions[b * L + l] * model.costs[l];
      return {
        grads,
        sums: { ...parts, correct: correct.reduce((a, c) => a + c, 0), executed, reward: r.reduce((a, c) => a + c, 0) },
      };
    },
    async update(grads, step) {
      const consolidating = step >= plan.agentSteps;
      const agentGrads = new Map([...grads].filter(([n]) => isAgentVariable(n)));
      const backboneGrads = new Map([...grads].filter(([n]) => !isAgentVariable(n)));
      tf.tidy(() => {
        if (!consolidating) agentOpt.apply(clipByGlobalNorm(agentGrads, plan.clipNorm).grads, learningRate(plan.agentSchedule, step));
        if (backboneOpt) backboneOpt.apply(clipByGlobalNorm(backboneGrads, plan.clipNorm).grads, learningRate(plan.backboneSchedule, step));
      });
      tf.dispose([...grads.values()]);
      return {};
    },
    metrics(s, B) {
      const { correct, executed, reward, ...parts } = s;
      return { ...parts, loss: parts.loss, accuracy: correct / B, executedCost: executed / (B * totalCost), reward: reward / B };
    },
    dispose() {
      agentOpt.dispose();
      backboneOpt?.dispose();
      teacher?.dispose();
    },
  };
}
