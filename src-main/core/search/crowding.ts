/**
 * Crowding distance (Deb et al. 2002, section III-B): for each objective, sort the front; the two extremes get
 * Infinity, every other solution adds the normalised gap between its two neighbours, (f[next] - f[prev]) /
 * (f_max - f_min). An objective with f_max = f_min adds nothing (Deb's code would divide by zero).
 *
 * Duplicates: like pymoo, when several solutions share one objective vector only the first (lowest index)
 * is measured and the copies get 0, so copies are the first to go in survival and selection. Without this,
 * copies of an extreme point all look "infinitely" uncrowded and crowd out diversity.
 */
export function crowdingDistance(front: ArrayLike<number>[]): number[] {
  const n = front.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  const unique = uniqueIndices(front);
  const u = unique.length;
  if (u <= 2) {
    for (const i of unique) distance[i] = Infinity;
    return distance;
  }
  const m = front[0].length;
  const order = unique.slice();
  for (let k = 0; k < m; k++) {
    order.sort((a, b) => front[a][k] - front[b][k] || a - b);
    const lo = front[order[0]][k];
    const hi = front[order[u - 1]][k];
    distance[order[0]] = Infinity;
    distance[order[u - 1]] = Infinity;
    const range = hi - lo;
    if (range <= 0) continue;
    for (let r = 1; r < u - 1; r++) {
      distance[order[r]] += (front[order[r + 1]][k] - front[order[r - 1]][k]) / range;
    }
  }
  return distance;
}

/** Indices of the first occurrence of each distinct vector, ascending. */
function uniqueIndices(front: ArrayLike<number>[]): number[] {
  const seen = new Set<string>();
  const unique: number[] = [];
  for (let i = 0; i < front.length; i++) {
    const key = Array.prototype.join.call(front[i], ',');
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(i);
    }
  }
  return unique;
}
