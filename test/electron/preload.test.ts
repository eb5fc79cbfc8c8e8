/**
 * The sandboxed preload, run in plain Node with `electron` faked: it exposes exactly one object,
 * `window.skipvit`, holding one function per contract call and nothing else, and each function
 * invokes only its own IPC channel.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../../src-main/app/contract/calls';

const exposed: [string, Record<string, unknown>][] = [];
const invoked: [string, unknown][] = [];
const channels: [string, (...a: unknown[]) => void][] = [];

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, value: Record<string, unknown>) => exposed.push([name, value]) },
  ipcRenderer: {
    on: (channel: string, fn: (...a: unknown[]) => void) => channels.push([channel, fn]),
    invoke: async (channel: string, input: unknown) => {
      invoked.push([channel, input]);
      return channel === `${IPC_PREFIX}jobsSubscribe` ? { ok: true, data: { subscriptionId: 'sub-1' } } : { ok: true, data: {} };
    },
  },
}));

beforeAll(async () => {
  await import('../../src-main/app/ipc/preload');
});

describe('preload', () => {
  it("exposes only `skipvit`, with exactly the contract's calls, all functions", () => {
    expect(exposed.map(([name]) => name)).toEqual(['skipvit']);
    const api = exposed[0][1];
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES].sort());
    for (const call of CALL_NAMES) expect(typeof api[call]).toBe('function');
    expect(channels.map(([c]) => c)).toEqual([IPC_EVENT_CHANNEL]);
  });

  it('each function invokes its own channel, and subscriptions get their events', async () => {
    const api = exposed[0][1] as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await api.modelsList({});
    expect(invoked.at(-1)).toEqual([`${IPC_PREFIX}modelsList`, {}]);
    await api.runsGet({ id: 'r1' });
    expect(invoked.at(-1)).toEqual([`${IPC_PREFIX}runsGet`, { id: 'r1' }]);

    const events: unknown[] = [];
    await api.jobsSubscribe({}, (e: unknown) => events.push(e));
    channels[0][1]({}, { subscriptionId: 'sub-1', event: { type: 'log', message: 'hi' } });
    channels[0][1]({}, { subscriptionId: 'someone-else', event: { type: 'log', message: 'no' } });
    expect(events).toEqual([{ type: 'log', message: 'hi' }]);
    await expect(api.jobsSubscribe({}, 'not a function')).rejects.toThrow(TypeError);
  });
});
