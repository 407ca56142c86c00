// Scoring of the danger backtests (scripts/danger-eval.ts, scripts/danger-eval-cross.ts): which
// liquidations a subject's pushes warned ≥ 1 min ahead, and which pushes were false alerts.
import type { DangerInputs } from '../src/domain/danger';
import { levelRank } from '../src/domain/alerts/levels';

const DAY = 86_400_000;
const MC = levelRank('margin-call');
/** The levels scored on their own: a push at the level or above counts. */
export const SCORED_LEVELS = ['warning', 'margin-call', 'critical'] as const;

/** One recorded evaluation of one position. */
export interface Sample {
  t: number;
  inputs: DangerInputs;
}

export interface PositionRun {
  file: string;
  key: string;
  leverage: number;
  openMs: number;
  endMs: number;
  liquidatedMs: number | null;
  samples: Sample[];
  /** Real pipeline pushes on this subject: time, level, reason. */
  pushes: { t: number; level: string; reason: string }[];
}

export interface Score {
  liquidations: number;
  warned: number;
  falseAlerts: number;
  positionDays: number;
  leads: number[];
}

export const emptyScore = (): Score => ({ liquidations: 0, warned: 0, falseAlerts: 0, positionDays: 0, leads: [] });

/** Pushes at `minRank` or above that announce danger (not repeats, not the liquidation itself). */
export function seriousPushes(pushes: readonly { t: number; level: string; reason: string }[], minRank: number) {
  return pushes.filter((p) => levelRank(p.level as never) >= minRank && p.reason !== 'repeat' && p.reason !== 'liquidated');
}

/** Minutes from the first push at `minRank` or above (≥ 1 min and ≤ 24 h before) to the liquidation. */
export function leadMin(run: PositionRun, pushes: readonly { t: number; level: string; reason: string }[], minRank: number): number | null {
  if (run.liquidatedMs === null) return null;
  const first = seriousPushes(pushes, minRank).find((p) => p.t <= run.liquidatedMs! - 60_000 && run.liquidatedMs! - p.t <= DAY);
  return first ? (run.liquidatedMs - first.t) / 60_000 : null;
}

/** Scores a position from its pushes at `minRank` or above (default margin call) (time, reason). */
export function scorePosition(run: PositionRun, pushes: { t: number; level: string; reason: string }[], into: Score, minRank = MC): void {
  into.positionDays += (run.endMs - run.openMs) / DAY;
  const serious = seriousPushes(pushes, minRank);
  for (const p of serious) {
    const followed = run.liquidatedMs !== null && run.liquidatedMs - p.t <= DAY && run.liquidatedMs >= p.t;
    if (!followed) into.falseAlerts++;
  }
  if (run.liquidatedMs !== null) {
    into.liquidations++;
    const lead = leadMin(run, pushes, minRank);
    if (lead !== null) {
      into.warned++;
      into.leads.push(lead);
    }
  }
}

export function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!.toFixed(1));
}

export function summarise(sc: Score) {
  return {
    liquidations: sc.liquidations,
    warnedShare: sc.liquidations ? Number((sc.warned / sc.liquidations).toFixed(3)) : null,
    falseAlertsPerPositionDay: sc.positionDays ? Number((sc.falseAlerts / sc.positionDays).toFixed(3)) : null,
    falseAlerts: sc.falseAlerts,
    positionDays: Number(sc.positionDays.toFixed(1)),
    leadMin: { p10: quantile(sc.leads, 0.1), p25: quantile(sc.leads, 0.25), median: quantile(sc.leads, 0.5), p75: quantile(sc.leads, 0.75) },
  };
}

export function add(a: Score, b: Score): Score {
  return { liquidations: a.liquidations + b.liquidations, warned: a.warned + b.warned, falseAlerts: a.falseAlerts + b.falseAlerts, positionDays: a.positionDays + b.positionDays, leads: [...a.leads, ...b.leads] };
}
