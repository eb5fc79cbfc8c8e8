/**
 * One connected client (an Electron window, a WebSocket, or the socket-less HTTP caller). It owns the
 * client's subscriptions so they end when the client goes away.
 */
import type { EventEnvelope } from '../contract/api';

export class ClientSession {
  /** Subscription ids of this client, and how to end each. */
  readonly subscriptions = new Map<string, () => void>();

  /** `push` delivers an event to the client; null for plain HTTP, which cannot receive pushes. */
  constructor(readonly push: ((envelope: EventEnvelope) => void) | null) {}

  close(): void {
    for (const end of this.subscriptions.values()) end();
    this.subscriptions.clear();
  }
}
