// Which errors mean "the disk cannot take our writes right now" (as opposed to a bug): the alert
// pipeline keeps delivering from memory through these and raises the storage alert.

const STORAGE_CODES = /^(SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN)\w*|ENOSPC|EIO|EDQUOT|EROFS)$/;

export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.test(code);
}

/** "disk full at PATH", "input/output error at PATH", ... for the alert body and the log. */
export function describeStorageFailure(error: unknown, path: string): string {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (/^SQLITE_FULL|^ENOSPC|^EDQUOT/.test(code)) return `disk full at ${path}`;
  if (/^SQLITE_IOERR|^EIO/.test(code)) return `input/output error at ${path}`;
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return `database locked by another process at ${path}`;
  if (/^SQLITE_READONLY|^EROFS|^SQLITE_CANTOPEN/.test(code)) return `database not writable at ${path}`;
  return `${error instanceof Error ? error.message : String(error)} at ${path}`;
}
