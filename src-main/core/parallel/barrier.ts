/**
 * A reusable barrier for the worker threads of one job, on shared memory (Atomics), with an abort flag:
 * when a peer dies mid-step the others stop waiting and fail instead of hanging.
 */
const COUNT = 0;
const GENERATION = 1;
const ABORT = 2;
const SLOTS = 3;
/** How often a waiting thread looks at the abort flag (ms). */
const POLL_MS = 100;

export class PeerFailedError extends Error {
  constructor() {
    super('a peer worker failed; this step was abandoned');
    this.name = 'PeerFailedError';
  }
}

export class SharedBarrier {
  private readonly ctl: Int32Array;

  /** `buffer` from SharedBarrier.allocate(), shared by all `parties` threads. */
  constructor(buffer: SharedArrayBuffer, private readonly parties: number) {
    this.ctl = new Int32Array(buffer);
  }

  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
  }

  /** Blocks until all parties have arrived (a worker thread only: it blocks the event loop). */
  wait(): void {
    if (this.aborted) throw new PeerFailedError();
    const gen = Atomics.load(this.ctl, GENERATION);
    if (Atomics.add(this.ctl, COUNT, 1) === this.parties - 1) {
      Atomics.store(this.ctl, COUNT, 0);
      Atomics.add(this.ctl, GENERATION, 1);
      Atomics.notify(this.ctl, GENERATION);
      return;
    }
    while (Atomics.load(this.ctl, GENERATION) === gen) {
      if (this.aborted) throw new PeerFailedError();
      Atomics.wait(this.ctl, GENERATION, gen, POLL_MS);
    }
  }

  /** Releases every waiting party with PeerFailedError; the barrier stays aborted. */
  abort(): void {
    Atomics.store(this.ctl, ABORT, 1);
    Atomics.add(this.ctl, GENERATION, 1);
    Atomics.notify(this.ctl, GENERATION);
  }

  get aborted(): boolean {
    return Atomics.load(this.ctl, ABORT) !== 0;
  }
}
