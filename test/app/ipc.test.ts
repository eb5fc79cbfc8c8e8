/**
 * The Electron IPC transport in plain Node: `electron` is the only thing faked (a small ipcMain /
 * ipcRenderer / contextBridge wired to each other); the handlers, dispatcher, runner and workers are real.
 */
import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX, type JobEvent } from '../../src-main/app/contract/api';
import { registerIpcHandlers, urlPrefixPolicy, type InvokeEvent, type IpcMainLike, type SenderContents } from '../../src-main/app/ipc/ipc-handlers';
import { openTestApi, until } from './helpers';

type Handler = (event: InvokeEvent, input: unknown) => Promise<unknown>;

/** ipcMain as far as the transport uses it. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEvent, input: unknown) {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, input);
  }
}

/** A window's WebContents: records what is sent to it; can be destroyed. */
class FakeContents implements SenderContents {
  readonly sent: [string, unknown][] = [];
  private destroyed = false;
  private onDestroyed: (() => void)[] = [];
  constructor(
    readonly id: number,
    private readonly deliver?: (channel: string, payload: unknown) => void,
  ) {}
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
    this.deliver?.(channel, payload);
  }
  isDestroyed() {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void) {
    this.onDestroyed.push(listener);
  }
  destroy() {
    this.destroyed = true;
    for (const l of this.onDestroyed.splice(0)) l();
  }
}

const APP_URL = 'file:///opt/skipvit/out/renderer/index.html';
const policy = (ids: number[]) => urlPrefixPolicy(() => ids, ['file:///opt/skipvit/out/renderer/', 'http://localhost:5173/']);

describe('IPC main side', () => {
  it('registers exactly one handler per call and removes them all on dispose', () => {
    const api = openTestApi();
    const ipcMain = new FakeIpcMain();
    const dispose = registerIpcHandlers(ipcMain, api.dispatch, policy([1]));
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CALL_NAMES.map((c) => IPC_PREFIX + c).sort());
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it("answers the app's own window and refuses any other sender with a typed error", async () => {
    const api = openTestApi();
    const ipcMain = new FakeIpcMain();
    registerIpcHandlers(ipcMain, api.dispatch, policy([1]));
    const own = new FakeContents(1);
    const ok = await ipcMain.invoke('skipvit:jobsStart', { sender: own, senderFrame: { url: APP_URL } }, { kind: 'echo', params: { value: 'a' } });
    expect(ok).toMatchObject({ ok: true, data: { run: { kind: 'echo' } } });
    const dev = await ipcMain.invoke('skipvit:runsList', { sender: own, senderFrame: { url: 'http://localhost:5173/#/runs' } }, {});
    expect(dev).toMatchObject({ ok: true });

    const refused: [string, InvokeEvent][] = [
      ['another window', { sender: new FakeContents(2), senderFrame: { url: APP_URL } }],
      ['a remote page in our window', { sender: own, senderFrame: { url: 'https://evil.example/index.html' } }],
      ['a look-alike path', { sender: own, senderFrame: { url: 'file:///opt/skipvit/out/renderer-evil/index.html' } }],
      ['a look-alike host', { sender: own, senderFrame: { url: 'http://localhost:5174/' } }],
      ['a frame that is gone', { sender: own, senderFrame: null }],
    ];
    for (const [what, event] of refused) {
      const r = await ipcMain.invoke('skipvit:jobsStart', event, { kind: 'echo', params: { value: 'b' } });
      expect(r, what).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    await until(() => api.runner.active().length === 0, 30_000, 'the echo job');
    expect(api.workspace.runs.list().runs).toHaveLength(1); // only the allowed call started a job
    const invalid = await ipcMain.invoke('skipvit:runsGet', { sender: own, senderFrame: { url: APP_URL } }, { id: '../../etc/passwd' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it("pushes a subscription's events to its window, and ends it when the window is destroyed", async () => {
    const api = openTestApi();
    const ipcMain = new FakeIpcMain();
    registerIpcHandlers(ipcMain, api.dispatch, policy([1]));
    const win = new FakeContents(1);
    const event = { sender: win, senderFrame: { url: APP_URL } };
    const sub = (await ipcMain.invoke('skipvit:jobsSubscribe', event, {})) as { ok: true; data: { subscriptionId: string } };
    expect(sub.ok).toBe(true);
    const run = api.runner.start('count', { steps: 20 });
    await api.runner.wait(run.id);
    const events = win.sent.filter(([c]) => c === IPC_EVENT_CHANNEL).map(([, e]) => e as { subscriptionId: string; event: JobEvent });
    expect(events.every((e) => e.subscriptionId === sub.data.subscriptionId)).toBe(true);
    expect(events.map((e) => e.event.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.event).toMatchObject({ type: 'status', run: { status: 'succeeded' } });
    expect(api.runner.events.subscriberCount).toBe(1);
    win.destroy();
    expect(api.runner.events.subscriberCount).toBe(0);
  });
});

// ---------------------------------------------------------------- preload

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  const rendererListeners = new Map<string, ((e: unknown, payload: unknown) => void)[]>();
  return {
    exposed,
    rendererListeners,
    /** Set by the test: how ipcRenderer.invoke reaches the main side. */
    invoke: { fn: null as null | ((channel: string, input: unknown) => Promise<unknown>) },
  };
});

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      electron.exposed[key] = value;
    },
  },
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => electron.invoke.fn!(channel, input),
    on: (channel: string, listener: (e: unknown, payload: unknown) => void) => {
      electron.rendererListeners.set(channel, [...(electron.rendererListeners.get(channel) ?? []), listener]);
    },
  },
}));

