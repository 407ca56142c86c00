// Private by default: MarginWatch's folders hold positions, history and settings (webhook URLs are
// often credentials themselves), so the data folder is 0700 and every file in it 0600 from the very
// first open, and wider permissions left by an older version are tightened at start, with a log line.
// Used by the service (data folder) and the desktop shell (Electron's userData folder).
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Enough for our folder and Electron's; a folder this big is walked no further. */
const MAX_ENTRIES = 20_000;

export interface PrivateDirResult {
  /** Paths whose permissions were narrowed, with their old mode (octal). */
  tightened: { path: string; was: string }[];
}

/**
 * Sets the process umask to 077 (so SQLite's -wal/-shm and anything else created later start
 * private), creates `dir` 0700 and narrows every existing entry in it. No-op on Windows, where
 * per-user folders are private through ACLs.
 */
export function securePrivateDir(dir: string, log: (line: string) => void = () => {}): PrivateDirResult {
  const result: PrivateDirResult = { tightened: [] };
  if (process.platform === 'win32') {
    mkdirSync(dir, { recursive: true });
    return result;
  }
  if (isMainThread) process.umask(0o077); // worker threads may not change it; their files get explicit modes
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    throw new Error(
      `cannot create the data folder ${dir}: ${describeFsError(error)} — check its permissions or choose another folder (--data-dir or MARGINWATCH_DATA_DIR)`,
    );
  }
  let seen = 0;
  const narrow = (path: string, isDir: boolean) => {
    const stat = lstatSync(path);
    if ((stat.mode & 0o077) === 0) return;
    chmodSync(path, isDir ? DIR_MODE : (stat.mode & 0o700) | FILE_MODE);
    result.tightened.push({ path, was: (stat.mode & 0o777).toString(8) });
  };
  const walk = (folder: string) => {
    narrow(folder, true);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) return;
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) continue; // never follow a link out of the folder
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) narrow(path, false);
    }
  };
  try {
    walk(dir);
  } catch (error) {
    log(`could not tighten the permissions in ${dir}: ${describeFsError(error)}`);
  }
  if (result.tightened.length > 0) {
    const names = result.tightened.slice(0, 5).map((t) => `${t.path} (was ${t.was})`);
    const more = result.tightened.length > 5 ? ` and ${result.tightened.length - 5} more` : '';
    log(`made ${result.tightened.length} item(s) in ${dir} private to this user: ${names.join(', ')}${more}`);
  }
  return result;
}

export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EROFS') return 'the file system is read-only';
  if (e?.code === 'ENOSPC') return 'the disk is full';
  return e instanceof Error ? e.message : String(error);
}
