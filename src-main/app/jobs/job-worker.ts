/**
 * Entry of every job worker thread (one file, so a bundler can emit it as one chunk): the job entry on
 * the thread's parentPort.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runJobEntry } from './job-entry';
import type { ToWorker, WorkerInput } from './protocol';

const port = parentPort!;
void runJobEntry(workerData as WorkerInput, {
  post: (m) => port.postMessage(m),
  on: (listener: (m: ToWorker) => void) => port.on('message', listener),
  off: (listener: (m: ToWorker) => void) => port.off('message', listener),
});