describe('preload', () => {
  it('exposes exactly one function per call, no ipcRenderer, and routes subscription events to their listener', async () => {
    const api = openTestApi();
    const ipcMain = new FakeIpcMain();
    registerIpcHandlers(ipcMain, api.dispatch, policy([7]));
    const win = new FakeContents(7, (channel, payload) => {
      for (const l of electron.rendererListeners.get(channel) ?? []) l({}, payload);
    });
    electron.invoke.fn = (channel, input) => ipcMain.invoke(channel, { sender: win, senderFrame: { url: APP_URL } }, input);
    await import('../../src-main/app/ipc/preload');

    const bridge = electron.exposed.skipvit as Record<string, (...args: unknown[]) => Promise<any>>;
    expect(Object.keys(electron.exposed)).toEqual(['skipvit']);
    expect(Object.keys(bridge).sort()).toEqual([...CALL_NAMES].sort());
    expect(Object.values(bridge).every((f) => typeof f === 'function')).toBe(true);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|send|invoke|on\b/i);

    expect(await bridge.runsList({})).toEqual({ ok: true, data: { runs: [], total: 0 } });
    const started = await bridge.jobsStart({ kind: 'count', params: { steps: 15 } });
    const runId = started.data.run.id as string;
    const received: JobEvent[] = [];
    const sub = await bridge.jobsSubscribe({ runId }, (e: JobEvent) => received.push(e));
    expect(sub.ok).toBe(true);
    await api.runner.wait(runId);
    await until(() => received.at(-1)?.type === 'status' && (received.at(-1) as { run: { status: string } }).run.status === 'succeeded', 10_000, 'final event');
    expect(received[0]).toMatchObject({ type: 'status', runId });
    const seqs = received.slice(1).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(received.filter((e) => e.type === 'metric').length).toBeGreaterThan(0);
    expect(await bridge.jobsUnsubscribe({ subscriptionId: sub.data.subscriptionId })).toEqual({ ok: true, data: { unsubscribed: true } });
    await expect(bridge.jobsSubscribe({}, 'not a function')).rejects.toThrow(/listener must be a function/);
  });
});
