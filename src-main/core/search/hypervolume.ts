/**
 * Exact hypervolume (the Lebesgue measure of the region dominated by a point set and bounded by a reference
 * point), all objectives minimised.
 *
 * - 2 objectives: one sweep in increasing f1, O(n log n).
 * - 3 or more: hypervolume by slicing objectives (HSO, Zitzler 2001; While et al. 2006): sort by the last
 *   objective, and each slab between two consecutive values is the (m-1)-dimensional hypervolume of the points
 *   at or below it times the slab's depth. O(n^2 log n) for 3 objectives, fine for a few hundred points;
 *   exponential in m, so meant for m <= 4 or so.
 *
 * Points that do not strictly dominate the reference point (some f_i >= r_i) enclose no volume and are
 * ignored; dominated points and duplicates are harmless (they add nothing).
 */
export function hypervolume(points: readonly ArrayLike<number>[], ref: ArrayLike<number>): number {
  const m = ref.length;
  const inside: number[][] = [];
  for (const p of points) {
    if (p.length !== m) throw new Error(`hypervolume: point has ${p.length} objectives, reference point has ${m}`);
    let ok = true;
    for (let i = 0; i < m && ok; i++) ok = p[i] < ref[i];
    if (ok) inside.push(Array.from(p));
  }
  return slice(inside, Array.from(ref), m);
}

/** Hypervolume of `points` in their first `m` coordinates; every point is inside the reference box. */
function slice(points: number[][], ref: number[], m: number): number {
  if (points.length === 0) return 0;
  if (m === 1) return ref[0] - Math.min(...points.map((p) => p[0]));
  if (m === 2) return sweep2d(points, ref);
  const k = m - 1;
  const sorted = points.slice().sort((a, b) => a[k] - b[k]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1][k] : ref[k];
    const depth = top - sorted[i][k];
    if (depth > 0) volume += slice(sorted.slice(0, i + 1), ref, k) * depth;
  }
  return volume;
}

function sweep2d(points: number[][], ref: number[]): number {
  const sorted = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let volume = 0;
  let bestY = ref[1];
  for (const [x, y] of sorted) {
    // Only a point below everything seen so far (which all have smaller x) adds a new rectangle.
    if (y < bestY) {
      volume += (ref[0] - x) * (bestY - y);
      bestY = y;
    }
  }
  return volume;
}
