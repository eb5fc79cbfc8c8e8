/**
 * Standard test problems with known Pareto fronts, used to check the engine against the literature:
 * ZDT1-3 (Zitzler, Deb & Thiele 2000; 30 variables), DTLZ2 (Deb et al. 2002; 3 objectives, 12 variables),
 * CONSTR (Deb 2001, a constrained problem whose front lies on an active constraint), and MIXED_ZDT1, our
 * small mixed bit + real problem. All objectives minimised.
 *
 * `frontHypervolume(ref)` is the hypervolume of the TRUE front (the limit a perfect run approaches), for a
 * reference point that encloses the front; ratios of a run's hypervolume to it measure convergence and spread.
 */
import type { BatchEvaluator, Evaluation, Genome, GenomeSpec } from './types';

export interface TestProblem {
  name: string;
  spec: GenomeSpec;
  nObjectives: number;
  /** Evaluates one genome (synchronous; wrap with {@link batchEvaluator} for the engine). */
  evaluate(genome: Genome): Evaluation;
  /** Points of the true Pareto front; roughly `n` of them (see each problem). */
  paretoFront(n: number): number[][];
  /** Hypervolume of the true Pareto front for `ref`; throws if `ref` does not enclose the front. */
  frontHypervolume(ref: number[]): number;
}

/** The engine's batched, async interface over an elementwise problem. */
export function batchEvaluator(problem: TestProblem): BatchEvaluator {
  return async (genomes) => genomes.map((g) => problem.evaluate(g));
}

const ZDT_VARIABLES = 30;

/** The ZDT family: f1 = x1, f2 = g * h(f1 / g), g = 1 + 9 * mean(x2..xn); front at g = 1, i.e. x2..xn = 0. */
function zdt(
  name: string,
  h: (r: number, f1: number) => number,
  front: Pick<TestProblem, 'paretoFront' | 'frontHypervolume'>,
): TestProblem {
  return {
    name,
    spec: { real: { lower: new Array(ZDT_VARIABLES).fill(0), upper: new Array(ZDT_VARIABLES).fill(1) }, bits: 0 },
    nObjectives: 2,
    evaluate({ real: x }) {
      let s = 0;
      for (let i = 1; i < x.length; i++) s += x[i];
      const g = 1 + (9 * s) / (x.length - 1);
      return { objectives: [x[0], g * h(x[0] / g, x[0])] };
    },
    ...front,
  };
}

/** ZDT1: convex front f2 = 1 - sqrt(f1), f1 in [0, 1]; its hypervolume for ref >= (1, 1) is r1 r2 - 1/3. */
export const ZDT1: TestProblem = zdt('ZDT1', (r) => 1 - Math.sqrt(r), {
  paretoFront: (n) => linspace(0, 1, n).map((f1) => [f1, 1 - Math.sqrt(f1)]),
  frontHypervolume: (ref) => {
    requireEnclosing(ref, [1, 1]);
    return ref[0] * ref[1] - 1 / 3; // the box minus the area under the front, integral of 1 - sqrt(t) = 1/3
  },
});

/** ZDT2: concave front f2 = 1 - f1^2, f1 in [0, 1]; hypervolume r1 r2 - 2/3. */
export const ZDT2: TestProblem = zdt('ZDT2', (r) => 1 - r * r, {
  paretoFront: (n) => linspace(0, 1, n).map((f1) => [f1, 1 - f1 * f1]),
  frontHypervolume: (ref) => {
    requireEnclosing(ref, [1, 1]);
    return ref[0] * ref[1] - 2 / 3;
  },
});

const zdt3Curve = (f1: number): number => 1 - Math.sqrt(f1) - f1 * Math.sin(10 * Math.PI * f1);

/**
 * ZDT3: disconnected front, the non-dominated parts of f2 = 1 - sqrt(f1) - f1 sin(10 pi f1), f1 in [0, 1]
 * (five pieces, the last ending at f1 ~ 0.8518). paretoFront(n) keeps the non-dominated points of an n-point
 * grid over f1 (about a fifth of them). frontHypervolume integrates the attainment boundary numerically, see
 * zdt3FrontHypervolume.
 */
export const ZDT3: TestProblem = zdt('ZDT3', (r, f1) => 1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * f1), {
  paretoFront: (n) => {
    const front: number[][] = [];
    let best = Infinity;
    for (const f1 of linspace(0, 1, n)) {
      const f2 = zdt3Curve(f1);
      if (f2 < best) {
        front.push([f1, f2]);
        best = f2;
      }
    }
    return front;
  },
  frontHypervolume: (ref) => {
    requireEnclosing(ref, [1, 1]);
    return zdt3FrontHypervolume(ref);
  },
});

const ZDT3_CELLS = 1 << 21;
/**
 * Hypervolume of the ZDT3 front by dense sampling: a point (x, y) is dominated by the front iff some front
 * point has f1 <= x and f2 <= y, so the volume is the integral over x in [0, r1] of r2 - m(x), with m(x) the
 * running minimum of the curve over [0, min(x, 1)] (the disconnected front is exactly where the curve sets a
 * new running minimum). Midpoint rule on 2^21 cells (~0.2 s): within 2e-11 of the closed form for ref (1.1, 1.1).
 * The test suite checks it against the closed-form integral over pymoo's five front pieces.
 */
function zdt3FrontHypervolume(ref: number[]): number {
  const h = 1 / ZDT3_CELLS;
  let runningMin = Infinity;
  let area = 0;
  for (let k = 0; k < ZDT3_CELLS; k++) {
    runningMin = Math.min(runningMin, zdt3Curve((k + 0.5) * h));
    area += (ref[1] - Math.min(ref[1], runningMin)) * h;
  }
  return area + (ref[0] - 1) * (ref[1] - Math.min(ref[1], runningMin));
}

