// One danger verdict per subject of an account: each isolated position, the cross book (all cross
// positions share one margin pool and one trigger), and the account as the worst of them, naming it.
// Inputs are the engine's report, the forecast's calibrated probabilities and time-to-trigger
// quantiles, and each asset's volatility; the level rule is judgeDanger.
import type { MarginReport, PositionReport } from '../contracts';
import { CROSS_SUBJECT, positionSubjectOf, subjectKey, subjectLabel, type DangerSubject } from '../contracts/subject';
import type { AccountForecast, LevelForecast } from '../forecast/types';
import { levelRank, type AlertLevel } from '../alerts/levels';
import { finiteOrNull, isolatedRatioFromDistance, positionDirection } from '../alerts/classify';
import { judgeDanger } from './level';
import type { DangerPolicy } from './policy';

export interface SubjectDanger {
  subject: DangerSubject;
  /** Machine key (`position:BTCUSDT:long`, `cross`). */
  key: string;
  /** Plain words ("BTCUSDT long (isolated)", "cross book"). */
  label: string;
  level: AlertLevel;
  holdLevel: AlertLevel;
  /** Which input decided the level, in plain words. */
  reason: string;
  /** The symbol whose price triggers the subject (a cross book: its nearest leg). */
  symbol: string;
  /** Which way the price must move to trigger: 'down' for a long exposure. */
  adverse: 'down' | 'up' | null;
  markPrice: string | null;
  /** The engine's liquidation price of the subject (cross: of its nearest leg, other prices held). */
  triggerPrice: string | null;
  /** |distance| from mark to the trigger, fraction of mark ("0.0059"); "0" at or past it. */
  distance: string | null;
  sigmaPerMin: number | null;
  sigmaDistance1h: number | null;
  p1h: number | null;
  p24h: number | null;
  ttfMedianMin: number | null;
  ttfQ10Min: number | null;
  /** Normalised margin ratio of the margin this subject draws on (1 = liquidation). */
  marginRatio: string | null;
  pastTrigger: boolean;
}

export interface DangerVerdict {
  /** The account's level: its worst subject's. */
  level: AlertLevel;
  /** The worst subject (ties: the sooner median time to trigger, then the nearer in σ); null without positions. */
  worst: SubjectDanger | null;
  subjects: SubjectDanger[];
}

export interface DangerContext {
  report: MarginReport;
  forecast: AccountForecast | null;
  /** σ per √minute of a symbol's 1-minute log returns, or null. */
  sigma: (symbol: string) => number | null;
  policy: DangerPolicy;
  /** Ignore the forecast's probabilities (predictive alerts switched off). */
  useForecast?: boolean;
}

/** The engine's MAX_MARGIN_RATIO: a margin balance at or below zero. */
const SATURATED_MARGIN_RATIO = 1000;

function liquidationForecast(levels: readonly LevelForecast[] | undefined): LevelForecast | null {
  return levels?.find((l) => Number(l.level) === 1) ?? null;
}

function probabilityAt(l: LevelForecast | null, horizonMin: number): number | null {
  const p = l?.probabilities.find((x) => x.horizonMin === horizonMin)?.probability;
  return p !== undefined && Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : null;
}

function finiteMin(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) && v >= 0 ? v : null;
}

interface Pieces {
  distance: number | null;
  past: boolean;
  ratio: number | null;
  forecast: LevelForecast | null;
}

function build(subject: DangerSubject, symbol: string, adverse: SubjectDanger['adverse'], p: PositionReport | null, mark: string | null, x: Pieces, ctx: DangerContext): SubjectDanger {
  const useForecast = ctx.useForecast !== false;
  const p1h = useForecast ? probabilityAt(x.forecast, 60) : null;
  const ttfMedianMin = useForecast ? finiteMin(x.forecast?.medianMinutes) : null;
  const sigma = ctx.sigma(symbol);
  const sigmaPerMin = sigma !== null && Number.isFinite(sigma) && sigma > 0 ? sigma : null;
  const distance = x.past ? 0 : x.distance;
  const j = judgeDanger({ distance, sigmaPerMin, p1h, ttfMedianMin, marginRatio: x.ratio }, ctx.policy);
  return {
    subject,
    key: subjectKey(subject),
    label: subjectLabel(subject),
    level: j.level,
    holdLevel: j.holdLevel,
    reason: j.reason,
    symbol,
    adverse,
    markPrice: mark,
    triggerPrice: p?.liquidationPrice ?? null,
    distance: distance === null ? null : String(Number(distance.toPrecision(6))),
    sigmaPerMin,
    sigmaDistance1h: j.sigmaDistance1h,
    p1h,
    p24h: useForecast ? probabilityAt(x.forecast, 1440) : null,
    ttfMedianMin,
    ttfQ10Min: useForecast ? finiteMin(x.forecast?.q10Minutes) : null,
    marginRatio: x.ratio === null ? null : String(Number(x.ratio.toPrecision(6))),
    pastTrigger: x.past,
  };
}

