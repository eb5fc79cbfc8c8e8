/** Figures in the CLI's one-paragraph job summaries. */

/** A fraction as a percentage, e.g. 0.8813 -> "88.13%". */
export const pct = (v: unknown, digits = 2) => `${((v as number) * 100).toFixed(digits)}%`;

/**
 * A training job's wall time: the whole run's over every resume when its checkpoints kept it, else this
 * call's, said to count from the resume.
 */
export function trainTime(r: Record<string, unknown>): string {
  const resumedFrom = Number(r.resumedFromStep ?? 0);
  if (resumedFrom === 0) return `${(r.wallSeconds as number).toFixed(0)} s`;
  if (typeof r.trainedSeconds === 'number') return `${r.trainedSeconds.toFixed(0)} s over every resume`;
  return `${(r.wallSeconds as number).toFixed(0)} s from the resume at step ${resumedFrom}`;
}
