import { helpText, parseArgs, type FlagSpec, type ParsedArgs } from './args';
import { createIO, type CliIO } from './output';

export interface Command {
  run(argv: string[]): Promise<number>;
}

/** Flags every subcommand takes. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  workspace: { type: 'string', help: 'workspace folder (default: $SKIPVIT_WORKSPACE or the user-data folder)' },
  json: { type: 'boolean', help: 'print exactly one JSON object on stdout' },
  backend: { type: 'string', help: 'tfjs backend: auto, webgpu, tensorflow, wasm or cpu', default: 'auto' },
  adapter: { type: 'string', help: 'GPU adapter for webgpu: hardware, or software (SwiftShader: tests only)', default: 'hardware' },
  help: { type: 'boolean', help: 'show this help' },
};

/**
 * Builds a Command from a flag spec and a body. The body returns its exit code; thrown errors are
 * reported by main.ts as one line on stderr.
 */
export function defineCommand(
  usage: string,
  flags: Record<string, FlagSpec>,
  body: (args: ParsedArgs, io: CliIO) => Promise<number>,
): Command {
  const spec = { ...COMMON_FLAGS, ...flags };
  return {
    async run(argv) {
      const args = parseArgs(argv, spec);
      if (args.flags.help) {
        process.stdout.write(`usage: ${usage}\n${helpText(spec)}\n`);
        return 0;
      }
      return body(args, createIO(Boolean(args.flags.json)));
    },
  };
}