function isolatedSubject(p: PositionReport, mark: string | null, ctx: DangerContext): SubjectDanger {
  const signed = finiteOrNull(p.distanceToLiquidation);
  const direction = positionDirection(p);
  // Past its own liquidation price counts as zero distance, never as "some distance away".
  const past = signed !== null && direction !== null && (direction === 'long' ? signed >= 0 : signed <= 0);
  const ratio =
    finiteOrNull(p.marginRatio) ??
    (signed !== null && direction !== null ? isolatedRatioFromDistance(signed, Number(p.maintenanceRate), direction) : null);
  const pf = ctx.forecast?.positions.find((f) => f.symbol === p.symbol && f.positionSide === p.positionSide);
  const adverse = direction === null ? null : direction === 'long' ? 'down' : 'up';
  return build(positionSubjectOf({ ...p, marginMode: 'isolated' }), p.symbol, adverse, p, mark, { distance: signed === null ? null : Math.abs(signed), past, ratio: ratio === null ? null : Math.min(1, ratio), forecast: liquidationForecast(pf?.levels) }, ctx);
}

function worseForecast(a: LevelForecast | null, b: LevelForecast | null): LevelForecast | null {
  if (!a) return b;
  if (!b) return a;
  return (probabilityAt(b, 60) ?? 0) > (probabilityAt(a, 60) ?? 0) ? b : a;
}

function crossSubject(legs: PositionReport[], marks: Map<string, string>, hasIsolated: boolean, ctx: DangerContext): SubjectDanger {
  const { report, forecast } = ctx;
  const printed = finiteOrNull(report.account.marginRatio);
  // Past liquidation the engine saturates the ratio (older reports printed none): not safe.
  const bankrupt = printed === null || printed >= SATURATED_MARGIN_RATIO;
  const ratio = bankrupt ? 1 : Math.min(1, printed);
  let nearest: PositionReport | null = null;
  let nearestAbs = Number.POSITIVE_INFINITY;
  let fc: LevelForecast | null = null;
  for (const p of legs) {
    const d = finiteOrNull(p.distanceToLiquidation);
    if (d !== null && Math.abs(d) < nearestAbs) {
      nearest = p;
      nearestAbs = Math.abs(d);
    }
    const pf = forecast?.positions.find((f) => f.symbol === p.symbol && f.positionSide === p.positionSide);
    fc = worseForecast(fc, liquidationForecast(pf?.levels));
  }
  // A multi-asset cross book is forecast as a whole; the account line is the book's only when no
  // isolated position is mixed into it.
  const symbols = new Set(legs.map((p) => p.symbol));
  if (symbols.size > 1 && !hasIsolated) fc = worseForecast(fc, liquidationForecast(forecast?.levels));
  const symbol = (nearest ?? legs[0]!).symbol;
  const signed = nearest ? finiteOrNull(nearest.distanceToLiquidation) : null;
  const adverse = signed === null || signed === 0 ? null : signed < 0 ? 'down' : 'up';
  return build(CROSS_SUBJECT, symbol, adverse, nearest, marks.get(symbol) ?? null, { distance: signed === null ? null : Math.abs(signed), past: ratio >= 1, ratio, forecast: fc }, ctx);
}

/** Orders subjects from most to least endangered: level, then sooner median, then nearer in σ. */
export function compareDanger(a: SubjectDanger, b: SubjectDanger): number {
  const byLevel = levelRank(b.level) - levelRank(a.level);
  if (byLevel !== 0) return byLevel;
  const ta = a.ttfMedianMin ?? Number.POSITIVE_INFINITY;
  const tb = b.ttfMedianMin ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const za = a.sigmaDistance1h ?? Number(a.distance ?? Infinity);
  const zb = b.sigmaDistance1h ?? Number(b.distance ?? Infinity);
  return za === zb ? 0 : za < zb ? -1 : 1;
}

/** Marks by symbol, as the report does not carry them: from the snapshot when given. */
export function assessDanger(ctx: DangerContext, marks: Map<string, string> = new Map()): DangerVerdict {
  const subjects: SubjectDanger[] = [];
  const cross: PositionReport[] = [];
  let hasIsolated = false;
  for (const p of ctx.report.positions) {
    if (p.marginMode === 'isolated') {
      hasIsolated = true;
      subjects.push(isolatedSubject(p, marks.get(p.symbol) ?? null, ctx));
    } else cross.push(p);
  }
  if (cross.length > 0) subjects.push(crossSubject(cross, marks, hasIsolated, ctx));
  subjects.sort(compareDanger);
  const worst = subjects[0] ?? null;
  return { level: worst?.level ?? 'ok', worst, subjects };
}
