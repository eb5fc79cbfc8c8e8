/**
 * The Electron security checklist in one place (SPEC 7): the window's webPreferences, the CSP, and the
 * handlers that block navigation, new windows, webviews and permission requests. Electron itself is
 * not imported: callers pass the objects, so this is checked in plain Node with fakes.
 */
import type { WebPreferences } from 'electron';

/** The app's own pages are served from this origin (a privileged custom scheme, not file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://studio`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Content-Security-Policy of every page of the app, sent as a header by the app:// handler. The
 * renderer's index.html carries the same policy in a meta tag (for `skipvit serve` too), without
 * frame-ancestors, which a meta tag cannot set.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** Whether a URL is one of the app's own pages (`app://studio/...`, or the dev server's). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` && u.host === 'studio') return true;
  if (!devServerUrl) return false;
  const dev = new URL(devServerUrl);
  return u.origin === dev.origin;
}

/** Links the user may open in the system browser (documentation, dataset pages); nothing else leaves the app. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The parts of WebContents the checklist touches. */
export interface ContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url?: string }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/**
 * Blocks every navigation away from the app's pages, every new window (https links go to the system
 * browser instead), and every <webview>.
 */
export function hardenContents(contents: ContentsLike, openExternal: (url: string) => void, devServerUrl?: string): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The parts of Session the checklist touches. */
export interface SessionLike {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/** The studio needs no permission (camera, notifications, geolocation, ...): refuse them all. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
