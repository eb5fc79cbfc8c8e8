/**
 * Student's paired t-test over seeds: each seed gives one difference (twin minus its own static model), and the test
 * asks whether their mean is zero. Unlike McNemar's test pooled over (seed, image) pairs, it treats the seed, not the
 * image, as the unit of replication: the question "does this recipe lose accuracy, draw after draw?".
 */

import { meanSd } from './summary';

export interface PairedTTest {
  /** Number of differences (seeds); the test needs at least 2. */
  n: number;
  mean: number;
  /** Sample standard deviation of the differences (n - 1). */
  sd: number;
  /** mean / (sd / sqrt(n)); +/-Infinity when every difference is the same non-zero value. */
  t: number;
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  /** 95% confidence interval of the mean difference. */
  low: number;
  high: number;
}

export function pairedTTest(differences: number[]): PairedTTest {
  const n = differences.length;
  if (n < 2) throw new Error(`paired t-test: needs at least 2 differences (seeds), got ${n}`);
  if (!differences.every(Number.isFinite)) throw new Error(`paired t-test: every difference must be a finite number, got ${JSON.stringify(differences)}`);
  const { mean, sd } = meanSd(differences) as { mean: number; sd: number }; // n >= 2: sd is a number
  const df = n - 1;
  const se = sd / Math.sqrt(n);
  const t = se === 0 ? (mean === 0 ? 0 : Math.sign(mean) * Infinity) : mean / se;
  const half = tQuantile(0.975, df) * se;
  return { n, mean, sd, t, df, pValue: tTwoSidedP(t, df), low: mean - half, high: mean + half };
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom: the regularized incomplete beta I_{df/(df+t^2)}(df/2, 1/2). */
export function tTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`t distribution: degrees of freedom must be > 0, got ${df}`);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The q-quantile (0.5 < q < 1) of Student's t, by bisection on the two-sided p-value. */
export function tQuantile(q: number, df: number): number {
  if (!(q > 0.5 && q < 1)) throw new Error(`t quantile: q must be in (0.5, 1), got ${q}`);
  const target = 2 * (1 - q);
  let [lo, hi] = [0, 1];
  while (tTwoSidedP(hi, df) > target) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz), on the side where it converges fast. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - logBeta(a, b));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
  return (front * betaContinuedFraction(x, a, b)) / a;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 500; m++) {
    // Even step, then odd step, of the fraction's terms.
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** log Gamma(z) for z > 0 (Lanczos, g = 7, 9 terms: relative error near 1e-15). */
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const g = 7;
  const coef = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const x = z - 1;
  let s = coef[0];
  for (let i = 1; i < coef.length; i++) s += coef[i] / (x + i);
  const t = x + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}
