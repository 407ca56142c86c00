// Recording stand-ins for the parts of the `electron` module the shell uses, so electron/main and
// electron/preload run in plain Node under vitest. Each fake behaves like Electron where the shell
// depends on it (events with preventDefault, quit → before-quit, IPC between preload and main) and
// records every call for the tests to inspect. The state lives on globalThis so it survives
// vi.resetModules() between boots.
import { EventEmitter } from 'node:events';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type Handler = (...args: unknown[]) => unknown;

/** Emits an Electron-style event (first argument has preventDefault); returns whether it was prevented. */
function fire(emitter: EventEmitter, name: string, ...args: unknown[]): boolean {
  let prevented = false;
  emitter.emit(name, { preventDefault: () => (prevented = true) }, ...args);
  return prevented;
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly executed: string[] = [];
  readonly mainFrame: FakeFrame = { url: '', parent: null };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
    for (const listener of state().rendererListeners.get(channel) ?? []) listener({ sender: null }, ...args);
  }
  executeJavaScript(code: string): Promise<void> {
    this.executed.push(code);
    return Promise.resolve();
  }
  fire(name: string, ...args: unknown[]): boolean {
    return fire(this, name, ...args);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  minimized = false;
  focused = 0;
  loadedUrl: string | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    state().windows.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  /** Like the user clicking the close button: 'close' may be prevented, else the window is gone. */
  close(): void {
    if (fire(this, 'close')) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

export class FakeNotification extends EventEmitter {
  shown = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    state().notifications.push(this);
  }
  static isSupported(): boolean {
    return state().notificationsSupported;
  }
  show(): void {
    this.shown = true;
    // The OS confirms asynchronously, as on Linux/macOS.
    if (state().notificationsConfirm) setImmediate(() => this.emit('show', {}));
  }
}

export interface MenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

export class FakeTray extends EventEmitter {
  image: string;
  tooltip = '';
  menu: MenuItem[] = [];
  destroyed = false;
  readonly images: string[] = [];
  constructor(image: { path: string }) {
    super();
    this.image = image.path;
    this.images.push(image.path);
    state().trays.push(this);
  }
  setImage(image: { path: string }): void {
    this.image = image.path;
    this.images.push(image.path);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: MenuItem[] }): void {
    this.menu = menu.items;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export interface FakeState {
  app: FakeApp;
  windows: FakeBrowserWindow[];
  trays: FakeTray[];
  notifications: FakeNotification[];
  notificationsSupported: boolean;
  notificationsConfirm: boolean;
  ipcHandlers: Map<string, Handler>;
  ipcListeners: Map<string, Handler[]>;
  rendererListeners: Map<string, Handler[]>;
  exposed: Map<string, unknown>;
  safeStorage: { available: boolean; backend: string; encrypted: string[]; decrypted: number };
  openedExternally: string[];
  permissionRequestHandler: Handler | null;
  permissionCheckHandler: Handler | null;
  headersReceived: Handler | null;
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  errorBoxes: Array<{ title: string; content: string }>;
  loginItem: { openAtLogin: boolean };
  /** Order of notable calls, e.g. ['protocol.registerSchemesAsPrivileged', 'app.ready', ...]. */
  log: string[];
}

export class FakeApp extends EventEmitter {
  isPackaged = true;
  appPath = '';
  userData = '';
  singleInstance = true;
  ready = false;
  quitted = false;
  exitCode: number | null = null;
  getAppPath(): string {
    return this.appPath;
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`fake app.getPath(${name}) not modelled`);
    return this.userData;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  whenReady(): Promise<void> {
    this.ready = true;
    state().log.push('app.ready');
    return Promise.resolve();
  }
  setAppUserModelId(): void {}
  getLoginItemSettings(): { openAtLogin: boolean } {
    return state().loginItem;
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    state().loginItem = { openAtLogin: settings.openAtLogin };
  }
  /** Electron: 'before-quit' (preventable), then 'will-quit' and 'quit'. */
  quit(): void {
    state().log.push('app.quit');
    if (this.quitted || fire(this, 'before-quit')) return;
    fire(this, 'will-quit');
    this.quitted = true;
    this.emit('quit');
  }
  exit(code = 0): void {
    this.exitCode = code;
    this.quitted = true;
  }
}

function freshState(): FakeState {
  return {
    app: new FakeApp(),
    windows: [],
    trays: [],
    notifications: [],
    notificationsSupported: true,
    notificationsConfirm: true,
    ipcHandlers: new Map(),
    ipcListeners: new Map(),
    rendererListeners: new Map(),
    exposed: new Map(),
    safeStorage: { available: true, backend: 'gnome_libsecret', encrypted: [], decrypted: 0 },
    openedExternally: [],
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    headersReceived: null,
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    errorBoxes: [],
    loginItem: { openAtLogin: false },
    log: [],
  };
}

const KEY = Symbol.for('marginwatch.fakeElectron');
type WithFake = typeof globalThis & { [KEY]?: FakeState };

export function state(): FakeState {
  return ((globalThis as WithFake)[KEY] ??= freshState());
}

export function resetFakeElectron(): FakeState {
  (globalThis as WithFake)[KEY] = freshState();
  return state();
}

/** The fake safeStorage's "cipher": reversible, and visibly not the plain text. */
const seal = (plain: string) => Buffer.from(`sealed:${Buffer.from(plain).toString('base64')}`);
const unseal = (blob: Buffer) => {
  const text = blob.toString();
  if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
  return Buffer.from(text.slice(7), 'base64').toString();
};

/** What `vi.mock('electron', ...)` returns. Objects delegate to the current state at call time. */
export function electronModule(): Record<string, unknown> {
  const ipcMain = {
    handle: (channel: string, handler: Handler) => {
      if (state().ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      state().ipcHandlers.set(channel, handler);
    },
    handleOnce: (channel: string, handler: Handler) => state().ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => state().ipcHandlers.delete(channel),
    on: (channel: string, listener: Handler) => state().ipcListeners.set(channel, [...(state().ipcListeners.get(channel) ?? []), listener]),
    once: (channel: string, listener: Handler) => state().ipcListeners.set(channel, [...(state().ipcListeners.get(channel) ?? []), listener]),
  };
  const ipcRenderer = {
    /** Routes to main's handler with the window's top-level frame as sender, as Electron would. */
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = state().ipcHandlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const senderFrame = state().windows[0]?.webContents.mainFrame ?? null;
      return handler({ senderFrame }, ...args);
    },
    on: (channel: string, listener: Handler) => {
      state().rendererListeners.set(channel, [...(state().rendererListeners.get(channel) ?? []), listener]);
    },
    removeListener: (channel: string, listener: Handler) => {
      state().rendererListeners.set(channel, (state().rendererListeners.get(channel) ?? []).filter((l) => l !== listener));
    },
    send: () => {
      throw new Error('the preload must not use ipcRenderer.send');
    },
  };
  const app = new Proxy({} as FakeApp, {
    get: (_t, prop) => {
      const value = Reflect.get(state().app, prop) as unknown;
      return typeof value === 'function' ? (value as Handler).bind(state().app) : value;
    },
  });
  const mod: Record<string, unknown> = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Notification: FakeNotification,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (items: MenuItem[]) => ({ items }) },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    ipcMain,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => state().exposed.set(key, api) },
    dialog: { showErrorBox: (title: string, content: string) => state().errorBoxes.push({ title, content }) },
    shell: {
      openExternal: (url: string) => {
        state().openedExternally.push(url);
        return Promise.resolve();
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => state().safeStorage.available,
      getSelectedStorageBackend: () => state().safeStorage.backend,
      encryptString: (plain: string) => {
        state().safeStorage.encrypted.push(plain);
        return seal(plain);
      },
      decryptString: (blob: Buffer) => {
        state().safeStorage.decrypted++;
        return unseal(blob);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Handler) => (state().permissionRequestHandler = handler),
        setPermissionCheckHandler: (handler: Handler) => (state().permissionCheckHandler = handler),
        webRequest: { onHeadersReceived: (handler: Handler) => (state().headersReceived = handler) },
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        state().log.push('protocol.registerSchemesAsPrivileged');
        state().privilegedSchemes.push(...schemes);
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => state().protocolHandlers.set(scheme, handler),
    },
  };
  return { ...mod, default: mod };
}
