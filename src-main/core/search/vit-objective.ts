/**
 * The search's first objective, shared by the core, the job params and the CLI (pure: no tfjs).
 * - 'accuracy' (the default): plain validation accuracy. Reward already charges alpha per unit of cost, so
 *   against cost a reward front keeps only the points whose extra cost buys more than alpha in accuracy and
 *   collapses to the cheap end; the accuracy front is the whole trade-off a user picks from.
 * - 'reward': the mean RL reward, accuracy - alpha * mean executed sum of c_l.
 */
export const SEARCH_OBJECTIVES = ['accuracy', 'reward'] as const;
export type SearchObjective = (typeof SEARCH_OBJECTIVES)[number];
export const DEFAULT_SEARCH_OBJECTIVE: SearchObjective = 'accuracy';
