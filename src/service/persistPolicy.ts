// Decides which reports and snapshots go to history: enough to review any episode minute by minute,
// without writing every tick of a fast stream to disk.
import type { AlertLevel } from '../domain/alerts/levels';

export interface LastWrite {
  atMs: number;
  level: AlertLevel;
}

export function shouldPersist(last: LastWrite | null, nowMs: number, level: AlertLevel, intervalMs: number): boolean {
  if (!last) return true;
  if (level !== last.level) return true;
  return nowMs - last.atMs >= intervalMs;
}
