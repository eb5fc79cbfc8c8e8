/**
 * Live job state for every view: one subscription to the events of all runs, keeping the latest
 * summary of each run it has heard of, and fanning events out to views that watch one run. Runs that
 * look active but have been silent for a while are read again, so an event lost while the socket
 * reconnected cannot leave a finished run shown as running.
 */
import type { JobEvent, RunSummary } from '../../src-main/app/contract/api';
import { api, type ApiCallError } from './api';

type Listener = (event: JobEvent) => void;

/** A run silent for this long while queued or running is read again. */
const SILENT_MS = 5000;

class Live {
  /** Latest summary of each run seen since the page loaded (status events, then progress). */
  runs = $state<Record<string, RunSummary>>({});
  /** Why the event stream is down, when it is. */
  problem = $state<string | null>(null);
  private listeners = new Map<string, Set<Listener>>();
  private heard = new Map<string, number>();
  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    setInterval(() => this.reconcile(), SILENT_MS);
    api
      .subscribe(undefined, (event) => this.onEvent(event))
      .then(() => (this.problem = null))
      .catch((err: Error) => {
        this.problem = `live progress is unavailable: ${err.message}`;
        this.started = false;
      });
  }

  /** Remember a summary fetched by a view (so later progress events have something to update). */
  remember(run: RunSummary): void {
    const known = this.runs[run.id];
    if (!known || known.updatedAt <= run.updatedAt) this.runs[run.id] = run;
  }

  /** Calls `listener` with each event of one run; returns the function that stops it. */
  watch(runId: string, listener: Listener): () => void {
    const set = this.listeners.get(runId) ?? new Set();
    set.add(listener);
    this.listeners.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }

  private reconcile(): void {
    const now = Date.now();
    for (const run of Object.values(this.runs)) {
      if (!isActive(run) || now - (this.heard.get(run.id) ?? 0) < SILENT_MS) continue;
      this.heard.set(run.id, now);
      api
        .runsGet({ id: run.id })
        .then((d) => this.remember(d))
        .catch((err: ApiCallError) => {
          if (err.code === 'not_found') delete this.runs[run.id];
        });
    }
  }

  private onEvent(event: JobEvent): void {
    this.heard.set(event.runId, Date.now());
    if (event.type === 'status') this.runs[event.runId] = event.run;
    else if (event.type === 'progress') {
      const run = this.runs[event.runId];
      if (run) this.runs[event.runId] = { ...run, progress: event.progress, updatedAt: event.at };
    }
    for (const listener of this.listeners.get(event.runId) ?? []) listener(event);
  }
}

export const live = new Live();

export const isActive = (run: RunSummary | undefined | null): boolean => run?.status === 'queued' || run?.status === 'running';
