/**
 * Knee and high trade-off points of a non-dominated front (all objectives minimised), following pymoo's
 * HighTradeoffPoints (pymoo/mcdm/high_tradeoff.py, pymoo/core/decision_making.py), which implements the
 * trade-off measure of Rachmawati & Zhang (2009):
 *
 *   mu(i) = min over neighbours j of  sum_k max(0, f_jk - f_ik)  /  sum_k max(0, f_ik - f_jk)
 *
 * i.e. the least deterioration one must accept per unit of improvement when moving from i to a nearby
 * solution. A large mu means every move away from i is a bad deal: i is a knee. Neighbours are the solutions
 * within `epsilon` (Euclidean), or the min(2m, n-1) nearest if fewer are that close. High trade-off points
 * are the upper-tail outliers of mu: mu >= mean + 2 sigma; if there are none, the single largest mu provided
 * it is above mean + 1 sigma; otherwise none.
 *
 * Differences from pymoo, on purpose: objectives are first normalised to [0, 1] by the front's ideal and nadir
 * (pymoo works on raw values, so its fixed epsilon = 0.125 only makes sense for fronts already in [0, 1]; our
 * objectives are accuracy vs compute, in unrelated units), and `epsilon` is honoured (pymoo's class ignores
 * its epsilon argument and always uses 0.125).
 */

export interface TradeoffOptions {
  /** Neighbourhood radius, in normalised objective space when `normalize`. Default 0.125 (pymoo). */
  epsilon?: number;
  /** Scale each objective to [0, 1] by the front's ideal and nadir first. Default true. */
  normalize?: boolean;
}

/** mu(i) for every point (NaN where it has no informative neighbour, Infinity where a neighbour gains nothing). */
export function tradeoffs(front: readonly ArrayLike<number>[], opts: TradeoffOptions = {}): number[] {
  const n = front.length;
  if (n === 0) return [];
  const m = front[0].length;
  const F = opts.normalize === false ? front.map((p) => Array.from(p)) : normalizeIdealNadir(front);
  const epsilon = opts.epsilon ?? 0.125;
  const minNeighbours = Math.min(2 * m, n - 1);
  return F.map((fi, i) => {
    const byDistance = F.map((fj, j) => ({ j, d: Math.hypot(...fj.map((v, k) => v - fi[k])) }))
      .filter(({ j }) => j !== i)
      .sort((a, b) => a.d - b.d || a.j - b.j);
    let neighbours = byDistance.filter(({ d }) => d <= epsilon);
    if (neighbours.length < minNeighbours) neighbours = byDistance.slice(0, minNeighbours);
    let mu = NaN;
    for (const { j } of neighbours) {
      let sacrifice = 0;
      let gain = 0;
      for (let k = 0; k < m; k++) {
        const diff = F[j][k] - fi[k];
        if (diff > 0) sacrifice += diff;
        else gain -= diff;
      }
      const ratio = sacrifice / gain; // 0/0 (a duplicate) is NaN and ignored, like numpy's nanmin
      if (!Number.isNaN(ratio) && !(ratio >= mu)) mu = ratio;
    }
    return mu;
  });
}

/** Indices (ascending) of the high trade-off points; empty when none stands out. */
export function highTradeoffPoints(front: readonly ArrayLike<number>[], opts: TradeoffOptions = {}): number[] {
  const mu = tradeoffs(front, opts);
  const finite = mu.map((v, i) => ({ v, i })).filter(({ v }) => Number.isFinite(v));
  if (finite.length === 0) return [];
  const mean = finite.reduce((s, { v }) => s + v, 0) / finite.length;
  const sigma = Math.sqrt(finite.reduce((s, { v }) => s + (v - mean) ** 2, 0) / finite.length);
  if (!(sigma > 0)) return [];
  const outliers = finite.filter(({ v }) => (v - mean) / sigma >= 2).map(({ i }) => i);
  if (outliers.length > 0) return outliers;
  const best = finite.reduce((a, b) => (b.v > a.v ? b : a));
  return (best.v - mean) / sigma > 1 ? [best.i] : [];
}

/**
 * The knee of a front: the high trade-off point with the largest mu. When no point stands out (a front of one
 * or two points, a straight line, a front without a marked bend), falls back to pymoo's compromise-programming
 * choice: the point minimising the equal-weight achievement scalarising function max_k f_k on the ideal-nadir
 * normalised front (ties: smaller sum of normalised objectives, then lower index). Returns -1 for an empty front.
 * Note: on a concave front (bulging away from the ideal point, like ZDT2) the worst trade-offs are at the ends,
 * so by this definition an extreme point is the knee; pymoo answers the same.
 */
export function kneePoint(front: readonly ArrayLike<number>[], opts: TradeoffOptions = {}): number {
  if (front.length === 0) return -1;
  const high = highTradeoffPoints(front, opts);
  if (high.length > 0) {
    const mu = tradeoffs(front, opts);
    return high.reduce((a, b) => (mu[b] > mu[a] ? b : a));
  }
  const F = normalizeIdealNadir(front);
  const score = (p: number[]): [number, number] => [Math.max(...p), p.reduce((s, v) => s + v, 0)];
  let best = 0;
  for (let i = 1; i < F.length; i++) {
    const [a, b] = score(F[i]);
    const [c, d] = score(F[best]);
    if (a < c || (a === c && b < d)) best = i;
  }
  return best;
}

/** (f - ideal) / (nadir - ideal) per objective; an objective with no spread maps to 0. */
function normalizeIdealNadir(front: readonly ArrayLike<number>[]): number[][] {
  const m = front[0].length;
  const lo = new Array<number>(m).fill(Infinity);
  const hi = new Array<number>(m).fill(-Infinity);
  for (const p of front) {
    for (let k = 0; k < m; k++) {
      lo[k] = Math.min(lo[k], p[k]);
      hi[k] = Math.max(hi[k], p[k]);
    }
  }
  return front.map((p) => Array.from(p, (v, k) => (hi[k] > lo[k] ? (v - lo[k]) / (hi[k] - lo[k]) : 0)));
}
