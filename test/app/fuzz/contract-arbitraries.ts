/**
 * fast-check arbitraries read off the API contract's zod schemas: for every field, values that pass
 * (patterns through fc.stringMatching, numbers inside their bounds), the boundary values on both sides of
 * each bound, wrong types, and hostile strings (path traversal, prototype keys, NUL, huge). Used by
 * fuzz.test.ts; nothing here knows a particular call.
 */
import fc from 'fast-check';
import type { z } from 'zod';

/** Strings every string field gets now and then: traversal, absolute paths, prototype keys, control bytes. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  '/',
  'a/../../b',
  '%2e%2e%2fetc%2fpasswd',
  '..%2f..%2f',
  'demo:../x',
  'demo:../../etc',
  'demo:',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'nul\u0000byte',
  'line\nbreak',
  '\u202e\u0000\uffff',
  'folder:/etc',
  'folder:../../',
  'x'.repeat(300),
  'ü'.repeat(130),
  'CON',
  'index.json',
  'run.json',
];

/** Values of any JSON type, for "wrong type" inputs. */
const anyJson = fc.oneof(fc.constantFrom(null, true, false, 0, -1, 1.5, '', 'x', [], {}), fc.jsonValue({ maxDepth: 3 }));

export interface ArbitraryOptions {
  /** Ids known to exist (run ids, model ids), mixed into fields with those schemas. */
  known?: Map<z.ZodType, string[]>;
}

type Def = { type: string; [k: string]: any };
const def = (s: z.ZodType): Def => (s as any)._zod.def as Def;
const checks = (s: z.ZodType): Def[] => ((def(s).checks ?? []) as any[]).map((c) => c._zod.def as Def);

/** An arbitrary of inputs for `schema`: mostly plausible, often at a boundary, sometimes hostile or mistyped. */
export function arbitraryFor(schema: z.ZodType, opts: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const d = def(schema);
  const known = opts.known?.get(schema);
  const wrong = anyJson;
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: arbitraryFor(d.innerType, opts) });
    case 'pipe':
      return arbitraryFor(d.in, opts);
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>;
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arbitraryFor(v, opts)]));
      const record = fc
        .record(fields, { requiredKeys: [] })
        .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
      const extra = fc
        .tuple(record, fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length > 0 && s.length < 50)), anyJson)
        .map(([r, k, v]) => {
          const out: Record<string, unknown> = { ...r };
          Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
          return out;
        });
      return fc.oneof({ weight: 12, arbitrary: record }, { weight: 1, arbitrary: extra }, { weight: 1, arbitrary: wrong });
    }
    case 'string':
      return fc.oneof(
        {
          weight: 6,
          arbitrary: known && known.length > 0 ? fc.oneof(fc.constantFrom(...known), plausibleString(schema)) : plausibleString(schema),
        },
        { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
        { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
        { weight: 1, arbitrary: wrong },
      );
    case 'number':
      return fc.oneof({ weight: 6, arbitrary: numberFor(schema) }, { weight: 1, arbitrary: wrong });
    case 'boolean':
      return fc.oneof({ weight: 6, arbitrary: fc.boolean() }, { weight: 1, arbitrary: wrong });
    case 'enum':
      return fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...Object.values(d.entries as Record<string, string>)) },
        { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
        { weight: 1, arbitrary: wrong },
      );
    case 'literal':
      return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(d.values as unknown[])) }, { weight: 1, arbitrary: wrong });
    case 'union':
      return fc.oneof(...(d.options as z.ZodType[]).map((o) => arbitraryFor(o, opts)));
    case 'array': {
      const max = checks(schema).find((c) => c.check === 'max_length')?.maximum ?? 8;
      const min = checks(schema).find((c) => c.check === 'min_length')?.minimum ?? 0;
      const item = arbitraryFor(d.element, opts);
      return fc.oneof(
        { weight: 6, arbitrary: fc.array(item, { minLength: min, maxLength: Math.min(max, 8) }) },
        { weight: 1, arbitrary: fc.array(item, { minLength: max + 1, maxLength: max + 2 }) },
        { weight: 1, arbitrary: wrong },
      );
    }
    case 'record':
      return fc.oneof(
        { weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), anyJson, { maxKeys: 4 }) },
        { weight: 1, arbitrary: wrong },
      );
    default:
      return anyJson; // unknown, any, custom
  }
}

/** Strings that match the field's pattern and length bounds, plus ones just outside the bounds. */
function plausibleString(schema: z.ZodType): fc.Arbitrary<string> {
  const cs = checks(schema);
  const pattern = cs.find((c) => c.check === 'string_format' && c.pattern)?.pattern as RegExp | undefined;
  const min = cs.find((c) => c.check === 'min_length')?.minimum as number | undefined;
  const max = cs.find((c) => c.check === 'max_length')?.maximum as number | undefined;
  const matching = pattern ? fc.stringMatching(pattern) : fc.string({ minLength: min ?? 0, maxLength: Math.min(max ?? 40, 40) });
  const edges: string[] = [];
  if (min !== undefined) edges.push('a'.repeat(min), 'a'.repeat(Math.max(0, min - 1)));
  if (max !== undefined) edges.push('a'.repeat(max), 'a'.repeat(max + 1));
  return edges.length > 0 ? fc.oneof({ weight: 4, arbitrary: matching }, { weight: 1, arbitrary: fc.constantFrom(...edges) }) : matching;
}

/** Numbers inside the bounds, the bounds themselves and their neighbours, fractions for integers, extremes. */
function numberFor(schema: z.ZodType): fc.Arbitrary<number> {
  const cs = checks(schema);
  const int = def(schema).format === 'safeint' || cs.some((c) => c.check === 'number_format' && c.format === 'safeint');
  const lo = cs.find((c) => c.check === 'greater_than')?.value as number | undefined;
  const hi = cs.find((c) => c.check === 'less_than')?.value as number | undefined;
  const edges = [0, -1, 1, 0.5, -0.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2];
  for (const b of [lo, hi]) if (b !== undefined) edges.push(b, b - 1, b + 1, b - 1e-9, b + 1e-9);
  const inside = int
    ? fc.integer({ min: Math.max(lo ?? -1e6, -1e9), max: Math.min(hi ?? 1e6, 1e9) })
    : fc.double({ min: lo ?? -1e6, max: hi ?? 1e6, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 3, arbitrary: inside }, { weight: 2, arbitrary: fc.constantFrom(...edges) });
}
