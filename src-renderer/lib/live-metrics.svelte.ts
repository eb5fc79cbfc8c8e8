/**
 * A run's metric series as the Train and Search views draw them: loaded when the run is chosen, refreshed
 * (at most once a second) while its metrics arrive, emptied when another run is chosen. Call it while a
 * component initialises (it owns an $effect).
 */
import type { MetricSeries } from '../../src-main/app/contract/api';
import { api } from './api';
import { live } from './live.svelte';

export interface LiveMetrics {
  readonly series: MetricSeries[];
  /** Records in the run's metrics.jsonl. */
  readonly records: number;
  readonly error: string | null;
  /** Reads the series again now (e.g. when the run ends). */
  reload(): void;
}

export function liveMetrics(runId: () => string | undefined, maxPoints = 1000): LiveMetrics {
  const state = $state({ series: [] as MetricSeries[], records: 0, error: null as string | null });

  async function load(id: string): Promise<void> {
    try {
      const m = await api.runsMetrics({ id, maxPoints });
      if (id !== runId()) return;
      state.series = m.series;
      state.records = m.records;
      state.error = null;
    } catch (err) {
      state.error = (err as Error).message;
    }
  }

  $effect(() => {
    const id = runId();
    state.series = [];
    state.records = 0;
    state.error = null;
    if (!id) return;
    void load(id);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = live.watch(id, (e) => {
      if (e.type !== 'metric' || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void load(id);
      }, 1000);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  });

  return {
    get series() {
      return state.series;
    },
    get records() {
      return state.records;
    },
    get error() {
      return state.error;
    },
    reload() {
      const id = runId();
      if (id) void load(id);
    },
  };
}
