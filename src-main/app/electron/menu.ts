/**
 * The application menu: the usual File / Edit / View / Window / Help, plus Go with one accelerator per
 * studio view. Built as a plain template (no Electron import) so its shape is tested in Node.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** The studio's views, in menu order, with the hash route each opens. */
export const MENU_VIEWS = [
  ['Home', 'home'],
  ['Train', 'train'],
  ['Compare', 'compare'],
  ['Skips', 'skips'],
  ['Search', 'search'],
  ['Runs', 'runs'],
] as const;

export interface MenuActions {
  /** Show a view (its route name). */
  go(view: string): void;
  openWorkspace(): void;
}

export function menuTemplate(
  platform: NodeJS.Platform,
  appName: string,
  actions: MenuActions,
  devTools: boolean,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac
      ? [
          {
            label: appName,
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } as MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Workspace Folder', click: () => actions.openWorkspace() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&Go',
      submenu: MENU_VIEWS.map(([label, view], i) => ({ label, accelerator: `CmdOrCtrl+${i + 1}`, click: () => actions.go(view) })),
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...(devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Window',
      submenu: mac
        ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
        : [{ role: 'minimize' }, { role: 'close' }],
    },
    ...(mac ? [] : [{ label: '&Help', role: 'help', submenu: [{ role: 'about' }] } as MenuItemConstructorOptions]),
  ];
}
