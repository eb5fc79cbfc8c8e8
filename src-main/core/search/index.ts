/** Generic NSGA-II engine and multi-objective tools (issue 8). The ViT-specific search builds on these. */
export type { BatchEvaluator, Evaluation, GenerationRecord, Genome, GenomeSpec, Individual } from './types';
export { nsga2 } from './nsga2';
export type { CrossoverOptions, MutationOptions, Nsga2Options, Nsga2Result } from './nsga2';
export { Rng } from '../util/rng';
export { paretoCompare, constrainedCompare } from './dominance';
export { nonDominatedSort } from './non-dominated-sort';
export { crowdingDistance } from './crowding';
export { binaryTournament } from './selection';
export { rankAndCrowdingSurvival } from './survival';
export { sbx, polynomialMutation, uniformCrossover, bitFlip } from './operators';
export type { SbxOptions, PolynomialMutationOptions } from './operators';
export { hypervolume } from './hypervolume';
export { tradeoffs, highTradeoffPoints, kneePoint } from './knee';
export type { TradeoffOptions } from './knee';
export { ZDT1, ZDT2, ZDT3, DTLZ2, CONSTR, MIXED_ZDT1, MIXED_TARGET, constrFront, batchEvaluator } from './problems';
export type { TestProblem } from './problems';
export { workerPoolEvaluator } from './worker-pool';
export type { WorkerPoolOptions, WorkerPoolEvaluator } from './worker-pool';
