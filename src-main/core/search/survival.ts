/**
 * Elitist (mu + lambda) survival of NSGA-II: parents and offspring are pooled, sorted into fronts under
 * constrained domination, and whole fronts are kept best first; the front that does not fit is cut by
 * descending crowding distance. Ranks and crowding distances are written onto the survivors, ready for the
 * next tournament.
 */
import { crowdingDistance } from './crowding';
import { nonDominatedSort } from './non-dominated-sort';
import type { Individual } from './types';

/** Keeps `size` individuals of `pool`; sets rank and crowding on every member of the fronts it visits. */
export function rankAndCrowdingSurvival(pool: Individual[], size: number): Individual[] {
  const fronts = nonDominatedSort(
    pool.map((p) => p.objectives),
    pool.map((p) => p.constraintViolation),
  );
  const survivors: Individual[] = [];
  for (let rank = 0; rank < fronts.length && survivors.length < size; rank++) {
    const front = fronts[rank].map((i) => pool[i]);
    const crowding = crowdingDistance(front.map((p) => p.objectives));
    front.forEach((p, k) => {
      p.rank = rank;
      p.crowding = crowding[k];
    });
    if (survivors.length + front.length <= size) {
      survivors.push(...front);
    } else {
      // Stable sort: equal crowding keeps pool order (parents before offspring), deterministic for a seed.
      const order = front.map((_, k) => k).sort((a, b) => crowding[b] - crowding[a] || a - b);
      for (const k of order.slice(0, size - survivors.length)) survivors.push(front[k]);
    }
  }
  return survivors;
}
