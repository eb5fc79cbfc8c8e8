/**
 * A small, strict argument parser: `--flag value`, `--flag=value`, boolean `--flag`, positionals.
 * Unknown flags are an error that names the flag, so a typo never silently changes a run.
 */
export interface FlagSpec {
  type: 'string' | 'number' | 'boolean' | 'list';
  help: string;
  default?: string | number | boolean;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown flag --${name}`);
    if (s.type === 'boolean') {
      flags[name] = eq >= 0 ? arg.slice(eq + 1) !== 'false' : true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`flag --${name} needs a value`);
    if (s.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new UsageError(`flag --${name} needs a number, got "${raw}"`);
      flags[name] = n;
    } else if (s.type === 'list') {
      flags[name] = raw.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
    } else {
      flags[name] = raw;
    }
  }
  for (const [name, s] of Object.entries(spec)) {
    if (flags[name] === undefined && s.default !== undefined) flags[name] = s.default;
  }
  return { flags, positionals };
}

/** `--batch 1,32,256` as positive integers. */
export function intList(value: unknown, name: string): number[] {
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items.map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name}: "${x}" is not a positive integer`);
    return n;
  });
}

/** A flag that must be one of `choices` (its default included); the error names the flag, the choices and the value. */
export function oneOf<const T extends readonly string[]>(flags: FlagValues, name: string, choices: T): T[number] {
  const v = String(flags[name]);
  if (!choices.includes(v)) throw new UsageError(`--${name} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got "${v}"`);
  return v;
}

export function requireString(flags: FlagValues, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} is required`);
  return v;
}

export function helpText(spec: Record<string, FlagSpec>): string {
  return Object.entries(spec)
    .map(([n, s]) => `  --${n.padEnd(14)} ${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}`)
    .join('\n');
}
