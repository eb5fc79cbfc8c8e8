/**
 * The curriculum of the agent's training (off by default; BlockDrop's, Wu et al. 2018): for its first steps the
 * agent decides only the last layers, the ones before are forced to run, and the number it decides grows
 * linearly from 1 to all L over the curriculum. The backbone is fine-tuned on nearly full paths first, and the
 * agent learns the layers whose skipping costs least before it can skip early ones.
 */

/** forceRun for forwardDynamicTrain ([L], true = forced to run) at `step`; undefined once the curriculum is over. */
export function curriculumForceRun(L: number, step: number, curriculumSteps: number): boolean[] | undefined {
  if (curriculumSteps <= 0 || step >= curriculumSteps) return undefined;
  const free = Math.min(L, Math.max(1, Math.ceil((L * (step + 1)) / curriculumSteps)));
  return Array.from({ length: L }, (_, l) => l < L - free);
}
