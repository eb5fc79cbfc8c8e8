/**
 * CPU package energy from Linux powercap (RAPL): `<root>/intel-rapl:N/energy_uj`, a microjoule counter
 * that wraps at `max_energy_range_uj`. Only top-level zones named `package-N` are summed: subzones
 * (`intel-rapl:N:M`, core/uncore/dram) are parts of their package, `psys` covers the whole platform
 * and `intel-rapl-mmio:*` mirrors a package, so adding any of them would count energy twice.
 * AMD CPUs expose their package counters under the same `intel-rapl` names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SourceStatus } from './types';

export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';

interface Zone {
  /** `package-0` etc., from the zone's `name` file. */
  name: string;
  energyFile: string;
  /** Counter range, µJ: the counter goes back to 0 past it. */
  maxRangeUj: number;
  lastUj: number;
}

type Read = { ok: true; value: string } | { ok: false; reason: string };

function readText(file: string): Read {
  try {
    return { ok: true, value: readFileSync(file, 'utf8').trim() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return { ok: false, reason: `permission denied reading ${file} (energy_uj is readable by root only since Linux 5.10)` };
    }
    return { ok: false, reason: `cannot read ${file} (${code ?? (err as Error).message})` };
  }
}

function readNumber(file: string): { ok: true; value: number } | { ok: false; reason: string } {
  const r = readText(file);
  if (!r.ok) return r;
  const v = Number(r.value);
  return Number.isFinite(v) && v >= 0 ? { ok: true, value: v } : { ok: false, reason: `${file} holds '${r.value}', not a counter` };
}

/** Reads the package counters; `status` says whether they work and, when not, why. */
export class PowercapReader {
  readonly status: SourceStatus;
  private readonly zones: Zone[] = [];
  private totalJ = 0;

  constructor(readonly root: string = DEFAULT_POWERCAP_ROOT) {
    const failure = this.discover();
    this.status = failure
      ? { available: false, sources: [], reason: failure }
      : { available: true, sources: this.zones.map((z) => `rapl:${z.name}`), reason: null };
  }

  /**
   * Package energy since construction, J, summed over packages, with counter wraps undone (valid
   * while reads come faster than one wrap: minutes even at full load). Null when unavailable or
   * when a read fails now.
   */
  read(): number | null {
    if (!this.status.available) return null;
    const now: number[] = [];
    for (const z of this.zones) {
      const r = readNumber(z.energyFile);
      if (!r.ok) return null;
      now.push(r.value);
    }
    this.zones.forEach((z, i) => {
      const cur = now[i];
      const deltaUj = cur >= z.lastUj ? cur - z.lastUj : cur + z.maxRangeUj - z.lastUj;
      this.totalJ += deltaUj / 1e6;
      z.lastUj = cur;
    });
    return this.totalJ;
  }

  /** Finds and reads every package zone once; returns why that failed, or null. */
  private discover(): string | null {
    let entries: string[];
    try {
      entries = readdirSync(this.root);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return `no powercap at ${this.root} (the kernel exposes no RAPL counters here, e.g. in a VM)`;
      return `cannot list ${this.root} (${code ?? (err as Error).message})`;
    }
    const top = entries.filter((e) => /^intel-rapl:\d+$/.test(e)).sort();
    for (const entry of top) {
      const dir = path.join(this.root, entry);
      const name = readText(path.join(dir, 'name'));
      if (!name.ok) return name.reason;
      if (!/^package-\d+$/.test(name.value)) continue;
      const energyFile = path.join(dir, 'energy_uj');
      const energy = readNumber(energyFile);
      if (!energy.ok) return energy.reason;
      const range = readNumber(path.join(dir, 'max_energy_range_uj'));
      if (!range.ok) return range.reason;
      this.zones.push({ name: name.value, energyFile, maxRangeUj: range.value, lastUj: energy.value });
    }
    return this.zones.length === 0 ? `no intel-rapl package zone under ${this.root}` : null;
  }
}
