// Flattens AccountViews into table rows: snapshot position i pairs with report position i (the
// contract keeps their order), forecast by symbol + side. No margin math: every figure is the service's.
import type { AccountView, AlertView } from '../../api/messages';
import type { LevelForecast } from '../../domain/forecast/types';
import { levelRank, type AlertLevel } from './levels';
import { toNumber } from './format';

export interface PositionRow {
  key: string;
  accountId: string;
  accountName: string;
  venue: string;
  symbol: string;
  positionSide: 'both' | 'long' | 'short';
  marginMode: 'cross' | 'isolated';
  side: 'long' | 'short';
  size: string;
  entryPrice: string;
  markPrice: string;
  tickSize: string | null;
  lotSize: string | null;
  liquidationPrice: string | null;
  distanceToLiquidation: string | null;
  /** Ratio of the margin the position draws on (report's per-position ratio; the account's for cross). */
  marginRatio: string | null;
  probability1h: number | null;
  medianMinutes: number | null;
  level: AlertLevel;
  stale: boolean;
  /** The snapshot time these figures belong to. */
  asOf: string;
}

/** The forecast for the nearest level above the current ratio (the next trigger), else the first. */
export function nextLevelForecast(levels: LevelForecast[], ratio: string | null): LevelForecast | null {
  if (levels.length === 0) return null;
  const current = toNumber(ratio);
  const sorted = [...levels].sort((a, b) => Number(a.level) - Number(b.level));
  if (current === null) return sorted[0] ?? null;
  return sorted.find((l) => Number(l.level) > current) ?? sorted[sorted.length - 1] ?? null;
}

export function probabilityWithin(forecast: LevelForecast | null, horizonMin: number): number | null {
  const p = forecast?.probabilities.find((x) => x.horizonMin === horizonMin)?.probability;
  return typeof p === 'number' && Number.isFinite(p) ? p : null;
}

export function isStale(account: AccountView): boolean {
  return (
    account.health.state === 'stale' || account.health.state === 'error' || account.health.state === 'stopped'
  );
}

/** Level of a position: its own open alert if any, else the account's level for cross positions. */
function positionLevel(
  account: AccountView,
  symbol: string,
  side: string,
  marginMode: string,
  openAlerts: AlertView[],
): AlertLevel {
  const subject = `position:${symbol}:${side}`;
  let level: AlertLevel = marginMode === 'cross' ? account.level : 'ok';
  for (const alert of openAlerts) {
    if (
      alert.accountId === account.id &&
      alert.subject === subject &&
      levelRank(alert.level) > levelRank(level)
    )
      level = alert.level;
  }
  return level;
}

export function positionRows(accounts: AccountView[], openAlerts: AlertView[]): PositionRow[] {
  const rows: PositionRow[] = [];
  for (const account of accounts) {
    const snapshot = account.snapshot;
    if (!snapshot) continue;
    const stale = isStale(account);
    snapshot.positions.forEach((p, i) => {
      const r = account.report?.positions[i];
      const matches = r && r.symbol === p.symbol && r.positionSide === p.positionSide ? r : undefined;
      const fc = account.forecast?.positions.find(
        (f) => f.symbol === p.symbol && f.positionSide === p.positionSide,
      );
      const accountRatio = account.report?.account.marginRatio ?? null;
      const ratio = matches?.marginRatio ?? (p.marginMode === 'cross' ? accountRatio : null);
      const next = fc ? nextLevelForecast(fc.levels, ratio) : null;
      rows.push({
        key: `${account.id}/${p.symbol}/${p.positionSide}`,
        accountId: account.id,
        accountName: account.name,
        venue: snapshot.venue,
        symbol: p.symbol,
        positionSide: p.positionSide,
        marginMode: p.marginMode,
        side: p.side,
        size: p.size,
        entryPrice: p.entryPrice,
        markPrice: p.markPrice,
        tickSize: p.tickSize ?? null,
        lotSize: p.lotSize ?? null,
        liquidationPrice: matches?.liquidationPrice ?? null,
        distanceToLiquidation: matches?.distanceToLiquidation ?? null,
        marginRatio: ratio,
        probability1h: probabilityWithin(next, 60),
        medianMinutes: next?.medianMinutes ?? null,
        level: positionLevel(account, p.symbol, p.positionSide, p.marginMode, openAlerts),
        stale,
        asOf: snapshot.asOf,
      });
    });
  }
  return rows;
}

export type SortKey =
  | 'venue'
  | 'symbol'
  | 'side'
  | 'size'
  | 'entryPrice'
  | 'markPrice'
  | 'liquidationPrice'
  | 'distanceToLiquidation'
  | 'marginRatio'
  | 'probability1h'
  | 'medianMinutes'
  | 'level';

export function sortRows(rows: PositionRow[], key: SortKey, direction: 1 | -1): PositionRow[] {
  const value = (row: PositionRow): number | string | null => {
    switch (key) {
      case 'venue':
      case 'symbol':
      case 'side':
        return row[key];
      case 'level':
        return levelRank(row.level);
      case 'probability1h':
      case 'medianMinutes':
        return row[key];
      case 'distanceToLiquidation': {
        const d = toNumber(row.distanceToLiquidation);
        return d === null ? null : Math.abs(d);
      }
      default:
        return toNumber(row[key]);
    }
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb === null) return 0;
    if (va === null) return 1; // missing values always last
    if (vb === null) return -1;
    const cmp = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number);
    return cmp * direction || a.key.localeCompare(b.key);
  });
}

export function filterRows(rows: PositionRow[], text: string, minLevel: AlertLevel | 'all'): PositionRow[] {
  const needle = text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (minLevel === 'all' || levelRank(r.level) >= levelRank(minLevel)) &&
      (needle === '' ||
        `${r.venue} ${r.symbol} ${r.side} ${r.accountName} ${r.marginMode}`.toLowerCase().includes(needle)),
  );
}
