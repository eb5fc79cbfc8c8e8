import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../src-main/core/search/hypervolume';
import { Rng } from '../../src-main/core/util/rng';

describe('hypervolume, 2 objectives', () => {
  it('matches a hand-computed staircase', () => {
    // Reference (4, 4). Points (1,3), (2,2), (3,1): staircase area by columns:
    // x in [1,2): 4-3 = 1; [2,3): 4-2 = 2; [3,4): 4-1 = 3  ->  1 + 2 + 3 = 6.
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBeCloseTo(6, 12);
  });

  it('ignores dominated points, duplicates, order and points outside the reference box', () => {
    const front = [
      [1, 3],
      [2, 2],
      [3, 1],
    ];
    const noisy = [
      [3, 1],
      [2.5, 2.5], // dominated by (2, 2)
      [2, 2], // duplicate
      [1, 3],
      [0.5, 4], // on the reference's f2 boundary: encloses nothing
      [5, 0], // beyond the reference in f1
      [-1, 9], // beyond in f2
    ];
    expect(hypervolume(noisy, [4, 4])).toBeCloseTo(hypervolume(front, [4, 4]), 12);
  });

  it('handles a single point, an empty set and negative coordinates', () => {
    expect(hypervolume([[1, 2]], [3, 5])).toBe(2 * 3);
    expect(hypervolume([], [1, 1])).toBe(0);
    expect(hypervolume([[-1, -1]], [1, 1])).toBe(4);
  });

  it('rejects points of the wrong dimension', () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow(/objectives/);
  });
});

describe('hypervolume, 3 objectives', () => {
  it('matches a hand-computed union of boxes', () => {
    // Reference (2, 2, 2). (0,1,1) dominates box [0,2]x[1,2]x[1,2] = 2*1*1 = 2; (1,0,1): 1*2*1 = 2;
    // (1,1,0): 1*1*2 = 2. Pairwise overlaps: (0,1,1)&(1,0,1) -> [1,2]x[1,2]x[1,2] = 1, and likewise the other
    // two pairs; the triple overlap is the same unit cube. Inclusion-exclusion: 6 - 3 + 1 = 4.
    const pts = [
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ];
    expect(hypervolume(pts, [2, 2, 2])).toBeCloseTo(4, 12);
    // Adding a dominated point, a duplicate and a point outside the box changes nothing.
    expect(hypervolume([...pts, [1, 1, 1], [0, 1, 1], [3, 0, 0]], [2, 2, 2])).toBeCloseTo(4, 12);
  });

  it('reduces to a box for one point, and to the 2-D value times the depth for a flat set', () => {
    expect(hypervolume([[1, 2, 3]], [2, 4, 7])).toBeCloseTo(1 * 2 * 4, 12);
    const flat = [
      [1, 3, 0],
      [2, 2, 0],
      [3, 1, 0],
    ];
    expect(hypervolume(flat, [4, 4, 5])).toBeCloseTo(6 * 5, 12);
  });

  it('agrees with exact cell counting on random integer point sets', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const pts = Array.from({ length: 15 }, () => [rng.int(8), rng.int(8), rng.int(8)]);
      const ref = [8, 8, 8];
      // Unit cell [x,x+1]x[y,y+1]x[z,z+1] is dominated iff some point p has p <= (x, y, z).
      let cells = 0;
      for (let x = 0; x < 8; x++)
        for (let y = 0; y < 8; y++)
          for (let z = 0; z < 8; z++) if (pts.some((p) => p[0] <= x && p[1] <= y && p[2] <= z)) cells++;
      expect(hypervolume(pts, ref)).toBe(cells);
    }
  });

  it('agrees with cell counting in 2-D too', () => {
    const rng = new Rng(8);
    for (let trial = 0; trial < 20; trial++) {
      const pts = Array.from({ length: 10 }, () => [rng.int(12), rng.int(12)]);
      let cells = 0;
      for (let x = 0; x < 10; x++) for (let y = 0; y < 10; y++) if (pts.some((p) => p[0] <= x && p[1] <= y)) cells++;
      expect(hypervolume(pts, [10, 10])).toBe(cells);
    }
  });
});
