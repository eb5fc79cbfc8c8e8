/**
 * Where a job runs. A worker thread by default; in the desktop app, GPU jobs (backend webgpu) run in the
 * hidden compute window instead, since Dawn's Node addon does not work inside Electron and Electron's
 * renderer has WebGPU itself. Both run the same job entry (job-entry.ts) over the same protocol.
 */
import { requestFromEnv } from '../../core/backend';
import type { FromWorker, ToWorker, WorkerInput } from './protocol';

/** What the runner needs of a job's host: a worker_threads Worker has exactly this shape. */
export interface JobHost {
  postMessage(m: ToWorker): void;
  terminate(): Promise<unknown> | void;
  on(event: 'message', listener: (m: FromWorker) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export type StartJobHost = (input: WorkerInput) => JobHost;

/** The backend a job asks for: its own `backend` parameter, else SKIPVIT_BACKEND's. */
export function jobBackend(params: Record<string, unknown>): string {
  return typeof params.backend === 'string' ? params.backend : requestFromEnv().backend;
}

/** A compute window when one is available and the job runs on webgpu; a worker thread otherwise. */
export function chooseHost(params: Record<string, unknown>, worker: StartJobHost, computeWindow?: StartJobHost): StartJobHost {
  return computeWindow && jobBackend(params) === 'webgpu' ? computeWindow : worker;
}
