// The one application window: sandboxed, isolated, no Node, hidden instead of closed (the tray keeps
// the monitor running).
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from '../shared';
import { lockNavigation } from './security';

export interface WindowOptions {
  preloadPath: string;
  iconPath: string;
  devUrl: string | undefined;
  /** True while quitting: then 'close' really closes. */
  isQuitting(): boolean;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'MarginWatch',
    icon: options.iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  lockNavigation(win.webContents, options.devUrl);
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (!options.isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });
  void win.loadURL(options.devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/** Brings the window forward, optionally at a view (hash route of the renderer). */
export function showAt(win: BrowserWindow, hash: string | null): void {
  if (hash !== null) void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`, true);
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

export function rendererDir(mainDir: string): string {
  return join(mainDir, '..', 'renderer');
}
