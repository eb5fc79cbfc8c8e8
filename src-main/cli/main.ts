/**
 * `skipvit`: every job of the studio as a subcommand (SPEC 9). Each command module exports
 * `command: Command`; this file only dispatches and turns errors into one-line messages + exit codes.
 */
import { UsageError } from './args';
import type { Command } from './command';

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  bench: () => import('./commands/bench'),
  'check-gpu': () => import('./commands/check-gpu'),
  train: () => import('./commands/train'),
  agent: () => import('./commands/agent'),
  eval: () => import('./commands/eval'),
  search: () => import('./commands/search'),
  export: () => import('./commands/export'),
  predict: () => import('./commands/predict'),
  datasets: () => import('./commands/datasets'),
  serve: () => import('./commands/serve'),
  runs: () => import('./commands/runs'),
  models: () => import('./commands/models'),
};

function usage(): string {
  return [
    'usage: skipvit <command> [flags]   (skipvit <command> --help for its flags)',
    '',
    'commands: ' + Object.keys(COMMANDS).join(', '),
    'every command takes --workspace <dir> and --json (one JSON object on stdout)',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`skipvit: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  try {
    const { command } = await load();
    return await command.run(rest);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`skipvit ${name}: ${msg.split('\n')[0]}\n`);
    if (process.env.SKIPVIT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
