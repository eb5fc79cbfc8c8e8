import { describe, expect, it } from 'vitest';
import { crowdingDistance } from '../../src-main/core/search/crowding';
import { constrainedCompare, paretoCompare } from '../../src-main/core/search/dominance';
import { nonDominatedSort } from '../../src-main/core/search/non-dominated-sort';

describe('dominance', () => {
  it('Pareto dominance (minimisation)', () => {
    expect(paretoCompare([1, 2], [2, 3])).toBe(-1);
    expect(paretoCompare([1, 3], [1, 2])).toBe(1);
    expect(paretoCompare([1, 3], [2, 2])).toBe(0);
    expect(paretoCompare([1, 2], [1, 2])).toBe(0);
  });

  it('constrained domination: feasible first, then lower violation, then Pareto', () => {
    expect(constrainedCompare([9, 9], 0, [0, 0], 0.1)).toBe(-1); // feasible beats infeasible, whatever f
    expect(constrainedCompare([0, 0], 0.5, [9, 9], 0.2)).toBe(1); // both infeasible: smaller violation wins
    expect(constrainedCompare([0, 0], 0.2, [9, 9], 0.2)).toBe(0); // equal violation: neither
    expect(constrainedCompare([1, 1], 0, [2, 2], 0)).toBe(-1); // both feasible: Pareto
  });
});

describe('fast non-dominated sort', () => {
  it('sorts a hand-made set into its fronts', () => {
    const pts = [
      [1, 5], // 0: front 0
      [2, 3], // 1: front 0
      [4, 1], // 2: front 0
      [3, 4], // 3: dominated by 1 -> front 1
      [5, 2], // 4: dominated by 2 -> front 1
      [5, 5], // 5: dominated by 3 and 4 -> front 2
      [2, 3], // 6: duplicate of 1 -> front 0 (equal vectors do not dominate each other)
    ];
    expect(nonDominatedSort(pts)).toEqual([[0, 1, 2, 6], [3, 4], [5]]);
  });

  it('puts feasible before infeasible and orders infeasible by violation', () => {
    const pts = [
      [1, 1],
      [5, 5],
      [0, 0],
      [0, 0],
      [6, 6],
    ];
    const cv = [0, 0, 0.3, 0.1, 0];
    // feasible: 0 dominates 1 and 4, 1 dominates 4; infeasible: 3 (0.1) before 2 (0.3).
    expect(nonDominatedSort(pts, cv)).toEqual([[0], [1], [4], [3], [2]]);
  });
});

describe('crowding distance', () => {
  it('matches a hand computation on a 2-D front', () => {
    // Front (0,4), (1,2), (3,1), (4,0). Ranges: f1 4, f2 4.
    // (1,2): f1 gap (3-0)/4 = 0.75, f2 gap (4-1)/4 = 0.75 -> 1.5
    // (3,1): f1 gap (4-1)/4 = 0.75, f2 gap (2-0)/4 = 0.5  -> 1.25
    const d = crowdingDistance([
      [0, 4],
      [3, 1],
      [1, 2],
      [4, 0],
    ]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[2]).toBeCloseTo(1.5, 12);
    expect(d[1]).toBeCloseTo(1.25, 12);
  });

  it('matches a hand computation in 3-D', () => {
    // Extremes are the min/max in each objective: points 0, 2 (f1), 0, 2 (f2), 1, 3 (f3) -> all but 4 infinite.
    const front = [
      [0, 4, 2],
      [1, 3, 0],
      [4, 0, 2],
      [2, 2, 4],
      [3, 1, 1],
    ];
    const d = crowdingDistance(front);
    expect(d.slice(0, 4)).toEqual([Infinity, Infinity, Infinity, Infinity]);
    // Point 4 (3,1,1): f1 neighbours 2 and 4 -> (4-2)/4 = 0.5; f2 neighbours 0 and 2 -> 0.5;
    // f3 sorted 0(1),1(4),2(0),2(2),4(3): neighbours 0 and 2 -> 0.5.  Total 1.5.
    expect(d[4]).toBeCloseTo(1.5, 12);
  });

  it('gives fronts of one or two points infinite distance, duplicates zero', () => {
    expect(crowdingDistance([[1, 2]])).toEqual([Infinity]);
    expect(
      crowdingDistance([
        [1, 2],
        [2, 1],
      ]),
    ).toEqual([Infinity, Infinity]);
    const d = crowdingDistance([
      [0, 4],
      [1, 2],
      [1, 2],
      [4, 0],
    ]);
    expect(d[2]).toBe(0);
    expect(d[1]).toBeCloseTo(2, 12); // (4-0)/4 + (4-0)/4, its duplicate ignored
  });

  it('skips an objective without spread', () => {
    const d = crowdingDistance([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expect(d).toEqual([Infinity, 1, Infinity]);
  });
});
