// Quitting the desktop app closes the service and its database cleanly: a WAL checkpoint, then
// close, before the process goes, whether the user quits from the tray, the app is asked to quit
// (before-quit) or the system sends SIGTERM. Closing the window only hides it (the tray stays).
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_CALL } from '../../electron/shared';
import { desktopPerTest, type Desktop } from './harness';

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));

const boot = desktopPerTest();
afterEach(() => {
  vi.restoreAllMocks();
});

function spyOnDatabase() {
  return { pragma: vi.spyOn(Database.prototype, 'pragma'), close: vi.spyOn(Database.prototype, 'close') };
}

/** Something to find in the file after quitting: a setting written just before. */
async function writeSetting(desktop: Desktop): Promise<void> {
  const saved = await desktop.invoke('settings.update', { patch: { app: { retentionDays: 45, startAtLogin: true } } });
  expect(saved.ok).toBe(true);
  // The shell applies the login-item part of the settings to the OS.
  expect(desktop.fake.loginItem).toEqual({ openAtLogin: true });
}

async function expectClosedCleanly(desktop: Desktop, db: ReturnType<typeof spyOnDatabase>): Promise<void> {
  await desktop.quitted();
  const checkpoint = db.pragma.mock.calls.findIndex(([sql]) => /wal_checkpoint/.test(String(sql)));
  expect(checkpoint).toBeGreaterThanOrEqual(0);
  expect(db.close).toHaveBeenCalledTimes(1);
  expect(db.pragma.mock.invocationCallOrder[checkpoint]!).toBeLessThan(db.close.mock.invocationCallOrder[0]!);
  // Everything is in the main file: no WAL left with data in it, and the setting is there.
  const file = join(desktop.userData, 'marginwatch.sqlite');
  const wal = `${file}-wal`;
  expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  const check = new Database(file, { readonly: true });
  try {
    const row = check.prepare("SELECT json FROM settings WHERE key = 'app'").get() as { json: string };
    expect(JSON.parse(row.json)).toMatchObject({ retentionDays: 45 });
  } finally {
    check.close();
  }
  expect(desktop.fake.ipcHandlers.has(IPC_CALL)).toBe(false);
  expect(desktop.tray().destroyed).toBe(true);
}

describe('quitting the desktop app', () => {
  it('closing the window with the tray present hides it and keeps the service and database running', async () => {
    const desktop = await boot();
    const db = spyOnDatabase();
    const win = desktop.window();
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    expect(desktop.fake.app.quitted).toBe(false);
    expect((await desktop.invoke('state.get')).ok).toBe(true);
    expect(db.close).not.toHaveBeenCalled();
    // The tray brings it back.
    desktop.tray().emit('click');
    expect(win.visible).toBe(true);
  });

  it('Quit in the tray menu checkpoints and closes the database before the app exits', async () => {
    const desktop = await boot();
    await writeSetting(desktop);
    const db = spyOnDatabase();
    desktop.tray().menu.find((i) => i.label === 'Quit MarginWatch')!.click!();
    // The first before-quit is held back until the service has closed.
    expect(desktop.fake.app.quitted).toBe(false);
    await expectClosedCleanly(desktop, db);
    // Once quitting, the window really closes.
    const win = desktop.window();
    win.close();
    expect(win.destroyed).toBe(true);
  });

  it('before-quit (e.g. logout, Cmd+Q) closes the database after a checkpoint', async () => {
    const desktop = await boot();
    await writeSetting(desktop);
    const db = spyOnDatabase();
    desktop.fake.app.quit();
    await expectClosedCleanly(desktop, db);
  });

  it('SIGTERM quits through the same path', async () => {
    const desktop = await boot();
    await writeSetting(desktop);
    const db = spyOnDatabase();
    desktop.signal('SIGTERM');
    await expectClosedCleanly(desktop, db);
  });
});
