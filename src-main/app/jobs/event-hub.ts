/**
 * Fans job events out to subscribers. Events are numbered per run (`seq`) and delivered synchronously
 * in emission order, so every watcher of a run sees the same events in the same order.
 */
import { randomUUID } from 'node:crypto';
import type { JobEvent } from '../contract/api';

type Listener = (event: JobEvent) => void;
/** An event before the hub numbers and stamps it. */
export type NewEvent = JobEvent extends infer E ? (E extends JobEvent ? Omit<E, 'seq' | 'at'> : never) : never;

export class EventHub {
  private seqs = new Map<string, number>();
  private subs = new Map<string, { runId?: string; listener: Listener }>();

  emit(e: NewEvent): JobEvent {
    const seq = (this.seqs.get(e.runId) ?? 0) + 1;
    this.seqs.set(e.runId, seq);
    const event = { ...e, seq, at: new Date().toISOString() } as JobEvent;
    for (const sub of this.subs.values()) {
      if (sub.runId !== undefined && sub.runId !== e.runId) continue;
      try {
        sub.listener(event);
      } catch {
        // One broken watcher (a closed socket) must not stop the others.
      }
    }
    return event;
  }

  /** The seq of the last event of a run (0 before any). */
  lastSeq(runId: string): number {
    return this.seqs.get(runId) ?? 0;
  }

  /** Watches one run, or every run when runId is undefined. Returns the subscription id. */
  subscribe(runId: string | undefined, listener: Listener): string {
    const id = randomUUID();
    this.subs.set(id, { runId, listener });
    return id;
  }

  unsubscribe(id: string): boolean {
    return this.subs.delete(id);
  }

  get subscriberCount(): number {
    return this.subs.size;
  }
}