/**
 * DTLZ2 with 3 objectives and 12 variables (k = 10): f = (1 + g) * (cos a cos b, cos a sin b, sin a) with
 * a = x1 pi/2, b = x2 pi/2, g = sum over x3..x12 of (xi - 0.5)^2. The front is the unit sphere's positive
 * octant (g = 0); its hypervolume for ref >= (1, 1, 1) is r1 r2 r3 - pi/6. paretoFront(n) is a
 * ceil(sqrt(n))^2 angle grid.
 */
export const DTLZ2: TestProblem = {
  name: 'DTLZ2',
  spec: { real: { lower: new Array(12).fill(0), upper: new Array(12).fill(1) }, bits: 0 },
  nObjectives: 3,
  evaluate({ real: x }) {
    let g = 0;
    for (let i = 2; i < x.length; i++) g += (x[i] - 0.5) ** 2;
    return { objectives: sphere(x[0], x[1]).map((v) => (1 + g) * v) };
  },
  paretoFront: (n) => {
    const side = Math.ceil(Math.sqrt(n));
    return linspace(0, 1, side).flatMap((a) => linspace(0, 1, side).map((b) => sphere(a, b)));
  },
  frontHypervolume: (ref) => {
    requireEnclosing(ref, [1, 1, 1]);
    return ref[0] * ref[1] * ref[2] - Math.PI / 6; // the box minus one eighth of the unit ball
  },
};

function sphere(x1: number, x2: number): number[] {
  const a = (x1 * Math.PI) / 2;
  const b = (x2 * Math.PI) / 2;
  return [Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b), Math.sin(a)];
}

/**
 * CONSTR (Deb 2001): minimise f1 = x1 and f2 = (1 + x2) / x1, x1 in [0.1, 1], x2 in [0, 5], subject to
 * x2 + 9 x1 >= 6 and -x2 + 9 x1 >= 1 (violation = sum of the amounts by which they fail). The unconstrained
 * optimum x2 = 0 is infeasible for x1 < 2/3, so part of the front lies ON the first constraint:
 * f2 = 7/f1 - 9 for f1 in [7/18, 2/3] (x2 = 6 - 9 x1), then f2 = 1/f1 for f1 in [2/3, 1] (x2 = 0).
 */
export const CONSTR: TestProblem = {
  name: 'CONSTR',
  spec: { real: { lower: [0.1, 0], upper: [1, 5] }, bits: 0 },
  nObjectives: 2,
  evaluate({ real: [x1, x2] }) {
    const violation = Math.max(0, 6 - (x2 + 9 * x1)) + Math.max(0, 1 - (-x2 + 9 * x1));
    return { objectives: [x1, (1 + x2) / x1], constraintViolation: violation };
  },
  paretoFront: (n) => linspace(7 / 18, 1, n).map((f1) => [f1, constrFront(f1)]),
  frontHypervolume: (ref) => {
    requireEnclosing(ref, [1, 9]);
    // Box [7/18, r1] x [0, r2] minus the area under the front (and under f2 = 1 beyond f1 = 1).
    const under = 7 * Math.log(2 / 3 / (7 / 18)) - 9 * (2 / 3 - 7 / 18) + Math.log(3 / 2) + (ref[0] - 1);
    return ref[1] * (ref[0] - 7 / 18) - under;
  },
};

/** The CONSTR front's f2 at f1 in [7/18, 1]. */
export function constrFront(f1: number): number {
  return f1 <= 2 / 3 ? 7 / f1 - 9 : 1 / f1;
}

/** Target bit pattern of MIXED_ZDT1: 1, 0, 1, 0, ... */
export const MIXED_TARGET: readonly number[] = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 1 : 0));
const MIXED_TAIL_OPTIMUM = 0.3;

/**
 * MIXED_ZDT1: ZDT1 whose distance function g mixes real and binary genes, for testing the mixed genome.
 * 6 real genes in [0, 1] and 12 bits; f1 = x1, f2 = g (1 - sqrt(f1 / g)) with
 * g = 1 + 9 (sum over x2..x6 of (xi - 0.3)^2 + number of bits differing from MIXED_TARGET) / 17.
 * Its front is ZDT1's, reached only with x2..x6 = 0.3 AND bits = MIXED_TARGET.
 */
export const MIXED_ZDT1: TestProblem = {
  name: 'MIXED_ZDT1',
  spec: { real: { lower: new Array(6).fill(0), upper: new Array(6).fill(1) }, bits: MIXED_TARGET.length },
  nObjectives: 2,
  evaluate({ real: x, bits }) {
    let s = 0;
    for (let i = 1; i < x.length; i++) s += (x[i] - MIXED_TAIL_OPTIMUM) ** 2;
    for (let i = 0; i < bits.length; i++) s += bits[i] === MIXED_TARGET[i] ? 0 : 1;
    const g = 1 + (9 * s) / (x.length - 1 + bits.length);
    return { objectives: [x[0], g * (1 - Math.sqrt(x[0] / g))] };
  },
  paretoFront: ZDT1.paretoFront,
  frontHypervolume: ZDT1.frontHypervolume,
};

function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

function requireEnclosing(ref: number[], nadir: number[]): void {
  if (ref.length !== nadir.length || ref.some((r, i) => r < nadir[i])) {
    throw new Error(`reference point ${JSON.stringify(ref)} must be >= ${JSON.stringify(nadir)} for this front`);
  }
}
