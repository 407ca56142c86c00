// Flattens AccountViews into table rows: snapshot position i pairs with report position i (the
// contract keeps their order), forecast by symbol + side. No margin math: every figure is the service's.
import type { AccountView, AlertView } from '../../api/messages';
import type { LevelForecast } from '../../api/vocabulary';
import { levelRank, type AlertLevel } from './levels';
import { moneyDecimals, ratioOf, relativeDistance, toNumber } from './format';

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
  /** Why the danger model gave that level ("0.62 σ from the trigger …"); null without a verdict or when ok. */
  levelReason: string | null;
  stale: boolean;
  /** Asset the account settles in (P&L and margin are in it). */
  settleAsset: string;
  /** Display decimals of the settle asset. */
  moneyDp: number;
  /** Quote asset of prices (the settle asset for linear contracts, USD for inverse). */
  quoteAsset: string;
  /** What size counts: the base asset for linear contracts of size 1, else "cont.". */
  sizeUnit: string;
  leverage: string;
  unrealizedPnl: string | null;
  /** Return on the position's margin: unrealised P&L / initial margin. */
  roe: string | null;
  positionMargin: string | null;
  fundingRate: string | null;
  nextFundingTime: string | null;
  /** Price at which the margin-call threshold is reached, and its distance from the mark. */
  marginCallPrice: string | null;
  distanceToMarginCall: string | null;
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

/** Base asset of a linear symbol ("BTCUSDT" → "BTC", "ETH-USDT-SWAP" → "ETH"), null when unsure. */
export function baseAssetOf(symbol: string, quote: string): string | null {
  const dashed = /^([A-Z0-9]+)[-_/]/.exec(symbol);
  if (dashed?.[1]) return dashed[1];
  if (quote && symbol.endsWith(quote) && symbol.length > quote.length) return symbol.slice(0, -quote.length);
  return null;
}

/**
 * The engine's trigger price for the margin-call threshold: the trigger level equal to it, else the
 * highest trigger level below liquidation ("1"). Null when the report has none.
 */
export function marginCallTrigger(
  triggers: { level: string; price: string | null }[],
  marginCallRatio: number | null,
): { level: string; price: string } | null {
  const usable = triggers.filter(
    (t): t is { level: string; price: string } => t.price !== null && Number(t.level) < 1,
  );
  if (usable.length === 0) return null;
  const exact =
    marginCallRatio === null ? undefined : usable.find((t) => Number(t.level) === marginCallRatio);
  return exact ?? usable.reduce((a, b) => (Number(b.level) > Number(a.level) ? b : a));
}

interface VerdictLike {
  subject: string;
  level: AlertLevel;
  reason?: string;
  p1h: number | null;
  ttfMedianMin: number | null;
}

/**
 * The danger verdict (AccountView.danger, when the service has the danger model) for a position: its
 * own subject when isolated, the cross book's when cross. Null without a verdict.
 */
export function verdictFor<V extends VerdictLike = VerdictLike>(
  account: AccountView,
  symbol: string,
  side: string,
  marginMode: string,
): V | null {
  const danger = (account as { danger?: { subjects?: V[] } | null }).danger;
  if (!danger?.subjects) return null;
  const own = danger.subjects.find((d) => d.subject === `position:${symbol}:${side}`);
  return (
    own ?? (marginMode === 'cross' ? (danger.subjects.find((d) => d.subject === 'cross') ?? null) : null)
  );
}

export function positionRows(
  accounts: AccountView[],
  openAlerts: AlertView[],
  marginCallRatio: number | null = null,
): PositionRow[] {
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
      const verdict = verdictFor(account, p.symbol, p.positionSide, p.marginMode);
      const quote = p.contractType === 'inverse' ? 'USD' : snapshot.settleAsset;
      const base =
        p.contractType === 'linear' && p.contractSize === '1' ? baseAssetOf(p.symbol, quote) : null;
      const mc = matches ? marginCallTrigger(matches.triggerPrices, marginCallRatio) : null;
      const margin =
        p.marginMode === 'isolated' && p.isolatedMargin ? p.isolatedMargin : (matches?.initialMargin ?? null);
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
        // The danger model's verdict for the subject this position belongs to (its own for isolated,
        // the cross book's for cross) when the service gives one; else the forecast and open alerts.
        probability1h: verdict ? verdict.p1h : probabilityWithin(next, 60),
        medianMinutes: verdict ? verdict.ttfMedianMin : (next?.medianMinutes ?? null),
        level: verdict?.level ?? positionLevel(account, p.symbol, p.positionSide, p.marginMode, openAlerts),
        levelReason: verdict?.reason || null,
        stale,
        asOf: snapshot.asOf,
        settleAsset: snapshot.settleAsset,
        moneyDp: moneyDecimals(snapshot.settleAsset),
        quoteAsset: quote,
        sizeUnit: base ?? 'cont.',
        leverage: p.leverage,
        unrealizedPnl: matches?.unrealizedPnl ?? null,
        roe: ratioOf(matches?.unrealizedPnl, matches?.initialMargin),
        positionMargin: margin,
        fundingRate: p.fundingRate ?? null,
        nextFundingTime: p.nextFundingTime ?? null,
        marginCallPrice: mc?.price ?? null,
        distanceToMarginCall: mc ? relativeDistance(p.markPrice, mc.price) : null,
      });
    });
  }
  return rows;
}

