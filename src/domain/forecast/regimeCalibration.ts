// Calibration conditioned on an observable volatility regime (issue 12, FORECAST.md §8.17; opt-in,
// off by default). The regime is σ (max of the fast and slow EWMA, per √min) over the asset's σ floor
// (the median of its own past σ, the v3 model floor), known at the moment the probability is made.
// One isotonic map set per regime bucket, fitted on the same training pairs as the class map; a bucket
// whose training pool holds too few events at a horizon falls back to the class map, as does a point
// whose regime is unknown (no floor yet).
import { CalibrationAccumulator, type CalibrationMap } from './calibration';

/** Bucket edges on σ/floor, fixed before any result was seen: ≤ floor, 1–2× floor, > 2× floor. */
export const REGIME_CUTS: readonly number[] = [1, 2];
export const REGIME_BUCKETS = REGIME_CUTS.length + 1;
/** A bucket's map is used at a horizon only when its training pairs hold at least this many events. */
export const MIN_BUCKET_EVENTS = 100;

/** σ over the floor; NaN when the floor is not known yet (then the class map applies). */
export function regimeRatio(sigmaPerMin: number, floorPerMin: number): number {
  return floorPerMin > 0 && Number.isFinite(sigmaPerMin) ? sigmaPerMin / floorPerMin : NaN;
}

/** Bucket index of a ratio, −1 when unknown. */
export function regimeBucket(ratio: number): number {
  if (!Number.isFinite(ratio)) return -1;
  let b = 0;
  while (b < REGIME_CUTS.length && ratio > REGIME_CUTS[b]!) b++;
  return b;
}

function events(acc: CalibrationAccumulator): number {
  let n = 0;
  for (const p of acc.positives) n += p;
  return n;
}

/**
 * Per bucket, maps keyed by horizon ("60") fitted on that bucket's pooled accumulators; a horizon is
 * absent where the bucket holds fewer than MIN_BUCKET_EVENTS events.
 */
export function fitRegimeMaps(
  perBucket: readonly (readonly CalibrationAccumulator[])[],
  horizonKeys: readonly string[],
): Record<string, CalibrationMap>[] {
  return perBucket.map((accs) => {
    const maps: Record<string, CalibrationMap> = {};
    horizonKeys.forEach((h, hi) => {
      const acc = accs[hi];
      if (!acc || events(acc) < MIN_BUCKET_EVENTS) return;
      const map = acc.fit();
      if (map) maps[h] = map;
    });
    return maps;
  });
}

/** The map for one point: its bucket's when fitted, otherwise the class (pooled) map. */
export function regimeMapFor(
  classMaps: Record<string, CalibrationMap> | undefined,
  bucketMaps: readonly Record<string, CalibrationMap>[] | undefined,
  horizonKey: string,
  bucket: number,
): CalibrationMap | null {
  const own = bucket >= 0 ? bucketMaps?.[bucket]?.[horizonKey] : undefined;
  return own ?? classMaps?.[horizonKey] ?? null;
}
