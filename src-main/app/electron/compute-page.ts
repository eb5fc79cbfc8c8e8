/**
 * The compute window's side (run by its preload, compute-preload.ts): receives the job's input over IPC
 * and runs the job entry, the same as a worker thread, with the page's navigator.gpu for WebGPU.
 */
import { runJobEntry } from '../jobs/job-entry';
import type { ToWorker, WorkerInput } from '../jobs/protocol';
import { COMPUTE_FROM_JOB, COMPUTE_INPUT, COMPUTE_TO_JOB } from './compute-window';

/** ipcRenderer as far as the compute page uses it. */
export interface IpcRendererLike {
  send(channel: string, payload: unknown): void;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  once(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function startComputePage(ipc: IpcRendererLike): void {
  ipc.once(COMPUTE_INPUT, (_event, input) => {
    const wrapped = new Map<(m: ToWorker) => void, (event: unknown, payload: unknown) => void>();
    void runJobEntry(input as WorkerInput, {
      post: (m) => ipc.send(COMPUTE_FROM_JOB, m),
      on: (listener) => {
        const w = (_e: unknown, payload: unknown) => listener(payload as ToWorker);
        wrapped.set(listener, w);
        ipc.on(COMPUTE_TO_JOB, w);
      },
      off: (listener) => {
        const w = wrapped.get(listener);
        if (w) ipc.removeListener(COMPUTE_TO_JOB, w);
        wrapped.delete(listener);
      },
    });
  });
}
