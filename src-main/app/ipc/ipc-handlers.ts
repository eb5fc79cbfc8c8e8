/**
 * Main side of the Electron IPC transport: one `ipcMain.handle` per API call, each checking that the
 * sender is the app's own window showing the app's own page before dispatching. Events of a window's
 * subscriptions are pushed to that window on IPC_EVENT_CHANNEL, and end when the window goes away.
 *
 * Electron is not imported here: the caller passes `ipcMain` and a sender check, so this runs (and is
 * tested) in plain Node with a small fake.
 */
import { CALL_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../contract/calls';
import type { ApiResult } from '../contract/api';
import type { Dispatch } from '../api/dispatch';
import { ClientSession } from '../api/session';

/** The parts of Electron's WebContents this transport uses. */
export interface SenderContents {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The parts of IpcMainInvokeEvent this transport uses. */
export interface InvokeEvent {
  sender: SenderContents;
  /** The frame that sent the message; null once it navigated away or was destroyed. */
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, input: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface SenderPolicy {
  /** WebContents ids of the app's own windows. */
  windowIds(): number[];
  /** Whether a URL is the app's own page (file:// of the built renderer, or the dev server). */
  allowedUrl(url: string): boolean;
}

/** A policy for the usual case: pages under one base URL (e.g. `file:///.../out/renderer/` or `http://localhost:5173/`). */
export function urlPrefixPolicy(windowIds: () => number[], baseUrls: string[]): SenderPolicy {
  return {
    windowIds,
    allowedUrl(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return false;
      }
      return baseUrls.some((base) => {
        const b = new URL(base);
        return u.protocol === b.protocol && u.host === b.host && u.pathname.startsWith(b.pathname);
      });
    },
  };
}

/** Registers one handler per call; returns a function that removes them all. */
export function registerIpcHandlers(ipcMain: IpcMainLike, dispatch: Dispatch, policy: SenderPolicy): () => void {
  const sessions = new Map<number, ClientSession>();

  const sessionFor = (wc: SenderContents): ClientSession => {
    let s = sessions.get(wc.id);
    if (!s) {
      s = new ClientSession((envelope) => {
        if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, envelope);
      });
      sessions.set(wc.id, s);
      wc.once('destroyed', () => {
        sessions.get(wc.id)?.close();
        sessions.delete(wc.id);
      });
    }
    return s;
  };

  for (const call of CALL_NAMES) {
    ipcMain.handle(IPC_PREFIX + call, async (event, input): Promise<ApiResult<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!policy.windowIds().includes(event.sender.id) || !policy.allowedUrl(url)) {
        return { ok: false, error: { code: 'forbidden', message: `IPC call ${call} refused: the sender is not the studio's own window (${url || 'no frame'})` } };
      }
      return dispatch(call, input, sessionFor(event.sender));
    });
  }
  return () => {
    for (const call of CALL_NAMES) ipcMain.removeHandler(IPC_PREFIX + call);
    for (const s of sessions.values()) s.close();
    sessions.clear();
  };
}
