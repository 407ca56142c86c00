// Small numeric helpers the danger assessment shares: a position's margin ratio from its distance to
// liquidation, its direction, and finite parsing of decimal strings.
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
