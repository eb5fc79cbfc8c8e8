/**
 * Fast non-dominated sort (Deb et al. 2002, section III-A), O(M N^2), under constrained domination.
 *
 * Each pair is compared once; every solution keeps the list of solutions it dominates and a count of
 * solutions dominating it. Front k+1 is what is left with count 0 once front k is removed.
 */
import { constrainedCompare } from './dominance';

/**
 * Sorts `objectives` (one vector per solution) into fronts of indices, best front first.
 * `violations[i]` is solution i's total constraint violation (0 = feasible); omit for unconstrained problems.
 * Within a front, indices are in ascending order.
 */
export function nonDominatedSort(objectives: ArrayLike<number>[], violations?: ArrayLike<number>): number[][] {
  const n = objectives.length;
  const dominatedCount = new Int32Array(n);
  // dominates[i] lists the solutions i dominates, stored as one flat n x n table for speed.
  const dominates = new Int32Array(n * n);
  const dominatesLength = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const vi = violations ? violations[i] : 0;
    for (let j = i + 1; j < n; j++) {
      const c = constrainedCompare(objectives[i], vi, objectives[j], violations ? violations[j] : 0);
      if (c < 0) {
        dominates[i * n + dominatesLength[i]++] = j;
        dominatedCount[j]++;
      } else if (c > 0) {
        dominates[j * n + dominatesLength[j]++] = i;
        dominatedCount[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedCount[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (let k = 0; k < dominatesLength[i]; k++) {
        const j = dominates[i * n + k];
        if (--dominatedCount[j] === 0) next.push(j);
      }
    }
    next.sort((a, b) => a - b);
    current = next;
  }
  return fronts;
}
