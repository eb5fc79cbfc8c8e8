/**
 * Loading an export back: config.json is validated against its schema and against the model it sits
 * beside (kept layers, gate biases, depth), then the model is loaded. Optionally the folder is copied into
 * a workspace's models/ so the studio lists it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadModel, type ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, ExportConfigSchema, type ExportConfig } from './config';

export interface ImportOptions {
  /** A workspace folder: the export is copied to `<workspace>/models/<modelId>`. */
  workspace?: string;
  /** The model id there; default the export folder's name. */
  modelId?: string;
}

export interface ImportedExport {
  dir: string;
  config: ExportConfig;
  model: ViT;
  meta: ModelMeta;
  /** Set when copied into a workspace. */
  modelId?: string;
}

async function readConfig(dir: string): Promise<ExportConfig> {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${dir} is not an export folder: it has no config.json`);
    throw err;
  }
  let json: { schemaVersion?: unknown; format?: unknown };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (json?.format !== EXPORT_FORMAT) throw new Error(`${file}: not a SkipViT export (format ${JSON.stringify(json?.format)})`);
  if (json.schemaVersion !== EXPORT_SCHEMA_VERSION) {
    throw new Error(
      `${file}: schema version ${JSON.stringify(json.schemaVersion)} is not supported (this build reads ${EXPORT_SCHEMA_VERSION})`,
    );
  }
  const parsed = ExportConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: "${issue.path.join('.')}" ${issue.message}`);
  }
  return parsed.data;
}

const same = (a: readonly number[] | undefined, b: readonly number[]) => !!a && a.length === b.length && a.every((v, i) => v === b[i]);

export async function importExport(dir: string, opts: ImportOptions = {}): Promise<ImportedExport> {
  const root = path.resolve(dir);
  const config = await readConfig(root);
  const { model, meta } = await loadModel(root);
  const mismatch = !same(meta.sourceLayers, config.layers.kept)
    ? `keeps layers [${meta.sourceLayers ?? 'all'}] where config.json says [${config.layers.kept}]`
    : !same(meta.gateBias, config.layers.gateBias)
      ? 'has other gate biases than config.json'
      : model.depth !== config.architecture.depth
        ? `has depth ${model.depth} where config.json says ${config.architecture.depth}`
        : null;
  if (mismatch) {
    model.dispose();
    throw new Error(`${root}: model.json ${mismatch}; the folder was changed after export`);
  }
  if (!opts.workspace) return { dir: root, config, model, meta };
  const modelId = opts.modelId ?? path.basename(root);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/.test(modelId)) {
    model.dispose();
    throw new Error(`"${modelId}" cannot be a model id (letters, digits, '-', '_'); pass another id`);
  }
  const target = path.join(path.resolve(opts.workspace), 'models', modelId);
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    // mkdir without recursive fails on an existing folder: the id is claimed before anything is copied.
    await fs.mkdir(target);
  } catch (err) {
    model.dispose();
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`the workspace already has a model "${modelId}"; pass another id`);
    throw err;
  }
  await fs.cp(root, target, { recursive: true });
  return { dir: target, config, model, meta, modelId };
}
