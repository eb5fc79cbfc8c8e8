import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PowercapReader } from '../../src-main/core/telemetry/powercap';

/** A fake /sys/class/powercap: zone folder -> files. */
function tree(zones: Record<string, Record<string, string>>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'powercap-'));
  chmodSync(root, 0o755); // readable by the unprivileged user of the permission test
  for (const [zone, files] of Object.entries(zones)) {
    mkdirSync(path.join(root, zone));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, zone, name), `${text}\n`);
  }
  return root;
}

const zone = (name: string, energy: number, max = 262143328850) => ({
  name,
  energy_uj: String(energy),
  max_energy_range_uj: String(max),
});

/** A desktop with two packages, their core subzones, a psys zone and an MMIO mirror of package 0. */
function twoPackages(): string {
  return tree({
    'intel-rapl:0': zone('package-0', 1_000_000),
    'intel-rapl:0:0': zone('core', 500_000),
    'intel-rapl:1': zone('package-1', 2_000_000),
    'intel-rapl:1:0': zone('core', 700_000),
    'intel-rapl:2': zone('psys', 9_000_000),
    'intel-rapl-mmio:0': zone('package-0', 1_000_000),
  });
}

const setEnergy = (root: string, z: string, uj: number) => writeFileSync(path.join(root, z, 'energy_uj'), `${uj}\n`);

describe('PowercapReader', () => {
  it('sums top-level package zones only (no subzones, psys or MMIO mirror)', () => {
    const root = twoPackages();
    const r = new PowercapReader(root);
    expect(r.status).toEqual({ available: true, sources: ['rapl:package-0', 'rapl:package-1'], reason: null });
    expect(r.read()).toBe(0);
    setEnergy(root, 'intel-rapl:0', 3_000_000); // +2 J
    setEnergy(root, 'intel-rapl:1', 2_500_000); // +0.5 J
    setEnergy(root, 'intel-rapl:0:0', 90_000_000); // a subzone: must not count
    setEnergy(root, 'intel-rapl:2', 99_000_000); // psys: must not count
    expect(r.read()).toBeCloseTo(2.5, 12);
    setEnergy(root, 'intel-rapl:0', 4_000_000); // +1 J
    expect(r.read()).toBeCloseTo(3.5, 12);
  });

  it('undoes a counter wrap at max_energy_range_uj', () => {
    const max = 262_143_328_850;
    const root = tree({ 'intel-rapl:0': zone('package-0', max - 328_850, max) });
    const r = new PowercapReader(root);
    setEnergy(root, 'intel-rapl:0', 500_000); // wrapped: 328850 µJ to the top, then 500000 from 0
    expect(r.read()).toBeCloseTo(0.82885, 12);
    setEnergy(root, 'intel-rapl:0', 1_500_000);
    expect(r.read()).toBeCloseTo(1.82885, 12);
  });

  it('says the root is absent', () => {
    const root = path.join(os.tmpdir(), 'no-such-powercap');
    const r = new PowercapReader(root);
    expect(r.status.available).toBe(false);
    expect(r.status.reason).toBe(`no powercap at ${root} (the kernel exposes no RAPL counters here, e.g. in a VM)`);
    expect(r.read()).toBeNull();
  });

  it('says there is no package zone', () => {
    const root = tree({ 'intel-rapl:0': zone('psys', 1), 'intel-rapl:0:0': zone('core', 1) });
    expect(new PowercapReader(root).status.reason).toBe(`no intel-rapl package zone under ${root}`);
  });

  it('says which file holds no counter', () => {
    const root = tree({ 'intel-rapl:0': { name: 'package-0', energy_uj: 'garbage', max_energy_range_uj: '1' } });
    expect(new PowercapReader(root).status.reason).toBe(`${root}/intel-rapl:0/energy_uj holds 'garbage', not a counter`);
  });

  // energy_uj is 0400 root since Linux 5.10. Tests run as root, which mode bits never stop, so the
  // reader runs in a child process switched to uid/gid 65534 (nobody) with setpriv, and the kernel
  // itself answers EACCES. Not as root, the chmod alone does it in this process.
  const isRoot = process.getuid?.() === 0;
  const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
  it.runIf(!isRoot || hasSetpriv)('reports permission denied on energy_uj with the exact reason', () => {
    const root = tree({ 'intel-rapl:0': zone('package-0', 1_000_000) });
    chmodSync(path.join(root, 'intel-rapl:0', 'energy_uj'), 0o400);
    if (!isRoot) chmodSync(path.join(root, 'intel-rapl:0', 'energy_uj'), 0o000);
    const cli = fileURLToPath(new URL('./powercap-status-cli.ts', import.meta.url));
    const nodeArgs = ['--import', 'tsx', cli, root];
    const out = isRoot
      ? execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, ...nodeArgs], { encoding: 'utf8' })
      : execFileSync(process.execPath, nodeArgs, { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      available: false,
      sources: [],
      reason: `permission denied reading ${root}/intel-rapl:0/energy_uj (energy_uj is readable by root only since Linux 5.10)`,
    });
  });
});
