/**
 * CLI output: `--json` prints exactly one JSON object on stdout; progress and logs go to stderr;
 * a progress bar is drawn only when stderr is a TTY.
 */
export interface CliIO {
  json: boolean;
  /** A human line on stderr. */
  log(msg: string): void;
  /** Print the command's result: JSON on stdout with --json, else the human rendering. */
  result(obj: unknown, human?: () => string): void;
  progress(label: string): ProgressBar;
}

export interface ProgressBar {
  update(fraction: number, detail?: string): void;
  done(detail?: string): void;
}

export function createIO(json: boolean, stderr: NodeJS.WriteStream = process.stderr): CliIO {
  const tty = Boolean(stderr.isTTY);
  return {
    json,
    log: (msg) => stderr.write(msg + '\n'),
    result(obj, human) {
      if (json) process.stdout.write(JSON.stringify(obj) + '\n');
      else process.stdout.write((human ? human() : JSON.stringify(obj, null, 2)) + '\n');
    },
    progress(label) {
      let lastLine = 0;
      return {
        update(fraction, detail = '') {
          const f = Math.max(0, Math.min(1, fraction));
          if (tty) {
            const width = 28;
            const filled = Math.round(f * width);
            stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${detail}\x1b[K`);
          } else if (Date.now() - lastLine > 10_000) {
            // Not a TTY (CI, a pipe): an occasional plain line instead of a redrawn bar.
            lastLine = Date.now();
            stderr.write(`${label} ${(f * 100).toFixed(0)}% ${detail}\n`);
          }
        },
        done(detail = '') {
          if (tty) stderr.write(`\r${label} [${'#'.repeat(28)}] 100% ${detail}\x1b[K\n`);
          else stderr.write(`${label} done ${detail}\n`);
        },
      };
    },
  };
}

export { table } from '../core/bench/table';