export type SortKey =
  | 'danger'
  | 'venue'
  | 'symbol'
  | 'side'
  | 'size'
  | 'entryPrice'
  | 'markPrice'
  | 'liquidationPrice'
  | 'distanceToLiquidation'
  | 'distanceToMarginCall'
  | 'marginRatio'
  | 'probability1h'
  | 'medianMinutes'
  | 'unrealizedPnl'
  | 'roe'
  | 'leverage'
  | 'positionMargin'
  | 'fundingRate'
  | 'level';

const absOrNull = (value: string | null): number | null => {
  const d = toNumber(value);
  return d === null ? null : Math.abs(d);
};

/** Most endangered first: level (worst first), then time to trigger, then closeness to liquidation. */
function compareDanger(a: PositionRow, b: PositionRow): number {
  const byLevel = levelRank(b.level) - levelRank(a.level);
  if (byLevel !== 0) return byLevel;
  const ta = a.medianMinutes ?? Infinity;
  const tb = b.medianMinutes ?? Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const da = absOrNull(a.distanceToLiquidation) ?? Infinity;
  const db = absOrNull(b.distanceToLiquidation) ?? Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return a.key.localeCompare(b.key);
}

/** The most endangered row (first in the danger order) without sorting them all; null when none. */
export function mostEndangered(rows: PositionRow[]): PositionRow | null {
  let best: PositionRow | null = null;
  for (const row of rows) if (!best || compareDanger(row, best) < 0) best = row;
  return best;
}

export function sortRows(rows: PositionRow[], key: SortKey, direction: 1 | -1): PositionRow[] {
  if (key === 'danger') {
    const sorted = [...rows].sort(compareDanger);
    return direction === 1 ? sorted : sorted.reverse();
  }
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
      case 'distanceToLiquidation':
      case 'distanceToMarginCall':
        return absOrNull(row[key]);
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
    return cmp * direction || compareDanger(a, b);
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

/** How long a held order may lag under a column sort other than danger before the rows are re-ranked. */
export const RERANK_MS = 2000;
/**
 * Under the danger sort, a held order stands while no row sits below one more than this much farther
 * (relative) from liquidation: distances jittering by a few basis points do not reshuffle the table.
 */
export const DISTANCE_TOLERANCE = 0.05;

/** Level and time to trigger only: the part of the danger order that is never held back. */
function compareUrgency(a: PositionRow, b: PositionRow): number {
  const byLevel = levelRank(b.level) - levelRank(a.level);
  if (byLevel !== 0) return byLevel;
  const ta = a.medianMinutes ?? Infinity;
  const tb = b.medianMinutes ?? Infinity;
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/**
 * The table's row order, kept between updates so rows do not jump under the trader's eye (and the
 * window does not rewrite every row) on each tick. It re-sorts at once when the sort or the set of rows
 * changes; under the danger sort when levels or times to trigger fall out of order or a distance moves
 * past DISTANCE_TOLERANCE; under any other sort every RERANK_MS.
 */
export class RowOrder {
  private keys: string[] = [];
  private sortedAt = -Infinity;
  private sortKey: SortKey | null = null;
  private direction: 1 | -1 = 1;

  apply(rows: PositionRow[], key: SortKey, direction: 1 | -1, nowMs: number): PositionRow[] {
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const sameRows =
      key === this.sortKey &&
      direction === this.direction &&
      this.keys.length === rows.length &&
      this.keys.every((k) => byKey.has(k));
    if (sameRows) {
      const held = this.keys.map((k) => byKey.get(k)!);
      const stands =
        key === 'danger'
          ? dangerOrderHolds(direction === 1 ? held : [...held].reverse())
          : nowMs - this.sortedAt < RERANK_MS;
      if (stands) return held;
    }
    const sorted = sortRows(rows, key, direction);
    this.keys = sorted.map((r) => r.key);
    this.sortedAt = nowMs;
    this.sortKey = key;
    this.direction = direction;
    return sorted;
  }
}

/** Most endangered first, up to DISTANCE_TOLERANCE on the distance to liquidation. */
function dangerOrderHolds(rows: PositionRow[]): boolean {
  let farthest = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (i > 0 && compareUrgency(rows[i - 1]!, row) !== 0) {
      if (compareUrgency(rows[i - 1]!, row) > 0) return false;
      farthest = -Infinity; // a new tier: distances compare within it
    }
    const d = absOrNull(row.distanceToLiquidation) ?? Infinity;
    if (d < farthest * (1 - DISTANCE_TOLERANCE)) return false;
    farthest = Math.max(farthest, d);
  }
  return true;
}
