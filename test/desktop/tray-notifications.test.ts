// The tray follows the service's worst level and data health, acknowledging from its menu reaches
// the service, and the service's alerts become Electron notifications that lead to their account.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AlertView } from '../../src/api/messages';
import { ALERT_LEVELS } from '../../src/domain/alerts/levels';
import type { OutgoingNotification } from '../../src/notify/types';
import type { TrayState } from '../../src/service';
import { state, type MenuItem } from './fakeElectron';
import { desktopPerTest, FakeMonitor, REPO_ROOT } from './harness';

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));
const boot = desktopPerTest();

const alert = (id: string, level: AlertView['level'], title: string): AlertView => ({ id, level, title }) as AlertView;
const item = (menu: MenuItem[], label: RegExp) => menu.find((i) => i.label !== undefined && label.test(i.label));

describe('tray', () => {
  it('icon and tooltip follow the worst level and data health as the service changes them', async () => {
    const monitor = new FakeMonitor();
    const desktop = await boot({ monitor });
    const tray = desktop.tray();
    expect(basename(tray.image)).toBe('tray-ok.png');
    expect(tray.tooltip).toBe('MarginWatch: all clear');
    for (const level of ALERT_LEVELS) {
      for (const dataHealthy of [true, false]) {
        const tooltip = `MarginWatch: ${level}${dataHealthy ? '' : '. Data not healthy: Demo'}`;
        monitor.setTray({ level, dataHealthy, tooltip, openAlerts: [] });
        const expected = `tray-${level}${dataHealthy ? '' : '-stale'}.png`;
        expect(basename(tray.image)).toBe(expected);
        expect(tray.image).toBe(join(REPO_ROOT, 'resources', 'icons', expected));
        expect(existsSync(tray.image), expected).toBe(true);
        expect(tray.tooltip).toBe(tooltip);
        expect(tray.menu[0]).toMatchObject({ label: tooltip, enabled: false });
      }
    }
  });

  it('acknowledging an alert from the tray menu reaches the service; the other items work', async () => {
    const monitor = new FakeMonitor();
    const desktop = await boot({ monitor });
    const open = [alert('a1', 'critical', 'BTC book 2% from liquidation'), alert('a2', 'warning', 'ETH book at warning')];
    const state2: TrayState = { level: 'critical', dataHealthy: true, tooltip: 'MarginWatch: Critical', openAlerts: open };
    monitor.setTray(state2);
    const menu = desktop.tray().menu;
    item(menu, /^Acknowledge: \[critical\] BTC book/)!.click!();
    item(menu, /^Acknowledge: \[warning\] ETH book/)!.click!();
    expect(monitor.calls.filter((c) => c.command === 'alerts.ack')).toEqual([
      { command: 'alerts.ack', params: { alertId: 'a1' } },
      { command: 'alerts.ack', params: { alertId: 'a2' } },
    ]);
    const win = desktop.window();
    win.hide();
    item(menu, /^Alerts inbox$/)!.click!();
    expect(win.visible).toBe(true);
    expect(win.webContents.executed.at(-1)).toBe('location.hash = "#/alerts"');
    // More than ten open alerts: the rest are one click away in the inbox.
    monitor.setTray({ ...state2, openAlerts: Array.from({ length: 12 }, (_, i) => alert(`x${i}`, 'watch', `alert ${i}`)) });
    expect(desktop.tray().menu.filter((i) => i.label?.startsWith('Acknowledge:'))).toHaveLength(10);
    expect(item(desktop.tray().menu, /^2 more in the alerts inbox/)).toBeDefined();
    monitor.setTray({ ...state2, openAlerts: [] });
    expect(item(desktop.tray().menu, /^No open alerts$/)).toMatchObject({ enabled: false });
  });
});

describe('OS notifications', () => {
  const outgoing = (over: Partial<OutgoingNotification>): OutgoingNotification =>
    ({
      key: 'e1#1',
      alertId: 'alert-1',
      accountId: 'acct 7',
      subject: 'account',
      kind: 'level',
      level: 'warning',
      title: 'Main: warning',
      body: 'Margin ratio 71.0%',
      urgency: 'normal',
      sound: false,
      at: '2026-01-01T00:00:00.000Z',
      ...over,
    }) as OutgoingNotification;

  it('an alert from the service becomes an Electron Notification with its urgency; a click shows its account', async () => {
    const monitor = new FakeMonitor();
    const desktop = await boot({ monitor });
    const os = desktop.monitorOptions().channels!.find((c) => c.id === 'os')!;
    expect(desktop.monitorOptions().osNotifications).toEqual({ available: true, detail: null });

    expect(await os.send(outgoing({}))).toEqual({ ok: true, attempts: 1 });
    expect(await os.send(outgoing({ alertId: 'alert-2', level: 'critical', urgency: 'critical', sound: true, title: 'Main: CRITICAL' }))).toEqual({ ok: true, attempts: 1 });
    const [normal, critical] = state().notifications;
    expect(normal!.options).toEqual({
      title: 'Main: warning',
      body: 'Margin ratio 71.0%',
      icon: join(REPO_ROOT, 'resources', 'icons', 'icon.png'),
      urgency: 'normal',
      silent: true,
      timeoutType: 'default',
    });
    expect(critical!.options).toMatchObject({ title: 'Main: CRITICAL', urgency: 'critical', silent: false, timeoutType: 'never' });
    expect(normal!.shown && critical!.shown).toBe(true);

    const win = desktop.window();
    win.hide();
    win.minimized = true;
    critical!.emit('click');
    expect(win.webContents.executed.at(-1)).toBe(`location.hash = "#/account/acct%207"`);
    expect(win.visible && !win.minimized && win.focused > 0).toBe(true);
  });

  it('a closed window is re-created to show the subject', async () => {
    const desktop = await boot({ monitor: new FakeMonitor() });
    const os = desktop.monitorOptions().channels!.find((c) => c.id === 'os')!;
    await os.send(outgoing({}));
    desktop.window().destroyed = true;
    state().notifications[0]!.emit('click');
    expect(state().windows).toHaveLength(2);
    expect(desktop.window().webContents.executed).toEqual(['location.hash = "#/account/acct%207"']);
  });

  it('reports failure when the system has no notifications, and tells the service so', async () => {
    const desktop = await boot({ monitor: new FakeMonitor(), notificationsSupported: false });
    expect(desktop.monitorOptions().osNotifications).toEqual({ available: false, detail: expect.stringContaining('no desktop notifications') });
    const os = desktop.monitorOptions().channels!.find((c) => c.id === 'os')!;
    expect(await os.send(outgoing({}))).toMatchObject({ ok: false, detail: expect.stringContaining('no notification support') });
    expect(state().notifications).toHaveLength(0);
  });
});
