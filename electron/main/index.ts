// Desktop shell lifecycle: one instance, the service in the main process, a locked-down window,
// a tray that shows the worst level. No business logic lives here.
import { app, dialog, Notification, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { soundChannel } from '../../src/notify';
import { createMonitor } from '../../src/service';
import { securePrivateDir } from '../../src/store/privateDir';
import { connectIpc } from './ipc';
import { applyStartAtLogin } from './login-item';
import { electronNativeBinding } from './native';
import { electronNotificationChannel } from './notification-channel';
import { applyDevCsp, registerAppScheme, serveRenderer } from './security';
import { createTray } from './tray';
import { safeStorageVault } from './vault';
import { createMainWindow, rendererDir, showAt } from './window';

const mainDir = import.meta.dirname;
const appRoot = app.getAppPath();
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(appRoot, 'resources');
const iconsDir = join(resourcesDir, 'icons');

let quitting = false;
let win: BrowserWindow | null = null;

registerAppScheme();
// A service manager or logout sends SIGTERM: quit through 'before-quit' so the database is closed.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => app.quit());
if (!app.requestSingleInstanceLock()) app.quit();
else void start();

async function start(): Promise<void> {
  await app.whenReady();
  app.setAppUserModelId('com.marginwatch.app');
  if (devUrl) applyDevCsp(devUrl);
  else serveRenderer(rendererDir(mainDir));

  let monitor: Awaited<ReturnType<typeof createMonitor>>;
  try {
    // Chromium's caches and our database share this folder: private to the user before anything is written.
    securePrivateDir(app.getPath('userData'), (line) => console.log(`${new Date().toISOString()} ${line}`));
    monitor = await createMonitor({
      dataDir: app.getPath('userData'),
      shell: 'desktop',
      resourcesDir,
      nativeBinding: electronNativeBinding(appRoot),
      vault: safeStorageVault(),
      // Electron's own notifications replace node-notifier in the desktop app; the alarm sound stays.
      channels: [
        electronNotificationChannel({
          iconPath: join(iconsDir, 'icon.png'),
          focus: ({ accountId }) => show(`#/account/${encodeURIComponent(accountId)}`),
        }),
        soundChannel({ file: join(resourcesDir, 'sounds', 'alarm.wav') }),
      ],
      osNotifications: Notification.isSupported()
        ? { available: true, detail: null }
        : { available: false, detail: 'this system offers no desktop notifications; alerts still show in the window and tray' },
      log: (line) => console.log(`${new Date().toISOString()} ${line}`),
    });
  } catch (error) {
    dialog.showErrorBox(
      'MarginWatch could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
    return;
  }

  const show = (hash: string | null) => {
    if (!win || win.isDestroyed())
      win = createMainWindow({
        preloadPath: join(mainDir, '..', 'preload', 'index.cjs'),
        iconPath: join(iconsDir, 'icon.png'),
        devUrl,
        isQuitting: () => quitting,
      });
    showAt(win, hash);
  };
  const disconnectIpc = connectIpc(
    monitor,
    () => win,
    devUrl,
    (command, envelope) => {
      if (command === 'settings.update' && envelope.ok) applyStartAtLogin(envelope.result);
    },
  );
  const destroyTray = createTray(iconsDir, monitor, { show, quit: () => app.quit() });
  const settings = await monitor.call('settings.get', {});
  if (settings.ok) applyStartAtLogin(settings.result);
  show(null);

  app.on('second-instance', () => show(null));
  app.on('activate', () => show(null));
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Close the database cleanly before the process goes.
    event.preventDefault();
    quitting = true;
    disconnectIpc();
    destroyTray();
    void monitor.close().finally(() => app.quit());
  });
}
