/**
 * The agent trainer's step (SPEC 2): the dynamic-train forward samples an action per layer from the
 * step's draws; the reward arrives after the last layer; the gates learn by REINFORCE against the value
 * baseline, the value heads by MSE to the returns and (unless frozen) the backbone by cross-entropy on the
 * output of the layers actually run. Two optimisers, each with its own schedule, each clipped on its own.
 */
import * as tf from '@tensorflow/tfjs';
import { isAgentVariable, isDecayed } from '../model/params';
import type { ViT } from '../model/vit';
import { AdamW, clipByGlobalNorm } from './adamw';
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
  /** Entropy bonus at step 0, decayed linearly to 0 at totalSteps. */
  entropy: number;
  valueWeight: number;
  advantage: AdvantageMode;
  reward: RewardMode;
  labelSmoothing: number;
  clipNorm: number;
  trainBackbone: boolean;
  agentSchedule: Schedule;
  backboneSchedule: Schedule;
  totalSteps: number;
}

export function agentStepper(model: ViT, plan: AgentStepPlan): Stepper {
  const L = model.depth;
  const K = model.config.numClasses;
  const all = model.variables();
  const agentVars = new Map([...all].filter(([n]) => isAgentVariable(n)));
  const backboneVars = new Map([...all].filter(([n]) => !isAgentVariable(n)));
  const agentOpt = new AdamW(agentVars, () => false, { weightDecay: 0 });
  const backboneOpt = plan.trainBackbone ? new AdamW(backboneVars, isDecayed, { weightDecay: 0.05 }) : null;
  const totalCost = model.costs.reduce((a, c) => a + c, 0);
  return {
    optimizers: backboneOpt ? { agent: agentOpt, backbone: backboneOpt } : { agent: agentOpt },
    trainable: plan.trainBackbone ? all : agentVars,
    draw: (rng, B) => rng.uniforms(B * L),
    gradients({ x, y, draws, step, weight, batchSize, sumAcross }) {
      const n = y.length;
      const entropyCoef = plan.entropy * (1 - step / plan.totalSteps);
      const parts: Record<string, number> = {};
      let actions: ArrayLike<number> = new Float32Array(0);
      let correct: Float32Array = new Float32Array(0);
      let r: Float32Array = new Float32Array(0);
      const grads = new Map<string, tf.Tensor>();
      tf.tidy(() => {
        const { grads: g } = namedGrads(() => {
          const out = model.forwardDynamicTrain(x, draws!);
          // Rewards need the sampled actions and the prediction: read them on the host mid-graph
          // (reading does not cut the tape), then build the losses from the host-side advantages.
          const logits = out.logits.dataSync();
          actions = out.actions.dataSync();
          correct = rewardScores(logits, y, K, 'correct');
          r = rewards(plan.reward === 'correct' ? correct : rewardScores(logits, y, K, plan.reward), actions, model.costs, plan.alpha);
          const G = discountedReturns(r, L, plan.gamma);
          const across = weight === 1 ? undefined : { sum: sumAcross, count: batchSize * L };
          const A = advantages(G, out.values.dataSync(), L, plan.advantage, across);
          const { policy, value, entropy } = agentLosses(out.logProbs, out.values, out.runProbs, A, G);
          let loss = policy.add(value.mul(plan.valueWeight)).sub(entropy.mul(entropyCoef));
          parts.policyLoss = policy.dataSync()[0] * weight;
          parts.valueLoss = value.dataSync()[0] * weight;
          parts.entropy = entropy.dataSync()[0] * weight;
          if (plan.trainBackbone) {
            const ce = smoothedCrossEntropy(out.logits, y, plan.labelSmoothing);
            parts.ceLoss = ce.dataSync()[0] * weight;
            loss = loss.add(ce);
          }
          return weighted(loss as tf.Scalar, weight);
        }, plan.trainBackbone ? all : agentVars);
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
      const agentGrads = new Map([...grads].filter(([n]) => isAgentVariable(n)));
      const backboneGrads = new Map([...grads].filter(([n]) => !isAgentVariable(n)));
      tf.tidy(() => {
        agentOpt.apply(clipByGlobalNorm(agentGrads, plan.clipNorm).grads, learningRate(plan.agentSchedule, step));
        if (backboneOpt) backboneOpt.apply(clipByGlobalNorm(backboneGrads, plan.clipNorm).grads, learningRate(plan.backboneSchedule, step));
      });
      tf.dispose([...grads.values()]);
      return {};
    },
    metrics(s, B) {
      const { policyLoss, valueLoss, entropy, ceLoss } = s;
      return {
        loss: (ceLoss ?? 0) + policyLoss + plan.valueWeight * valueLoss,
        policyLoss, valueLoss, entropy,
        ...(ceLoss !== undefined ? { ceLoss } : {}),
        accuracy: s.correct / B,
        executedCost: s.executed / (B * totalCost),
        reward: s.reward / B,
      };
    },
    dispose() {
      agentOpt.dispose();
      backboneOpt?.dispose();
    },
  };
}
