/**
 * Versioned JSON documents. Every document carries `schemaVersion`; reading one either returns it at
 * the current version (running the migrations from its version up, one step at a time) or refuses
 * with a message that says which file, which version, and what to do.
 */
import fs from 'node:fs';
import type { z } from 'zod';
import { ApiError } from '../contract/errors';
import { writeJsonAtomic } from './atomic';

type Json = Record<string, unknown>;

export interface DocSpec<S extends z.ZodType> {
  /** What the document is, for messages ("run", "workspace"). */
  name: string;
  /** The version this build writes. */
  version: number;
  schema: S;
  /** migrations[v] turns a version-v document into a version-(v+1) one. */
  migrations: Record<number, (doc: Json) => Json>;
}

/** Upgrades `raw` to the current version and validates it; throws ApiError('unsupported_schema'). */
export function migrateDoc<S extends z.ZodType>(file: string, raw: unknown, spec: DocSpec<S>): z.output<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ApiError('unsupported_schema', `${file} is not a ${spec.name} document (not a JSON object)`);
  }
  let doc = raw as Json;
  let version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new ApiError('unsupported_schema', `${file} has no schemaVersion; it was not written by SkipViT Studio`);
  }
  if (version > spec.version) {
    throw new ApiError(
      'unsupported_schema',
      `${file} is a ${spec.name} document of schema version ${version}, newer than this SkipViT Studio reads ` +
        `(${spec.version}); open it with a newer version`,
    );
  }
  while (version < spec.version) {
    const step = spec.migrations[version];
    if (!step) {
      throw new ApiError(
        'unsupported_schema',
        `${file} is a ${spec.name} document of schema version ${version}; this SkipViT Studio reads version ` +
          `${spec.version} and cannot migrate from ${version}`,
      );
    }
    doc = { ...step(doc), schemaVersion: version + 1 };
    version += 1;
  }
  const parsed = spec.schema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ApiError(
      'unsupported_schema',
      `${file} is not a valid ${spec.name} document: ${first.path.join('.') || '(root)'}: ${first.message}`,
    );
  }
  return parsed.data;
}

/** Reads, migrates and validates; a migrated document is written back atomically at the new version. */
export function readDoc<S extends z.ZodType>(file: string, spec: DocSpec<S>): z.output<S> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not_found', `${file} does not exist`);
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ApiError('unsupported_schema', `${file} is not valid JSON (${(err as Error).message})`);
  }
  const doc = migrateDoc(file, raw, spec);
  if ((raw as Json).schemaVersion !== spec.version) writeJsonAtomic(file, doc);
  return doc;
}
