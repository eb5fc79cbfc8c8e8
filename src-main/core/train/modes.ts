/** The agent's choices that job params and forms offer (pure: imported by the contract, so by the renderer). */

/**
 * What the reward pays for the prediction.
 * - 'correct': the thesis, 1 if the argmax is the label, else 0. Most samples stay correct whichever layers
 *   run, so a skip that erodes the margin goes unpunished until it flips the answer: a sparse, noisy signal.
 * - 'confidence' (ours): the softmax probability of the true class, p(y | x). The same scale (1 for a sure
 *   right answer), but a skip pays for every bit of confidence it costs, so the agent learns which layers
 *   each input can spare before they start flipping answers.
 */
export const REWARD_MODES = ['correct', 'confidence'] as const;
export type RewardMode = (typeof REWARD_MODES)[number];

/**
 * The policy gradient's advantage: 'baseline' (ours, G - V, batch-scaled) or 'reference' (the thesis: standardised
 * returns less the value head's estimate); see rl.ts `advantages`.
 */
export const ADVANTAGE_MODES = ['baseline', 'reference'] as const;
export type AdvantageMode = (typeof ADVANTAGE_MODES)[number];
