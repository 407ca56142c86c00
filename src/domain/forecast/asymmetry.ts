// Asymmetric volatility (issue 12, FORECAST.md §8.16): after a falling hour the next hour moves more,
// and further falls are likelier, than after an equal rise. Modelled as a multiplier of the model's
// variance that depends on the past hour's signed move z (log return / (σ·√60 min)) and on the side
// of the position, because the hazard that matters is the one towards its trigger (a long after a
// fall, a short after a rise). Pure: the fit takes samples, the caller decides which files they come from.
import { normCdf } from './normal';

/** Knots in z (past-hour log return in units of σ√60): the centres of the §8.12 buckets. */
export const ASYM_KNOTS: readonly number[] = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5];
/** Bucket edges for the fit (a sample with z in [EDGES[i], EDGES[i+1]) belongs to knot i). */
const EDGES = [-Infinity, -2, -1, 0, 1, 2, Infinity];
/** A bucket multiplier never leaves this range (a few extreme hours must not triple σ²). */
export const ASYM_MIN = 0.5;
export const ASYM_MAX = 3;
/** The adverse move a sample counts: 2σ√60 within the next hour, as in §8.12. */
export const ASYM_HIT_Z = 2;

export interface AsymParams {
  knots: number[];
  /** Variance multiplier per knot for a long (hazard = falls). */
  long: number[];
  /** Variance multiplier per knot for a short (hazard = rises). */
  short: number[];
  /** Provenance: shrinkage used and samples per knot. */
  shrink: number;
  samples: number[];
}

/** Every multiplier 1: the model exactly as without the option. */
export function identityAsym(): AsymParams {
  return { knots: [...ASYM_KNOTS], long: ASYM_KNOTS.map(() => 1), short: ASYM_KNOTS.map(() => 1), shrink: 0, samples: ASYM_KNOTS.map(() => 0) };
}

/** Past-hour move in σ units; 0 when σ is unknown (no evidence, no adjustment). */
export function pastHourZ(logReturn60: number, sigmaPerMin: number): number {
  if (!Number.isFinite(logReturn60) || !(sigmaPerMin > 0)) return 0;
  return logReturn60 / (sigmaPerMin * Math.sqrt(60));
}

/** Variance multiplier over the next hour for a position of this side, linear between knots, flat outside. */
export function asymMultiplier(params: AsymParams, side: 1 | -1, z: number): number {
  const ys = side > 0 ? params.long : params.short;
  const xs = params.knots;
  if (!Number.isFinite(z) || xs.length === 0) return 1;
  if (z <= xs[0]!) return ys[0]!;
  const last = xs.length - 1;
  if (z >= xs[last]!) return ys[last]!;
  let i = 0;
  while (z > xs[i + 1]!) i++;
  const w = (z - xs[i]!) / (xs[i + 1]! - xs[i]!);
  return ys[i]! + w * (ys[i + 1]! - ys[i]!);
}

/**
 * Multiplier over a horizon of tMin minutes: the evidence is about the next hour only, so beyond an
 * hour the excess is diluted (σ_H² = σ²·(60·m + (H − 60))/H).
 */
export function asymMultiplierAt(m: number, tMin: number): number {
  return tMin <= 60 ? m : 1 + ((m - 1) * 60) / tMin;
}

export interface AsymSample {
  /** Past-hour z at the sample time. */
  z: number;
  /** The next hour's low reached −ASYM_HIT_Z·σ√60 (log) below the close. */
  downHit: boolean;
  /** The next hour's high reached +ASYM_HIT_Z·σ√60 above the close. */
  upHit: boolean;
}

/**
 * Variance ratio implied by a hit frequency of a 2σ barrier within the hour relative to a reference
 * frequency, under a driftless Gaussian (P = 2Φ(−k/√m)): m = (Φ⁻¹(1−p_ref/2)/Φ⁻¹(1−p/2))².
 */
export function impliedVarianceRatio(p: number, pRef: number): number {
  if (!(p > 0) || !(pRef > 0) || p >= 1 || pRef >= 1) return 1;
  const q = (x: number): number => invNormUpper(x / 2);
  return (q(pRef) / q(p)) ** 2;
}

/** z with P(Z > z) = tail (bisection on normCdf; tail in (0, 0.5]). */
function invNormUpper(tail: number): number {
  let lo = 0;
  let hi = 12;
  for (let k = 0; k < 80; k++) {
    const mid = (lo + hi) / 2;
    if (1 - normCdf(mid) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Fit on samples of training files only: per bucket of z and per side, the variance ratio implied by
 * the bucket's adverse-hit frequency relative to all samples (so the calibration maps keep the level),
 * shrunk geometrically towards 1: m = ratio^(shrink·n/(n+n0)). shrink = 0 gives the identity.
 * raiseOnly keeps only multipliers above 1 (never calms a state down; an exploratory variant, §8.16).
 */
export function fitAsymmetry(samples: readonly AsymSample[], shrink: number, n0 = 200, raiseOnly = false): AsymParams {
  if (!(shrink >= 0 && shrink <= 1)) throw new Error('asymmetry shrink must be in [0, 1]');
  const k = ASYM_KNOTS.length;
  const n = new Array<number>(k).fill(0);
  const down = new Array<number>(k).fill(0);
  const up = new Array<number>(k).fill(0);
  let nAll = 0;
  let downAll = 0;
  let upAll = 0;
  for (const s of samples) {
    if (!Number.isFinite(s.z)) continue;
    let b = 0;
    while (s.z >= EDGES[b + 1]!) b++;
    n[b]!++;
    nAll++;
    if (s.downHit) {
      down[b]!++;
      downAll++;
    }
    if (s.upHit) {
      up[b]!++;
      upAll++;
    }
  }
  const shrunk = (hits: number, nb: number, all: number): number => {
    if (nb === 0 || nAll === 0) return 1;
    // Half an event added to empty cells keeps the ratio finite without inventing a trend.
    const ratio = impliedVarianceRatio((hits + 0.5) / (nb + 1), (all + 0.5) / (nAll + 1));
    const w = (shrink * nb) / (nb + n0);
    return Math.min(ASYM_MAX, Math.max(raiseOnly ? 1 : ASYM_MIN, Math.exp(w * Math.log(ratio))));
  };
  return {
    knots: [...ASYM_KNOTS],
    long: n.map((nb, b) => shrunk(down[b]!, nb, downAll)),
    short: n.map((nb, b) => shrunk(up[b]!, nb, upAll)),
    shrink,
    samples: n,
  };
}
