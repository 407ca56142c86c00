// Maps margin numbers to alert levels: once with the entry thresholds (how bad is it now?) and
// once with the release thresholds (is it still bad enough to keep the level?). The gap between
// the two is the hysteresis band that stops an alert from flapping around a threshold.
import { ALERT_LEVELS, type AlertLevel } from './levels';
import { NOTIFYING_LEVELS, type AlertSettings } from './settings';

export interface RiskMetrics {
  /** Normalised margin ratio (1 = liquidation), or null when it does not apply. */
  marginRatio: number | null;
  /** |distance to liquidation| as a fraction of mark, or null when no price liquidates. */
  distance: number | null;
}

export interface Classified {
  level: AlertLevel;
  holdLevel: AlertLevel;
}

export function classify(metrics: RiskMetrics, settings: AlertSettings): Classified {
  return { level: levelFor(metrics, settings, false), holdLevel: levelFor(metrics, settings, true) };
}

function levelFor(m: RiskMetrics, s: AlertSettings, release: boolean): AlertLevel {
  let result: AlertLevel = ALERT_LEVELS[0];
  for (const level of NOTIFYING_LEVELS) {
    const t = s.levels[level];
    const ratioHit =
      t.marginRatio !== null &&
      m.marginRatio !== null &&
      m.marginRatio >= t.marginRatio - (release ? s.hysteresis.marginRatio : 0);
    const distanceHit =
      t.distance !== null &&
      m.distance !== null &&
      m.distance <= t.distance * (release ? s.hysteresis.distanceFactor : 1);
    if (ratioHit || distanceHit) result = level;
  }
  return result;
}

/**
 * Margin ratio of an isolated linear position estimated from its distance to liquidation and its
 * maintenance rate m. With equity E and maintenance q·P·m, liquidation sits at |d| = m(1/r − 1)/(1 ∓ m)
 * (− long, + short; FORECAST.md §2.3), so r = m / (m + |d|(1 ∓ m)). The report carries no per-position
 * ratio, and this identity uses only fields it does carry. Ignores the maintenance amount and fees.
 * A position already past its liquidation price (mark below it for a long) counts as ratio 1.
 */
export function isolatedRatioFromDistance(
  signedDistance: number,
  maintenanceRate: number,
  side: 'long' | 'short',
): number | null {
  if (
    !Number.isFinite(signedDistance) ||
    !Number.isFinite(maintenanceRate) ||
    maintenanceRate <= 0 ||
    maintenanceRate >= 1
  )
    return null;
  const past = side === 'long' ? signedDistance >= 0 : signedDistance <= 0;
  if (past) return 1;
  const sideFactor = side === 'long' ? 1 - maintenanceRate : 1 + maintenanceRate;
  const r = maintenanceRate / (maintenanceRate + Math.abs(signedDistance) * sideFactor);
  return Number.isFinite(r) ? r : null;
}

/**
 * Which way a position faces. Hedge legs say so; a one-way ("both") position is long when its
 * bankruptcy price is below its liquidation price, else judged by which side of mark liquidation is.
 */
export function positionDirection(p: {
  positionSide: 'both' | 'long' | 'short';
  liquidationPrice: string | null;
  bankruptcyPrice: string | null;
  distanceToLiquidation: string | null;
}): 'long' | 'short' | null {
  if (p.positionSide !== 'both') return p.positionSide;
  const liq = finiteOrNull(p.liquidationPrice);
  const bankrupt = finiteOrNull(p.bankruptcyPrice);
  if (liq !== null && bankrupt !== null && liq !== bankrupt) return bankrupt < liq ? 'long' : 'short';
  const d = finiteOrNull(p.distanceToLiquidation);
  if (d === null || d === 0) return null;
  return d < 0 ? 'long' : 'short';
}

/** Parses a decimal string from the report into a finite number, or null. */
export function finiteOrNull(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
