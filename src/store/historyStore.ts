// History of what each account looked like: snapshots, reports (with the few columns charts need),
// rejected inputs, and settings. Writes are prepared statements; callers batch through `transaction`.
import type { Db } from './db';
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import type { AlertLevel } from '../domain/alerts/levels';
import { decodeSubjectDistances, encodeSubjectDistances, subjectDistances, subjectDistancesOfJson, type SubjectDistance } from './subjectDistances';

/** One charted point as stored (the api's HistoryPoint has the same shape; the store does not import the api). */
export interface HistoryPoint {
  at: string;
  equity: string;
  marginRatio: string | null;
  minDistanceToLiquidation: string | null;
  /** Each isolated position's and the cross book's |distance| to its trigger, and the trigger price. */
  subjects: SubjectDistance[];
}

/** Rollup periods, finest first: 5 minutes and 1 hour. */
const ROLLUP_PERIODS_MS = [300_000, 3_600_000] as const;

export interface StoredCandle {
  symbol: string;
  minuteMs: number;
  open: string;
  high: string;
  low: string;
  close: string;
}

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
  private readonly upsertRollupStmt;
  private readonly rollupRangeStmt;
  private readonly upsertCandleStmt;
  private readonly candleRangeStmt;

  constructor(private readonly db: Db) {
    this.insertSnapshotStmt = db.prepare('INSERT INTO snapshots (account_id, as_of_ms, json) VALUES (?, ?, ?)');
    this.insertReportStmt = db.prepare(
      'INSERT INTO reports (account_id, as_of_ms, equity, margin_ratio, min_distance, level, json, subject_distances) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertErrorStmt = db.prepare('INSERT INTO input_errors (account_id, at_ms, message) VALUES (?, ?, ?)');
    // SQLite returns the bare columns of the row holding MAX(): each bucket keeps its worst moment.
    this.rangeStmt = db.prepare(
      `SELECT MAX(COALESCE(CAST(margin_ratio AS REAL), -1)) AS worst, as_of_ms, equity, margin_ratio, min_distance,
              subject_distances, CASE WHEN subject_distances IS NULL THEN json END AS json
       FROM reports WHERE account_id = ? AND as_of_ms >= ? AND as_of_ms <= ?
       GROUP BY CAST((as_of_ms - ?) / ? AS INTEGER) ORDER BY as_of_ms`,
    );
    this.latestReportStmt = db.prepare('SELECT as_of_ms, level, json FROM reports WHERE account_id = ? ORDER BY as_of_ms DESC LIMIT 1');
    this.latestErrorStmt = db.prepare('SELECT at_ms, message FROM input_errors WHERE account_id = ? ORDER BY at_ms DESC LIMIT 1');
    // Keeps, per hour, the report with the worst margin ratio (ties: the later one).
    this.upsertRollupStmt = db.prepare(
      `INSERT INTO report_rollups (account_id, period_ms, slot_ms, worst, as_of_ms, equity, margin_ratio, min_distance, subject_distances)
       VALUES (@accountId, @periodMs, @slotMs, @worst, @asOfMs, @equity, @marginRatio, @minDistance, @subjectDistances)
       ON CONFLICT(account_id, period_ms, slot_ms) DO UPDATE SET worst = excluded.worst, as_of_ms = excluded.as_of_ms,
         equity = excluded.equity, margin_ratio = excluded.margin_ratio, min_distance = excluded.min_distance,
         subject_distances = excluded.subject_distances
       WHERE excluded.worst >= report_rollups.worst`,
    );
    this.rollupRangeStmt = db.prepare(
      `SELECT MAX(worst) AS worst, as_of_ms, equity, margin_ratio, min_distance, subject_distances
       FROM report_rollups WHERE account_id = ? AND period_ms = ? AND slot_ms >= ? AND slot_ms <= ?
       GROUP BY CAST((slot_ms - ?) / ? AS INTEGER) ORDER BY as_of_ms`,
    );
    this.upsertCandleStmt = db.prepare(
      `INSERT INTO mark_candles (account_id, symbol, minute_ms, open, high, low, close)
       VALUES (@accountId, @symbol, @minuteMs, @open, @high, @low, @close)
       ON CONFLICT(account_id, symbol, minute_ms) DO UPDATE SET
         high = CASE WHEN CAST(excluded.high AS REAL) > CAST(mark_candles.high AS REAL) THEN excluded.high ELSE mark_candles.high END,
         low = CASE WHEN CAST(excluded.low AS REAL) < CAST(mark_candles.low AS REAL) THEN excluded.low ELSE mark_candles.low END,
         close = excluded.close`,
    );
    this.candleRangeStmt = db.prepare(
      `SELECT minute_ms, open, high, low, close FROM mark_candles
       WHERE account_id = ? AND symbol = ? AND minute_ms >= ? AND minute_ms <= ? ORDER BY minute_ms`,
    );
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
    const asOfMs = Date.parse(report.asOf);
    const distance = minDistance(report);
    const subjects = encodeSubjectDistances(subjectDistances(report));
    this.insertReportStmt.run(accountId, asOfMs, report.account.marginBalance, report.account.marginRatio, distance, level, JSON.stringify(report), subjects);
    const ratio = report.account.marginRatio === null ? -1 : Number(report.account.marginRatio);
    for (const periodMs of ROLLUP_PERIODS_MS) {
      this.upsertRollupStmt.run({
        accountId,
        periodMs,
        slotMs: Math.floor(asOfMs / periodMs) * periodMs,
        worst: Number.isFinite(ratio) ? ratio : -1,
        asOfMs,
        equity: report.account.marginBalance,
        marginRatio: report.account.marginRatio,
        minDistance: distance,
        subjectDistances: subjects,
      });
    }
  }

  /** Records (or extends) 1-minute mark candles; an existing minute keeps its open and widens high/low. */
  saveMarkCandles(accountId: string, candles: readonly StoredCandle[]): void {
    for (const c of candles) this.upsertCandleStmt.run({ accountId, ...c });
  }

  /** 1-minute candles of one symbol, merged into at most `maxPoints` wider candles when the range is long. */
  markCandles(accountId: string, symbol: string, fromMs: number, toMs: number, maxPoints: number): StoredCandle[] {
    const rows = this.candleRangeStmt.all(accountId, symbol, fromMs, toMs) as { minute_ms: number; open: string; high: string; low: string; close: string }[];
    const per = Math.max(1, Math.ceil(rows.length / maxPoints));
    const out: StoredCandle[] = [];
    for (let i = 0; i < rows.length; i += per) {
      const group = rows.slice(i, i + per);
      const first = group[0]!;
      let high = first.high;
      let low = first.low;
      for (const r of group) {
        if (Number(r.high) > Number(high)) high = r.high;
        if (Number(r.low) < Number(low)) low = r.low;
      }
      out.push({ symbol, minuteMs: first.minute_ms, open: first.open, high, low, close: group[group.length - 1]!.close });
    }
    return out;
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
    // Wide buckets are answered from the coarsest rollup that fits in one (each slot is already its worst).
    const periodMs = [...ROLLUP_PERIODS_MS].reverse().find((p) => p <= bucketMs);
    const rows =
      periodMs !== undefined
        ? (this.rollupRangeStmt.all(accountId, periodMs, Math.floor(fromMs / periodMs) * periodMs, toMs, fromMs, bucketMs) as HistoryRow[]).filter(
            (r) => r.as_of_ms >= fromMs && r.as_of_ms <= toMs,
          )
        : (this.rangeStmt.all(accountId, fromMs, toMs, fromMs, bucketMs) as HistoryRow[]);
    return rows.map(toPoint);
  }

  getSetting<T>(key: string): T | null {
    const row = this.getSettingStmt.get(key) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : null;
  }

  putSetting(key: string, value: unknown): void {
    this.putSettingStmt.run(key, JSON.stringify(value));
  }

  /** Copies a setting's stored text as it is (even when it is not valid JSON) to another key. */
  copySetting(from: string, to: string): void {
    const row = this.getSettingStmt.get(from) as { json: string } | undefined;
    if (row) this.putSettingStmt.run(to, row.json);
  }

  /** Deletes snapshots and reports older than `beforeMs`; returns rows removed. */
  prune(beforeMs: number): number {
    const a = this.db.prepare('DELETE FROM snapshots WHERE as_of_ms < ?').run(beforeMs).changes;
    const b = this.db.prepare('DELETE FROM reports WHERE as_of_ms < ?').run(beforeMs).changes;
    const c = this.db.prepare('DELETE FROM input_errors WHERE at_ms < ?').run(beforeMs).changes;
    // A rollup slot goes only once all of it is older than the cut-off.
    const d = this.db.prepare('DELETE FROM report_rollups WHERE slot_ms + period_ms <= ?').run(beforeMs).changes;
    const e = this.db.prepare('DELETE FROM mark_candles WHERE minute_ms < ?').run(beforeMs).changes;
    return a + b + c + d + e;
  }
}

interface HistoryRow {
  as_of_ms: number;
  equity: string;
  margin_ratio: string | null;
  min_distance: string | null;
  subject_distances: string | null;
  /** The report itself, selected only for rows stored before per-subject distances were kept. */
  json?: string | null;
}

function toPoint(row: HistoryRow): HistoryPoint {
  return {
    at: new Date(row.as_of_ms).toISOString(),
    equity: row.equity,
    marginRatio: row.margin_ratio,
    minDistanceToLiquidation: row.min_distance,
    subjects: decodeSubjectDistances(row.subject_distances) ?? subjectDistancesOfJson(row.json ?? null),
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
