/**
 * Reading a stored search result back for export: a run's result.json or a file written by
 * `skipvit search --out`, parsed with the one SearchResultSchema (core/results.ts), then checked for consistency.
 */
import { promises as fs } from 'node:fs';
import { SearchResultSchema, type SearchResult } from '../results';
import type { VitSearchResult } from '../search/vit-search';

type Checked = SearchResult;
/** The checked fields, plus the rest of a search result as optional (older or hand-made files may lack them). */
export type StoredSearchResult = Checked & Partial<Omit<VitSearchResult, keyof Checked>>;

/** Checks a parsed result; `where` names it in the error (a file or a run). */
export function parseSearchResult(json: unknown, where: string): StoredSearchResult {
  const parsed = SearchResultSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? `"${issue.path.join('.')}"` : 'the document';
    throw new Error(`${where} is not a ViT search result this build can export: ${at} ${issue.message}`);
  }
  const r = parsed.data as StoredSearchResult;
  r.front.forEach((p, i) => {
    if (p.index !== i) throw new Error(`${where}: front[${i}] has index ${p.index}; the front is out of order`);
    if (p.gateBias.length !== r.depth)
      throw new Error(`${where}: front point ${i} has ${p.gateBias.length} gate biases for ${r.depth} layers`);
    if (p.prunedLayers.some((l) => l >= r.depth)) throw new Error(`${where}: front point ${i} prunes a layer outside 0..${r.depth - 1}`);
  });
  if (r.knee !== null && r.knee >= r.front.length) throw new Error(`${where}: knee ${r.knee} is not on the front`);
  return r;
}

export async function readSearchResultFile(file: string): Promise<StoredSearchResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${file}: no such search result file`);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseSearchResult(json, file);
}

/** The front point a user asked for: an index, or the suggested knee. */
export function pickPoint(r: StoredSearchResult, point: number | 'knee', where: string): StoredSearchResult['front'][number] {
  if (point === 'knee') {
    if (r.knee === null) throw new Error(`${where} suggests no knee (its front is empty)`);
    return r.front[r.knee];
  }
  const found = Number.isInteger(point) ? r.front.find((p) => p.index === point) : undefined;
  if (!found) {
    const range = r.front.length ? `indices 0..${r.front.length - 1}` : 'the front is empty';
    throw new Error(`point ${point} is not on the front of ${where} (${range}, or "knee")`);
  }
  return found;
}
