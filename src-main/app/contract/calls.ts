/**
 * The names of every API call, and nothing else. Kept free of imports so the sandboxed preload can
 * expose exactly these without bundling zod; contract.ts checks that its schemas cover the same list.
 */
export const CALL_NAMES = [
  'systemInfo',
  'datasetsList',
  'modelsList',
  'modelsGet',
  'modelsDelete',
  'runsList',
  'runsGet',
  'runsDelete',
  'runsMetrics',
  'runsResult',
  'benchResult',
  'searchResult',
  'jobsStart',
  'jobsCancel',
  'jobsResume',
  'jobsList',
  'exportPoint',
  'jobsSubscribe',
  'jobsUnsubscribe',
] as const;

export type CallName = (typeof CALL_NAMES)[number];

/** Calls that push events afterwards, so they need a socket (IPC or WebSocket), not a plain HTTP POST. */
export const SOCKET_CALLS: readonly CallName[] = ['jobsSubscribe', 'jobsUnsubscribe'];

export function isCallName(name: string): name is CallName {
  return (CALL_NAMES as readonly string[]).includes(name);
}

/** Electron IPC channels: one per call (`skipvit:<call>`), plus the push channel for events. */
export const IPC_PREFIX = 'skipvit:';
export const IPC_EVENT_CHANNEL = 'skipvit:event';
