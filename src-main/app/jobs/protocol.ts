/** Messages between the runner (main thread) and a job worker. */
import type { JobProgress } from './types';

export type WorkerInput =
  | {
      mode: 'job';
      runId: string;
      kind: string;
      params: Record<string, unknown>;
      runDir: string;
      workspace: string;
      resume: boolean;
      /** Module exporting `kinds`; absent = the built-in registry (./kinds). */
      registryUrl?: string;
      demoModels: string | null;
    }
  | { mode: 'probe' };

export type FromWorker =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'metric'; record: Record<string, unknown> }
  | { type: 'checkpoint'; step?: number; epoch?: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done'; result: Record<string, unknown> }
  | { type: 'failed'; message: string }
  | { type: 'probe'; backend: unknown; hardware: unknown };

export type ToWorker = { type: 'cancel' };
