/** Entry of the headless bundle's `skipvit` (npm run bundle:headless): the CLI, without tsx. */
import { main } from '../src-main/cli/main';

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`skipvit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
