/**
 * The preload script of the studio's window (sandboxed; contextIsolation on). It exposes
 * `window.skipvit`: one function per API call (CALL_NAMES), each resolving to an ApiResult, and nothing
 * else: no raw ipcRenderer, no channel names chosen by the page. `jobsSubscribe(input, listener)`
 * additionally routes this subscription's events to `listener`.
 *
 * Imports only calls.ts (no zod), so the bundled preload stays small.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CALL_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX, type CallName } from '../contract/calls';

type Envelope = { subscriptionId: string; event: unknown };
type Result = { ok: boolean; data?: { subscriptionId?: string } };

const listeners = new Map<string, (event: unknown) => void>();
/** Events that arrived before their subscription's id was known (kept briefly, bounded). */
const early = new Map<string, unknown[]>();
const EARLY_LIMIT = 1000;

ipcRenderer.on(IPC_EVENT_CHANNEL, (_e, envelope: Envelope) => {
  const listener = listeners.get(envelope.subscriptionId);
  if (listener) return listener(envelope.event);
  const queue = early.get(envelope.subscriptionId) ?? [];
  if (queue.length < EARLY_LIMIT) queue.push(envelope.event);
  early.set(envelope.subscriptionId, queue);
  // Ids that never get a listener (unsubscribed in flight) must not accumulate.
  if (early.size > 100) early.delete(early.keys().next().value!);
});

const invoke = (call: CallName, input: unknown) => ipcRenderer.invoke(IPC_PREFIX + call, input ?? {}) as Promise<Result>;

const api: Record<string, unknown> = {};
for (const call of CALL_NAMES) api[call] = (input: unknown) => invoke(call, input);

api.jobsSubscribe = async (input: unknown, listener: (event: unknown) => void) => {
  if (typeof listener !== 'function') throw new TypeError('jobsSubscribe(input, listener): listener must be a function');
  const result = await invoke('jobsSubscribe', input);
  const id = result.ok ? result.data?.subscriptionId : undefined;
  if (id) {
    listeners.set(id, listener);
    for (const event of early.get(id) ?? []) listener(event);
    early.delete(id);
  }
  return result;
};

api.jobsUnsubscribe = async (input: { subscriptionId?: unknown } | undefined) => {
  if (typeof input?.subscriptionId === 'string') {
    listeners.delete(input.subscriptionId);
    early.delete(input.subscriptionId);
  }
  return invoke('jobsUnsubscribe', input);
};

contextBridge.exposeInMainWorld('skipvit', api);
