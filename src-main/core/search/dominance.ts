/**
 * Pareto dominance and Deb's constrained domination (Deb et al. 2002, section VI), all objectives minimised.
 *
 * Constrained domination: a feasible solution beats an infeasible one; of two infeasible ones the one with the
 * smaller total violation wins; two feasible ones compare by Pareto dominance. This is the rule Deb's C code
 * (check_dominance) and pymoo's NSGA-II apply, and it needs no penalty parameter.
 */

/** -1 if a Pareto-dominates b, 1 if b dominates a, 0 if neither (or equal). */
export function paretoCompare(a: ArrayLike<number>, b: ArrayLike<number>): -1 | 0 | 1 {
  let aBetter = false;
  let bBetter = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) aBetter = true;
    else if (b[i] < a[i]) bBetter = true;
    if (aBetter && bBetter) return 0;
  }
  if (aBetter) return -1;
  if (bBetter) return 1;
  return 0;
}

/**
 * -1 if a constrained-dominates b, 1 if b constrained-dominates a, 0 otherwise.
 * Violations are totals >= 0; 0 means feasible.
 */
export function constrainedCompare(
  a: ArrayLike<number>,
  violationA: number,
  b: ArrayLike<number>,
  violationB: number,
): -1 | 0 | 1 {
  if (violationA > 0 || violationB > 0) {
    if (violationA < violationB) return -1;
    if (violationB < violationA) return 1;
    // Equal violation: both infeasible, neither dominates. (Both feasible cannot reach here.)
    return 0;
  }
  return paretoCompare(a, b);
}
