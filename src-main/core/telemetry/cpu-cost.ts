/**
 * CPU time of a synchronous piece of the sampler, for its self-cost figure.
 */

/**
 * Runs fn and returns its CPU time, ms: the process.cpuUsage() delta, capped by the wall time.
 * cpuUsage() covers the whole process, so threads busy meanwhile (tfjs workers) inflate it, while fn
 * runs on one thread and cannot use more CPU than wall time: the smaller of the two is still an
 * upper bound of fn's cost, never an underestimate.
 */
export function cpuMsOf(fn: () => void): number {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  fn();
  const wallMs = performance.now() - w0;
  const d = process.cpuUsage(c0);
  return Math.min((d.user + d.system) / 1000, wallMs);
}
