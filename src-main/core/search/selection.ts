/**
 * Binary tournament on (rank, crowding), the crowded-comparison operator of Deb et al. 2002: the lower rank
 * wins, then the larger crowding distance, then a coin flip. Rank already encodes constrained domination, so
 * feasibility needs no separate test here.
 *
 * Contestants are drawn like Deb's C code (tselect): from shuffled permutations of the population, taken two at
 * a time, so every individual enters exactly two tournaments per population-size parents drawn.
 */
import type { Rng } from '../util/rng';

export interface Ranked {
  rank: number;
  crowding: number;
}

/** Returns `count` parent indices into `population`. */
export function binaryTournament(population: readonly Ranked[], count: number, rng: Rng): number[] {
  const n = population.length;
  const parents: number[] = [];
  let perm = rng.permutation(n);
  let pos = 0;
  const draw = (): number => {
    if (pos === n) {
      perm = rng.permutation(n);
      pos = 0;
    }
    return perm[pos++];
  };
  while (parents.length < count) {
    const a = draw();
    const b = draw();
    parents.push(crowdedWinner(population, a, b, rng));
  }
  return parents;
}

function crowdedWinner(population: readonly Ranked[], a: number, b: number, rng: Rng): number {
  const pa = population[a];
  const pb = population[b];
  if (pa.rank !== pb.rank) return pa.rank < pb.rank ? a : b;
  if (pa.crowding !== pb.crowding) return pa.crowding > pb.crowding ? a : b;
  return rng.next() < 0.5 ? a : b;
}
