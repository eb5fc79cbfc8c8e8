/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last points and, per bucket,
 * the point that spans the largest triangle with its neighbours, so peaks and trend survive when a
 * 100k-step loss curve is sent as 1,000 points.
 */
export function lttb(x: number[], y: number[], maxPoints: number): { x: number[]; y: number[] } {
  const n = x.length;
  if (maxPoints >= n) return { x, y };
  if (maxPoints < 3) return { x: [x[0], x[n - 1]], y: [y[0], y[n - 1]] };
  const ox = [x[0]];
  const oy = [y[0]];
  const every = (n - 2) / (maxPoints - 2);
  let a = 0;
  for (let i = 0; i < maxPoints - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j];
      avgY += y[j];
    }
    const len = Math.max(1, nextEnd - nextStart);
    avgX /= len;
    avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((x[a] - avgX) * (y[j] - y[a]) - (x[a] - x[j]) * (avgY - y[a]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    ox.push(x[best]);
    oy.push(y[best]);
    a = best;
  }
  ox.push(x[n - 1]);
  oy.push(y[n - 1]);
  return { x: ox, y: oy };
}
