/**
 * The agent trainer's step (SPEC 2): the dynamic-train forward samples an action per layer from the
 * step's draws; the reward arrives after the last layer; the gates learn by REINFORCE against the value
 * baseline, the value heads by MSE to their target and (unless frozen) the backbone by cross-entropy on the
 * output of the layers actually run, plus the opt-in distillation, curriculum and consolidation (agent.ts).
 * Two optimisers, each with its own schedule, each clipped on its own.
 */
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../model/io';
import { isAgentVariable, isDecayed } from '../model/params';
import type { ViT } from '../model/vit';
import { AdamW, clipByGlobalNorm } from './adamw';
import { curriculumForceRun } from './curriculum';
import { distillationLoss } from './distill';
import { smoothedCrossEntropy } from './losses';
import { namedGrads } from './named-grads';
import { advantages, agentLosses, discountedReturns, rewardScores, rewards } from './rl';
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
    gradients({ x, y, draws, step, weight, batchSize, sumAcross }) {
      const n = y.length;
      const consolidating = step >= plan.agentSteps;
      // Greedy paths in consolidation: u = 1/2 runs a layer exactly when pi(run) > 1/2, as the executor does.
      const uniforms = consolidating ? draws!.fill(0.5) : draws!;
      const forceRun = curriculumForceRun(L, step, plan.curriculumSteps);
      const entropyCoef = plan.entropy * Math.max(0, 1 - step / Math.max(1, plan.agentSteps));
      const parts: Record<string, number> = { loss: 0 };
      let actions: ArrayLike<number> = new Float32Array(0);
      let correct: Float32Array = new Float32Array(0);
      let r: Float32Array = new Float32Array(0);
      const grads = new Map<string, tf.Tensor>();
      tf.tidy(() => {
        const vars = consolidating ? backboneVars : plan.trainBackbone ? all : agentVars;
        const teacherLogits = teacher ? teacher.forwardStatic(x) : null;
        const { grads: g } = namedGrads(() => {
          const out = model.forwardDynamicTrain(x, uniforms, forceRun);
          // Rewards need the sampled actions and the prediction: read them on the host mid-graph
          // (reading does not cut the tape), then build the losses from the host-side advantages.
          const logits = out.logits.dataSync();
          actions = out.actions.dataSync();
          correct = rewardScores(logits, y, K, 'correct');
          r = rewards(plan.reward === 'correct' ? correct : rewardScores(logits, y, K, plan.reward), actions, plan.rewardCosts, plan.alpha);
          let loss = tf.scalar(0);
          if (!consolidating) {
            const G = discountedReturns(r, L, plan.gamma);
            const across = weight === 1 ? undefined : { sum: sumAcross, count: batchSize * L };
            const { advantage, valueTarget } = advantages(G, out.values.dataSync(), L, plan.advantage, across);
            // A layer the curriculum forced to run was not the agent's choice: no policy gradient for it.
            if (forceRun) for (let b = 0; b < n; b++) for (let l = 0; l < L; l++) if (forceRun[l]) advantage[b * L + l] = 0;
            const { policy, value, entropy } = agentLosses(out.logProbs, out.values, out.runProbs, advantage, valueTarget);
            loss = policy.add(value.mul(plan.valueWeight)).sub(entropy.mul(entropyCoef));
            parts.policyLoss = policy.dataSync()[0] * weight;
            parts.valueLoss = value.dataSync()[0] * weight;
            parts.entropy = entropy.dataSync()[0] * weight;
          }
          if (plan.trainBackbone) {
            const ce = smoothedCrossEntropy(out.logits, y, plan.labelSmoothing);
            parts.ceLoss = ce.dataSync()[0] * weight;
            loss = loss.add(ce);
            if (plan.distill && teacherLogits) {
              const kl = distillationLoss(out.logits, teacherLogits, plan.distill.temperature);
              parts.distillLoss = kl.dataSync()[0] * weight;
              loss = loss.add(kl.mul(plan.distill.weight));
            }
          }
          parts.loss = loss.dataSync()[0] * weight; // what is optimised, entropy bonus included
          return weighted(loss as tf.Scalar, weight);
        }, vars);
        for (const [name, t] of g) grads.set(name, tf.keep(t));
      });
      let executed = 0;
      for (let b = 0; b < n; b++) for (let l = 0; l < L; l++) executed += actions[b * L + l] * model.costs[l];
      return {
        grads,
        sums: { ...parts, correct: correct.reduce((a, c) => a + c, 0), executed, reward: r.reduce((a, c) => a + c, 0) },
      };
    },
    update(grads, step) {
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
