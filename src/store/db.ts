// Opens the SQLite file and brings its schema up to date. Nothing outside store/ writes SQL.
// Start-up problems name the file, the cause and the fix; a damaged (or 0-byte) file is moved aside
// with a message, never silently replaced.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';
import { describeFsError, securePrivateDir } from './privateDir';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path to a native binding built for another runtime (Electron); see docs/DESKTOP.md. */
  nativeBinding?: string;
  /** Where start-up notes go (permissions tightened, a damaged file moved aside). */
  log?: (line: string) => void;
  /** Wall clock for the name of a moved-aside file. */
  now?: () => number;
}

/** A start-up failure a person can act on: the message names the file, the cause and the fix. */
export class DatabaseStartupError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'DatabaseStartupError';
  }
}

const DAMAGED_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);
const ACCESS_CODES = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH', 'EACCES', 'EPERM', 'EROFS']);

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file === ':memory:') return configure(new Database(file, bindingOption(options)));
  const log = options.log ?? (() => {});
  securePrivateDir(dirname(file), log);
  // A 0-byte file would silently become a new, empty database: say so and keep it aside instead.
  const size = statSafe(file)?.size;
  if (size === 0) moveAside(file, 'is empty (0 bytes)', options);
  // Not a database at all: moved aside before SQLite opens it (closing would drop a stray -wal).
  else if (size !== undefined && !hasSqliteHeader(file)) moveAside(file, 'is damaged', options);
  createPrivate(file);
  try {
    return configure(new Database(file, bindingOption(options)));
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!DAMAGED_CODES.has(code)) throw startupError(file, error);
  }
  moveAside(file, 'is damaged', options);
  createPrivate(file);
  try {
    return configure(new Database(file, bindingOption(options)));
  } catch (error) {
    throw startupError(file, error);
  }
}

function bindingOption(options: OpenOptions): Database.Options {
  return options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
}

function configure(db: Db): Db {
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; FULL adds power-loss durability
    // for the alert outbox, where a lost "delivered" mark would mean a duplicate notification.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The file exists, 0600, before SQLite opens it; its -wal and -shm take the same mode. */
function createPrivate(file: string): void {
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (error) {
    throw startupError(file, error);
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function hasSqliteHeader(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true; // unreadable: SQLite's own error (permissions) says more than "damaged"
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

function statSafe(file: string) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

/** Renames the file (and its -wal/-shm) to FILE.damaged-DATE and says where it went. */
function moveAside(file: string, what: string, options: OpenOptions): void {
  const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.damaged-${stamp}`;
  try {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  } catch (error) {
    throw new DatabaseStartupError(
      `the database at ${file} ${what} and could not be moved aside (${describeFsError(error)}): move or delete it yourself, then start again`,
      file,
    );
  }
  (options.log ?? (() => {}))(
    `the database at ${file} ${what}: MarginWatch moved it to ${target} and started a new one; your history is in that file`,
  );
}

function startupError(file: string, error: unknown): DatabaseStartupError {
  const code = (error as { code?: string }).code ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  if (ACCESS_CODES.has(code) || /readonly|unable to open/i.test(detail))
    return new DatabaseStartupError(
      `the database at ${file} is not readable/writable (${detail}): check permissions of the file and its folder (the user running MarginWatch must be able to read and write both)`,
      file,
    );
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new DatabaseStartupError(`the database at ${file} cannot be written: the disk is full — free some space and start again`, file);
  return new DatabaseStartupError(`the database at ${file} cannot be opened: ${detail}`, file);
}

/** Applies every migration newer than the file's user_version, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
