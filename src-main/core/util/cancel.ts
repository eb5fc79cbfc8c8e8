/**
 * The one way a job says it stopped because it was cancelled: every core loop throws CancelledError when
 * its AbortSignal fires, and callers tell a cancel from a failure by type, never by message.
 */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Throws CancelledError when the signal has fired: call it at each safe stopping point. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
