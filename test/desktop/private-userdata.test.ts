// The desktop shell's user-data folder is private like the headless data folder: 0700, the database
// and its -wal/-shm 0600, even when the process started with a permissive umask.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { desktopPerTest, until } from './harness';

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));

const boot = desktopPerTest();
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('desktop user data', () => {
  it('is 0700 with 0600 files after start-up, whatever the umask was', async () => {
    if (process.platform === 'win32') return;
    process.umask(0o022); // the harness creates userData under this: 0755 before the shell starts
    const desktop = await boot();
    await until(() => readdirSync(desktop.userData).includes('marginwatch.sqlite'), 'the database');
    expect(mode(desktop.userData)).toBe('700');
    const files = readdirSync(desktop.userData, { withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['marginwatch.sqlite']));
    for (const f of files) expect(mode(join(desktop.userData, f.name)), f.name).toBe('600');
  });
});
