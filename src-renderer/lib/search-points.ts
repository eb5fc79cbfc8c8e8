/** Pure helpers of the Search view's point panels: which layers a point keeps, and its numbers as shown. */
import type { FrontPoint } from './results';
import { num, pct } from './format';

/** 1 for each layer the point keeps, 0 for a pruned one. */
export const keptLayers = (p: FrontPoint, depth: number): number[] =>
  Array.from({ length: depth }, (_, l) => (p.prunedLayers.includes(l) ? 0 : 1));

/** The point's numbers, in the order shown (absent ones left out). */
export function detailRows(p: FrontPoint, depth: number): [string, string][] {
  const rows: [string, string | null][] = [
    ['Test accuracy', pct(p.accuracy, 2)],
    ['Executed layer cost', pct(p.meanExecutedCost)],
    ['Executed layers', p.meanExecutedLayers === undefined ? null : `${num(p.meanExecutedLayers, 2)} of ${depth}`],
    ['Pruned layers', `${p.prunedLayers.length ? p.prunedLayers.map((l) => l + 1).join(', ') : 'none'} (${pct(p.prunedFraction, 0)})`],
    ['Validation accuracy', p.valAccuracy === undefined ? null : pct(p.valAccuracy, 2)],
    ['Validation executed cost', p.valExecutedCost === undefined ? null : pct(p.valExecutedCost)],
    ['Validation reward', p.valReward === undefined ? null : num(p.valReward, 3)],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== null);
}
