/** Shared CLI plumbing for training commands: progress bar, Ctrl-C as cancel. */
import type { TrainProgress } from '../core/train';
import type { CliIO } from './output';

export function trainProgress(io: CliIO, label: string): (p: TrainProgress) => void {
  const bar = io.progress(label);
  return (p) => {
    const parts = [`epoch ${p.epoch + 1}/${p.epochs}`];
    if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(3)}`);
    if (p.accuracy !== undefined) parts.push(`acc ${(p.accuracy * 100).toFixed(1)}%`);
    if (p.meanExecutedCost !== undefined) parts.push(`cost ${p.meanExecutedCost.toFixed(2)}`);
    if (p.imagesPerSec !== undefined) parts.push(`${p.imagesPerSec.toFixed(0)} img/s`);
    if (p.etaSeconds !== undefined) parts.push(`ETA ${Math.round(p.etaSeconds)} s`);
    if (p.message) parts.push(p.message);
    bar.update(p.fraction, parts.join('  '));
  };
}

/** An AbortSignal fired by the first Ctrl-C (the second one kills the process as usual). */
export function interruptSignal(io: CliIO): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    io.log('\ncancelling: finishing the current step and writing a checkpoint (Ctrl-C again to kill)');
    ac.abort();
  });
  return ac.signal;
}
