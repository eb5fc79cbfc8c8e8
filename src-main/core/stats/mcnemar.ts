/**
 * McNemar's exact test: are two classifiers' error rates different, judged on the same images? Only the
 * discordant pairs carry information: b images only the first got right, c only the second. Under the null
 * hypothesis each discordant pair is a fair coin, so b ~ Binomial(b + c, 1/2); the two-sided p-value is twice
 * the smaller tail, capped at 1 (as R's binom.test and statsmodels' mcnemar(exact=True) compute it).
 */

export interface McNemarResult {
  /** Images the first classifier got right and the second wrong. */
  onlyFirst: number;
  /** Images the second got right and the first wrong. */
  onlySecond: number;
  /** Images compared. */
  n: number;
  /** Two-sided exact p-value. */
  pValue: number;
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so that n in the tens of thousands is exact enough. */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // log C(n, i) by the recurrence C(n, i+1) = C(n, i) (n - i) / (i + 1); terms summed relative to the largest.
  const logTerms: number[] = [];
  let logC = 0;
  for (let i = 0; i <= k; i++) {
    logTerms.push(logC - n * Math.LN2);
    logC += Math.log((n - i) / (i + 1));
  }
  const max = Math.max(...logTerms);
  const sum = logTerms.reduce((a, t) => a + Math.exp(t - max), 0);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}

/** Exact two-sided p-value for b successes in b + c fair trials. */
export function mcnemarExactP(b: number, c: number): number {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0)) throw new Error(`McNemar: counts must be integers >= 0, got ${b} and ${c}`);
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
}

/** `first[i]`, `second[i]`: 1 (or true) where that classifier got image i right. */
export function mcnemar(first: ArrayLike<number | boolean>, second: ArrayLike<number | boolean>): McNemarResult {
  if (first.length !== second.length) throw new Error(`McNemar: the two classifiers were scored on ${first.length} and ${second.length} images; the test needs the same images`);
  let onlyFirst = 0;
  let onlySecond = 0;
  for (let i = 0; i < first.length; i++) {
    const a = Boolean(first[i]);
    const b = Boolean(second[i]);
    if (a && !b) onlyFirst++;
    else if (b && !a) onlySecond++;
  }
  return { onlyFirst, onlySecond, n: first.length, pValue: mcnemarExactP(onlyFirst, onlySecond) };
}
