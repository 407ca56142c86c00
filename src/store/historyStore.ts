// History of what each account looked like: snapshots, reports (with the few columns charts need),
// rejected inputs, and settings. Writes are prepared statements; callers batch through `transaction`.
import type { Db } from './db';
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import type { AlertLevel } from '../domain/alerts/levels';
import type { HistoryPoint } from '../api/messages';

export interface StoredReport {
  accountId: string;
  asOfMs: number;
  report: MarginReport;
  level: AlertLevel;
}

export class HistoryStore {
  private readonly insertSnapshotStmt;
  private readonly insertReportStmt;
  private readonly insertErrorStmt;
  private readonly rangeStmt;
  private readonly latestReportStmt;
  private readonly latestErrorStmt;
  private readonly getSettingStmt;
  private readonly putSettingStmt;

  constructor(private readonly db: Db) {
    this.insertSnapshotStmt = db.prepare('INSERT INTO snapshots (account_id, as_of_ms, json) VALUES (?, ?, ?)');
    this.insertReportStmt = db.prepare(
      'INSERT INTO reports (account_id, as_of_ms, equity, margin_ratio, min_distance, level, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertErrorStmt = db.prepare('INSERT INTO input_errors (account_id, at_ms, message) VALUES (?, ?, ?)');
    // SQLite returns the bare columns of the row holding MAX(): each bucket keeps its worst moment.
    this.rangeStmt = db.prepare(
      `SELECT MAX(COALESCE(CAST(margin_ratio AS REAL), -1)) AS worst, as_of_ms, equity, margin_ratio, min_distance
       FROM reports WHERE account_id = ? AND as_of_ms >= ? AND as_of_ms <= ?
       GROUP BY CAST((as_of_ms - ?) / ? AS INTEGER) ORDER BY as_of_ms`,
    );
    this.latestReportStmt = db.prepare('SELECT as_of_ms, level, json FROM reports WHERE account_id = ? ORDER BY as_of_ms DESC LIMIT 1');
    this.latestErrorStmt = db.prepare('SELECT at_ms, message FROM input_errors WHERE account_id = ? ORDER BY at_ms DESC LIMIT 1');
    this.getSettingStmt = db.prepare('SELECT json FROM settings WHERE key = ?');
    this.putSettingStmt = db.prepare(
      'INSERT INTO settings (key, json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET json = excluded.json',
    );
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  saveSnapshot(accountId: string, snapshot: AccountSnapshot): void {
    this.insertSnapshotStmt.run(accountId, Date.parse(snapshot.asOf), JSON.stringify(snapshot));
  }

  saveReport(accountId: string, report: MarginReport, level: AlertLevel): void {
    this.insertReportStmt.run(
      accountId,
      Date.parse(report.asOf),
      report.account.marginBalance,
      report.account.marginRatio,
      minDistance(report),
      level,
      JSON.stringify(report),
    );
  }

  saveInputError(accountId: string, atMs: number, message: string): void {
    this.insertErrorStmt.run(accountId, atMs, message);
  }

  latestReport(accountId: string): StoredReport | null {
    const row = this.latestReportStmt.get(accountId) as { as_of_ms: number; level: AlertLevel; json: string } | undefined;
    return row ? { accountId, asOfMs: row.as_of_ms, level: row.level, report: JSON.parse(row.json) as MarginReport } : null;
  }

  latestInputError(accountId: string): { atMs: number; message: string } | null {
    const row = this.latestErrorStmt.get(accountId) as { at_ms: number; message: string } | undefined;
    return row ? { atMs: row.at_ms, message: row.message } : null;
  }

  /**
   * Equity, margin ratio and distance over a time range, in at most `maxPoints` time buckets;
   * each bucket is represented by its worst margin ratio, so spikes are never thinned away.
   */
  history(accountId: string, fromMs: number, toMs: number, maxPoints: number): HistoryPoint[] {
    const bucketMs = Math.max(1, Math.ceil((toMs - fromMs + 1) / maxPoints));
    const rows = this.rangeStmt.all(accountId, fromMs, toMs, fromMs, bucketMs) as HistoryRow[];
    return rows.map(toPoint);
  }

  getSetting<T>(key: string): T | null {
    const row = this.getSettingStmt.get(key) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : null;
  }

  putSetting(key: string, value: unknown): void {
    this.putSettingStmt.run(key, JSON.stringify(value));
  }

  /** Deletes snapshots and reports older than `beforeMs`; returns rows removed. */
  prune(beforeMs: number): number {
    const a = this.db.prepare('DELETE FROM snapshots WHERE as_of_ms < ?').run(beforeMs).changes;
    const b = this.db.prepare('DELETE FROM reports WHERE as_of_ms < ?').run(beforeMs).changes;
    const c = this.db.prepare('DELETE FROM input_errors WHERE at_ms < ?').run(beforeMs).changes;
    return a + b + c;
  }
}

interface HistoryRow {
  as_of_ms: number;
  equity: string;
  margin_ratio: string | null;
  min_distance: string | null;
}

function toPoint(row: HistoryRow): HistoryPoint {
  return {
    at: new Date(row.as_of_ms).toISOString(),
    equity: row.equity,
    marginRatio: row.margin_ratio,
    minDistanceToLiquidation: row.min_distance,
  };
}

/** The position closest to liquidation, by absolute distance (keeps the sign). */
function minDistance(report: MarginReport): string | null {
  let best: string | null = null;
  for (const p of report.positions) {
    if (p.distanceToLiquidation === null) continue;
    if (best === null || Math.abs(Number(p.distanceToLiquidation)) < Math.abs(Number(best))) best = p.distanceToLiquidation;
  }
  return best;
}
