// Boots electron/main/index.ts in plain Node against the recording fakes of fakeElectron.ts, with
// either the real service (createMonitor on a temp data dir, demo account included) or a FakeMonitor
// the test drives. Every test file using it starts with:
//   vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
//   vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, vi } from 'vitest';
import type { ApiEvent, CommandName, Envelope } from '../../src/api/messages';
import type { MonitorOptions, RunningMonitor, TrayState } from '../../src/service';
import { IPC_CALL } from '../../electron/shared';
import {
  resetFakeElectron,
  type FakeBrowserWindow,
  type FakeFrame,
  type FakeState,
  type FakeTray,
} from './fakeElectron';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

interface Hooks {
  monitorFactory: ((options: MonitorOptions) => Promise<RunningMonitor>) | null;
  monitorOptions: MonitorOptions | null;
  monitor: RunningMonitor | null;
}
const HOOKS = Symbol.for('marginwatch.desktopHarness');
type WithHooks = typeof globalThis & { [HOOKS]?: Hooks };
function hooks(): Hooks {
  return ((globalThis as WithHooks)[HOOKS] ??= { monitorFactory: null, monitorOptions: null, monitor: null });
}

type ServiceModule = typeof import('../../src/service');

/** src/service with createMonitor recorded and, when a test provides one, replaced by its fake. */
export function mockedService(original: ServiceModule): ServiceModule {
  return {
    ...original,
    createMonitor: async (options: MonitorOptions) => {
      const h = hooks();
      h.monitorOptions = options;
      h.monitor = await (h.monitorFactory ?? original.createMonitor)(options);
      return h.monitor;
    },
  };
}

/** A service stand-in: records calls, emits what the test says, reports the tray state it is given. */
export class FakeMonitor {
  readonly calls: Array<{ command: string; params: unknown }> = [];
  closed = 0;
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly trayListeners = new Set<(tray: TrayState) => void>();
  private tray: TrayState = {
    level: 'ok',
    dataHealthy: true,
    tooltip: 'MarginWatch: all clear',
    openAlerts: [],
  };

