/**
 * Models: `<workspace>/models/<id>/` (model.json + weights.bin in the tfjs layout the core writes,
 * optionally meta.json with the studio's name and provenance) plus the demo models shipped in
 * `resources/models/<name>/`, listed read-only as `demo:<name>`.
 *
 * What a model is (static or dynamic, dataset, preset, metrics) is read from model.json's
 * `modelTopology.skipvit` block, where the core's saveModel keeps it, with meta.json layered on top.
 * Parsed summaries are cached by model.json's mtime, so listing does not re-read unchanged files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelDetail, ModelSummary } from '../contract/api';
import { withPathSync } from '../../core/util/fs-error';
import { ApiError } from '../contract/errors';
import { writeJsonAtomic } from './atomic';
import { readDoc } from './documents';
import { checkName, within } from './paths';
import { MODEL_META } from './schemas';

const DEMO_PREFIX = 'demo:';
type Json = Record<string, unknown>;

export interface ModelListing {
  models: ModelSummary[];
  problems: { id: string; message: string }[];
}

export class ModelStore {
  private cache = new Map<string, { mtimeMs: number; detail: ModelDetail }>();

  constructor(
    readonly root: string,
    /** Folder of the demo models; null when the app ships none. */
    readonly demoRoot: string | null,
  ) {
    fs.mkdirSync(root, { recursive: true });
  }

  /** The folder of a model id (workspace or demo). */
  dir(id: string): string {
    if (id.startsWith(DEMO_PREFIX)) {
      const name = checkName(id.slice(DEMO_PREFIX.length), 'model id');
      if (!this.demoRoot) throw new ApiError('not_found', `no demo model "${name}" (this build ships none)`);
      return within(this.demoRoot, name);
    }
    return within(this.root, checkName(id, 'model id'));
  }

  list(): ModelListing {
    const models: ModelSummary[] = [];
    const problems: ModelListing['problems'] = [];
    const sources: [string | null, string][] = [
      [this.root, ''],
      [this.demoRoot, DEMO_PREFIX],
    ];
    for (const [root, prefix] of sources) {
      if (!root || !fs.existsSync(root)) continue;
      for (const ent of fs.readdirSync(root, { withFileTypes: true })) {
        if (!ent.isDirectory() || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(ent.name)) continue;
        if (!fs.existsSync(path.join(root, ent.name, 'model.json'))) continue;
        const id = prefix + ent.name;
        try {
          const { path: _p, files: _f, meta: _m, ...summary } = this.get(id);
          models.push(summary);
        } catch (err) {
          problems.push({ id, message: (err as Error).message });
        }
      }
    }
    models.sort((a, b) => Number(a.readOnly) - Number(b.readOnly) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
    return { models, problems };
  }

  get(id: string): ModelDetail {
    const dir = this.dir(id);
    const modelFile = path.join(dir, 'model.json');
    let st: fs.Stats;
    try {
      st = fs.statSync(modelFile);
    } catch {
      throw new ApiError('not_found', `no model "${id}"`);
    }
    const metaFile = path.join(dir, 'meta.json');
    const metaMtime = fs.existsSync(metaFile) ? fs.statSync(metaFile).mtimeMs : 0;
    const cached = this.cache.get(id);
    if (cached && cached.mtimeMs === st.mtimeMs + metaMtime) return cached.detail;
    const detail = this.describe(id, dir, st);
    this.cache.set(id, { mtimeMs: st.mtimeMs + metaMtime, detail });
    return detail;
  }

  delete(id: string): void {
    if (id.startsWith(DEMO_PREFIX)) throw new ApiError('read_only', `"${id}" is a demo model shipped with the app and cannot be deleted`);
    this.get(id);
    withPathSync('remove', this.dir(id), () => fs.rmSync(this.dir(id), { recursive: true, force: true }));
    this.cache.delete(id);
  }

  /** Adds the studio's fields to a produced model's meta.json, keeping whatever is already there. */
  annotate(id: string, fields: { name: string; sourceRun: string; createdAt: string; metrics: Record<string, unknown> }): void {
    const file = path.join(this.dir(id), 'meta.json');
    const existing: Json = fs.existsSync(file) ? readDoc(file, MODEL_META) : { schemaVersion: MODEL_META.version };
    writeJsonAtomic(file, { ...fields, ...existing });
  }

  private describe(id: string, dir: string, st: fs.Stats): ModelDetail {
    const modelFile = path.join(dir, 'model.json');
    let json: Json;
    try {
      json = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as Json;
    } catch (err) {
      throw new ApiError('unsupported_schema', `${modelFile} is not valid JSON (${(err as Error).message})`);
    }
    const topology = (json.modelTopology ?? {}) as Json;
    const core = (typeof topology.skipvit === 'object' && topology.skipvit !== null ? topology.skipvit : {}) as Json;
    const metaFile = path.join(dir, 'meta.json');
    const meta: Json = fs.existsSync(metaFile) ? readDoc(metaFile, MODEL_META) : {};
    const pick = (key: string): unknown => meta[key] ?? core[key];
    const dataset = pick('dataset');
    const files = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, sizeBytes: fs.statSync(path.join(dir, e.name)).size }));
    const demo = id.startsWith(DEMO_PREFIX);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const sourceRun = str(meta.sourceRun);
    const createdAt = str(meta.createdAt) ?? str(meta.created) ?? str(core.createdAt) ?? st.mtime.toISOString();
    return {
      id,
      name: str(pick('name')) ?? (demo ? id.slice(DEMO_PREFIX.length) : id),
      source: demo ? 'demo' : 'workspace',
      readOnly: demo,
      kind: pick('kind') === 'dynamic' ? 'dynamic' : 'static',
      ...optional('dataset', typeof dataset === 'object' && dataset !== null ? str((dataset as Json).name) : str(dataset)),
      ...optional('preset', str(pick('preset'))),
      metrics: numbers(pick('metrics')),
      createdAt,
      sizeBytes: files.reduce((s, f) => s + f.sizeBytes, 0),
      ...optional('sourceRun', sourceRun && /^[a-z0-9][a-z0-9-]{0,79}$/.test(sourceRun) ? sourceRun : undefined),
      // The core's completion marker; models written before it existed are complete.
      complete: core.complete !== false,
      path: dir,
      files,
      meta: { ...core, ...meta },
    };
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The numeric entries of a metrics object (anything else is dropped). */
function numbers(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}
