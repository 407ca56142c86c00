// Private by default and honest start-up: the data folder is 0700 and the database, -wal and -shm
// 0600 from the first open (whatever the umask was); wider permissions are tightened with a log line;
// a 0-byte or damaged database is moved to PATH.damaged-DATE with a message saying so; a read-only
// database fails with a message naming the file and the fix.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile } from '../../src/paths';
import { openDatabase } from '../../src/store/db';
import { securePrivateDir } from '../../src/store/privateDir';
import { tryMountTmpfs } from '../helpers/tmpfs';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});
function freshDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'mw-startup-'));
  cleanup.push(() => rmSync(base, { recursive: true, force: true }));
  return join(base, 'MarginWatch');
}

describe('data files are private', () => {
  it('creates the folder 0700 and the database, -wal and -shm 0600 even under umask 022', () => {
    process.umask(0o022);
    const dir = freshDir();
    const db = openDatabase(databaseFile(dir));
    try {
      db.prepare('CREATE TABLE IF NOT EXISTS t (x)').run();
      db.prepare('INSERT INTO t VALUES (1)').run();
      expect(mode(dir)).toBe('700');
      for (const f of ['marginwatch.sqlite', 'marginwatch.sqlite-wal', 'marginwatch.sqlite-shm']) {
        expect(existsSync(join(dir, f)), f).toBe(true);
        expect(mode(join(dir, f)), f).toBe('600');
      }
    } finally {
      db.close();
    }
  });

  it('tightens wider permissions left by an older version, with a log line', () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'sub'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'sub'), 0o755);
    writeFileSync(join(dir, 'settings.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dir, 'sub', 'cache.bin'), 'x', { mode: 0o664 });
    chmodSync(join(dir, 'settings.json'), 0o644);
    chmodSync(join(dir, 'sub', 'cache.bin'), 0o664);
    const lines: string[] = [];
    const result = securePrivateDir(dir, (l) => lines.push(l));
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'sub'))).toBe('700');
    expect(mode(join(dir, 'settings.json'))).toBe('600');
    expect(mode(join(dir, 'sub', 'cache.bin'))).toBe('600');
    expect(result.tightened).toHaveLength(4);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/made 4 item\(s\) in .* private to this user: .*settings\.json \(was 644\)/);
    // Already private: nothing to say the second time.
    expect(securePrivateDir(dir, (l) => lines.push(l)).tightened).toEqual([]);
    expect(lines).toHaveLength(1);
  });
});

describe('start-up errors name the file, the cause and the fix', () => {
  const at = Date.UTC(2026, 11, 5, 17, 30, 0);

  it('moves a 0-byte database aside with a message instead of silently replacing it', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const file = databaseFile(dir);
    writeFileSync(file, '');
    const lines: string[] = [];
    const db = openDatabase(file, { log: (l) => lines.push(l), now: () => at });
    db.close();
    const moved = `${file}.damaged-2026-12-05T17-30-00-000Z`;
    expect(existsSync(moved)).toBe(true);
    expect(lines).toContain(
      `the database at ${file} is empty (0 bytes): MarginWatch moved it to ${moved} and started a new one; your history is in that file`,
    );
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it('moves a damaged database (and its -wal) aside, keeping its bytes', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const file = databaseFile(dir);
    const garbage = Buffer.from('this is not a database '.repeat(200));
    writeFileSync(file, garbage);
    writeFileSync(`${file}-wal`, 'stray wal');
    const lines: string[] = [];
    const db = openDatabase(file, { log: (l) => lines.push(l), now: () => at });
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    db.close();
    const moved = `${file}.damaged-2026-12-05T17-30-00-000Z`;
    expect(readFileSync(moved).equals(garbage)).toBe(true);
    expect(readFileSync(`${moved}-wal`, 'utf8')).toBe('stray wal');
    expect(lines.join('\n')).toContain(`the database at ${file} is damaged: MarginWatch moved it to ${moved}`);
  });

  it('a read-only database: "not readable/writable: check permissions", naming the file', () => {
    let dir: string;
    let restore = () => {};
    if (process.getuid?.() === 0) {
      // Root ignores file modes: a read-only filesystem is the honest way to deny writing.
      const fs = tryMountTmpfs(4 * 1024 * 1024);
      if ('skip' in fs) return;
      dir = join(fs.dir, 'MarginWatch');
      openDatabase(databaseFile(dir)).close();
      fs.remount('ro');
      restore = () => fs.unmount();
    } else {
      dir = freshDir();
      openDatabase(databaseFile(dir)).close();
      for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o400);
      chmodSync(dir, 0o500);
      restore = () => chmodSync(dir, 0o700);
    }
    try {
      const file = databaseFile(dir);
      expect(() => openDatabase(file)).toThrow(
        new RegExp(`^the database at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not readable/writable \\(.*\\): check permissions`),
      );
    } finally {
      restore();
    }
  });
});