  call(command: CommandName, params: unknown): Promise<Envelope<unknown>> {
    this.calls.push({ command, params });
    return Promise.resolve({
      ok: true,
      result: command === 'settings.get' ? { app: { startAtLogin: false } } : {},
    });
  }
  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: ApiEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  trayState(): TrayState {
    return this.tray;
  }
  onTrayChange(listener: (tray: TrayState) => void): () => void {
    this.trayListeners.add(listener);
    return () => this.trayListeners.delete(listener);
  }
  setTray(next: TrayState): void {
    this.tray = next;
    for (const listener of this.trayListeners) listener(next);
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

export interface BootOptions {
  /** 'real' (default): the actual service on a temp data dir. */
  monitor?: 'real' | FakeMonitor;
  /** Packaged app (default) or development with the Vite dev server at devUrl. */
  devUrl?: string;
  /** Development without the Electron build of better-sqlite3 (start-up must fail clearly). */
  withoutElectronBinding?: boolean;
  notificationsSupported?: boolean;
  safeStorageBackend?: string;
  encryptionAvailable?: boolean;
  env?: Record<string, string>;
}

export interface Desktop {
  fake: FakeState;
  window(): FakeBrowserWindow;
  tray(): FakeTray;
  userData: string;
  monitorOptions(): MonitorOptions;
  monitor(): RunningMonitor;
  /** A renderer call as Electron delivers it: to main's IPC handler, from `frame` (default: our page). */
  invoke(command: unknown, params?: unknown, frame?: FakeFrame | null): Promise<Envelope<unknown>>;
  /** Delivers a signal to the handlers the shell installed (not to vitest's own). */
  signal(name: 'SIGTERM' | 'SIGINT'): void;
  /** Resolves once the app has really quit (after before-quit's clean-up). */
  quitted(): Promise<void>;
  dispose(): Promise<void>;
}

export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function bootDesktop(options: BootOptions = {}): Promise<Desktop> {
  const fake = resetFakeElectron();
  const h = hooks();
  h.monitorFactory =
    options.monitor instanceof FakeMonitor
      ? (
          (m) => () =>
            Promise.resolve(m as unknown as RunningMonitor)
        )(options.monitor)
      : null;
  h.monitorOptions = null;
  h.monitor = null;

  const scratch = mkdtempSync(join(tmpdir(), 'mw-desktop-'));
  fake.app.userData = join(scratch, 'userData');
  mkdirSync(fake.app.userData);
  fake.notificationsSupported = options.notificationsSupported ?? true;
  fake.safeStorage.backend = options.safeStorageBackend ?? 'gnome_libsecret';
  fake.safeStorage.available = options.encryptionAvailable ?? true;
  if (options.devUrl !== undefined || options.withoutElectronBinding) {
    // Development: resources come from the app root, better-sqlite3 from its Electron build.
    fake.app.isPackaged = false;
    fake.app.appPath = join(scratch, 'app');
    if (!options.withoutElectronBinding) {
      const binding = join(fake.app.appPath, 'build', 'native', 'electron', 'better_sqlite3.node');
      mkdirSync(dirname(binding), { recursive: true });
      writeFileSync(binding, '');
    }
  } else {
    fake.app.isPackaged = true;
    fake.app.appPath = REPO_ROOT;
  }
  const savedResourcesPath = Object.getOwnPropertyDescriptor(process, 'resourcesPath');
  Object.defineProperty(process, 'resourcesPath', { value: REPO_ROOT, configurable: true, writable: true });
  const env: Record<string, string> = {
    ...options.env,
    ...(options.devUrl ? { ELECTRON_RENDERER_URL: options.devUrl } : {}),
  };
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const signalsBefore = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

  const desktop: Desktop = {
    fake,
    userData: fake.app.userData,
    window: () => fake.windows[fake.windows.length - 1]!,
    tray: () => fake.trays[fake.trays.length - 1]!,
    monitorOptions: () => h.monitorOptions!,
    monitor: () => h.monitor!,
    async invoke(command, params = {}, frame) {
      const handler = fake.ipcHandlers.get(IPC_CALL);
      if (!handler) throw new Error('no IPC handler registered');
      const senderFrame = frame === undefined ? desktop.window().webContents.mainFrame : frame;
      return (await handler({ senderFrame }, command, params)) as Envelope<unknown>;
    },
    signal(name) {
      for (const listener of process.listeners(name)) if (!signalsBefore[name].includes(listener)) listener(name);
    },
    quitted: () => until(() => fake.app.quitted, 'the app to quit'),
    async dispose() {
      try {
        if (!fake.app.quitted && fake.app.exitCode === null) {
          fake.app.quit();
          await desktop.quitted();
        }
      } finally {
        restore();
      }
    },
  };
  const restore = () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) {
        if (!signalsBefore[signal].includes(listener)) process.removeListener(signal, listener);
      }
    }
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (savedResourcesPath) Object.defineProperty(process, 'resourcesPath', savedResourcesPath);
    else delete (process as { resourcesPath?: string }).resourcesPath;
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    vi.resetModules();
    await import('../../electron/main/index');
    // Generous: the first boot of a file transforms the whole service on a busy machine.
    await until(
      () => fake.windows.length > 0 || fake.app.exitCode !== null,
      'the main window or an exit',
      60_000,
    );
  } catch (error) {
    await desktop.dispose().catch(() => undefined);
    throw error;
  }
  return desktop;
}

/** Per-test boots: `const boot = desktopPerTest();` then `const desktop = await boot({...})` in a test. */
export function desktopPerTest(): (options?: BootOptions) => Promise<Desktop> {
  // Booting transforms the service on first use; a busy machine needs more than the default timeouts.
  vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });
  let current: Desktop | null = null;
  afterEach(async () => {
    await current?.dispose();
    current = null;
  });
  return async (options) => (current = await bootDesktop(options));
}
