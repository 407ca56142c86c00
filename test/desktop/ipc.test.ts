// The desktop shell's IPC surface, booted with the real service: exactly the api contract's
// commands (each validated by the service) and events, and nothing for a frame that is not our page.
import { describe, expect, it, vi } from 'vitest';
import { commandSchemas, type AccountView, type AlertView, type ApiEvent, type Envelope, type ServiceStatus } from '../../src/api/messages';
import type { MarginWatchBridge } from '../../src/ui/lib/transport';
import { APP_ORIGIN, IPC_CALL, IPC_EVENT } from '../../electron/shared';
import { state } from './fakeElectron';
import { desktopPerTest, FakeMonitor } from './harness';

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));
const boot = desktopPerTest();

const failure = (e: Envelope<unknown>) => (e.ok ? null : e.error);

describe('IPC surface with the real service', () => {
  it('registers one invoke channel and no other main-process listener', async () => {
    const desktop = await boot();
    expect([...desktop.fake.ipcHandlers.keys()]).toEqual([IPC_CALL]);
    expect([...desktop.fake.ipcListeners.keys()]).toEqual([]);
  });

  it('every api command reaches the service and is validated there; nothing else is accepted', async () => {
    const desktop = await boot();
    for (const command of Object.keys(commandSchemas)) {
      // strictObject schemas: an unknown field alone is refused, by the service's zod check for this command.
      const refused = failure(await desktop.invoke(command, { notAField: 1 }));
      expect(refused?.message, command).toMatch(new RegExp(`^${command.replace('.', '\\.')}: `));
    }
    const state = await desktop.invoke('state.get', {});
    expect(state.ok && (state.result as { status: ServiceStatus }).status.shell).toBe('desktop');
    const bad = failure(await desktop.invoke('alerts.snooze', { alertId: 'x', minutes: 0 }));
    expect(bad).toMatchObject({ path: 'minutes' });
    expect(failure(await desktop.invoke('shell.exec', {}))).toEqual({ message: 'unknown command "shell.exec"', path: 'command' });
    expect(failure(await desktop.invoke('__proto__', {}))?.path).toBe('command');
    expect(failure(await desktop.invoke(42, {}))?.path).toBe('command');
  });

  it('refuses calls from a foreign origin, a subframe, a file: page or no frame', async () => {
    const desktop = await boot();
    const page = desktop.window().webContents.mainFrame;
    expect(page.url).toBe(`${APP_ORIGIN}/index.html`);
    expect((await desktop.invoke('state.get', {})).ok).toBe(true);
    const refused = { ok: false, error: { message: 'refused: IPC from an untrusted frame' } };
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: `${APP_ORIGIN}/index.html`, parent: page },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'http://localhost:5173/', parent: null },
      null,
    ]) {
      expect(await desktop.invoke('state.get', {}, frame)).toEqual(refused);
    }
  });

  it('the preload exposes exactly call() and onEvent(), round-tripping to the service', async () => {
    const desktop = await boot();
    await import('../../electron/preload/index');
    expect([...state().exposed.keys()]).toEqual(['marginwatch']);
    const bridge = state().exposed.get('marginwatch') as MarginWatchBridge;
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
    const answer = await bridge.call('settings.get', {});
    expect(answer.ok).toBe(true);
    expect(await bridge.call(7 as unknown as string, {})).toEqual({ ok: false, error: { message: 'command must be a string' } });
    // Events from the running service (the demo account) arrive through the bridge as bare events.
    const seen: ApiEvent[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    desktop.monitor().emit({ type: 'account-removed', accountId: 'gone' });
    expect(seen).toContainEqual({ type: 'account-removed', accountId: 'gone' });
    off();
    desktop.monitor().emit({ type: 'account-removed', accountId: 'again' });
    expect(seen).not.toContainEqual({ type: 'account-removed', accountId: 'again' });
  });
});

describe('IPC events', () => {
  it('forwards every api event type to the window on the one event channel, unchanged', async () => {
    const monitor = new FakeMonitor();
    const desktop = await boot({ monitor });
    const status: ServiceStatus = {
      version: '0',
      startedAt: '2026-01-01T00:00:00.000Z',
      osNotifications: { available: true, detail: null },
      dataDir: '/x',
      shell: 'desktop',
    };
    // Record<ApiEvent['type'], …> makes this fail to compile when the contract gains or loses an event.
    const oneOfEach: { [T in ApiEvent['type']]: Extract<ApiEvent, { type: T }> } = {
      account: { type: 'account', account: { id: 'a' } as AccountView },
      'account-removed': { type: 'account-removed', accountId: 'a' },
      alert: { type: 'alert', alert: { id: 'x' } as AlertView },
      status: { type: 'status', status },
    };
    const sent = desktop.window().webContents.sent;
    for (const event of Object.values(oneOfEach)) monitor.emit(event);
    expect(sent).toEqual(Object.values(oneOfEach).map((event) => ({ channel: IPC_EVENT, args: [event] })));
  });

  it('sends nothing to a destroyed window', async () => {
    const monitor = new FakeMonitor();
    const desktop = await boot({ monitor });
    const win = desktop.window();
    win.destroyed = true;
    monitor.emit({ type: 'account-removed', accountId: 'a' });
    expect(win.webContents.sent).toEqual([]);
  });
});
