/**
 * `skipvit datasets list` shows which datasets are present, where, and their size;
 * `skipvit datasets fetch <name> [--url URL] [--md5|--sha256 HEX]` downloads, verifies and extracts one.
 */
import { UsageError } from '../args';
import { defineCommand } from '../command';
import { table } from '../output';
import { fetchDataset, listDatasets, type Checksum } from '../../core/data/index';

const USAGE = 'skipvit datasets list | fetch <name> [--url URL] [--md5 HEX | --sha256 HEX] [--root DIR]';

export const command = defineCommand(
  USAGE,
  {
    root: { type: 'string', help: 'data root (default: $SKIPVIT_DATA or ~/.cache/skipvit/datasets)' },
    url: { type: 'string', help: 'fetch: download from this address instead of the official one' },
    md5: { type: 'string', help: 'fetch: expected MD5 of the archive (default: the published one)' },
    sha256: { type: 'string', help: 'fetch: expected SHA-256 of the archive' },
  },
  async (args, io) => {
    const [action, name, ...extra] = args.positionals;
    const root = args.flags.root as string | undefined;
    if (action === 'list' && !name) {
      const datasets = listDatasets(root);
      io.result({ datasets }, () =>
        table(
          ['name', 'present', 'source', 'size MB', 'path'],
          datasets.map((d) => [d.name, d.present ? 'yes' : 'no', d.source, (d.sizeBytes / 1e6).toFixed(1), d.path]),
        ),
      );
      return 0;
    }
    if (action === 'fetch' && name && extra.length === 0) {
      const bar = io.progress(`fetch ${name}`);
      let phase = '';
      const result = await fetchDataset(name, {
        root,
        url: args.flags.url as string | undefined,
        checksum: checksum(args.flags.md5, args.flags.sha256),
        onProgress: (p) => {
          if (p.phase !== phase && phase) bar.done(phase);
          phase = p.phase;
          bar.update(p.total > 0 ? p.done / p.total : 0, `${p.phase} ${(p.done / 1e6).toFixed(1)} MB`);
        },
      });
      if (phase) bar.done(phase);
      io.result(result, () => `${name}: ${result.alreadyPresent ? 'already present' : 'fetched'} at ${result.path}`);
      return 0;
    }
    throw new UsageError(`usage: ${USAGE}`);
  },
);

function checksum(md5: unknown, sha256: unknown): Checksum | undefined {
  if (md5 && sha256) throw new UsageError('give --md5 or --sha256, not both');
  const hex = (md5 ?? sha256) as string | undefined;
  if (hex === undefined) return undefined;
  const algorithm = md5 ? 'md5' : 'sha256';
  if (!new RegExp(`^[0-9a-fA-F]{${algorithm === 'md5' ? 32 : 64}}$`).test(hex)) throw new UsageError(`--${algorithm}: "${hex}" is not a hex ${algorithm} digest`);
  return { algorithm, hex: hex.toLowerCase() };
}
