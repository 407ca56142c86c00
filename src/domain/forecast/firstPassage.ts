// First-passage probability of a Brownian motion with drift to a barrier (reflection principle +
// Girsanov; design note FORECAST.md §1.2). One formula serves both units:
// - log-price space for one position (distance a = |ln(S / S_trigger)|, σ per √minute of log returns),
// - money space for the cross-margin reduction (distance D = equity − k·MM, σ_D per √minute).
import { normCdf } from './normal';

/** log Φ(x) without underflow: asymptotic series below −8 where Φ itself loses all digits. */
export function logNormCdf(x: number): number {
  if (x > -8) return Math.log(normCdf(x));
  const x2 = x * x;
  return -0.5 * x2 - Math.log(-x * Math.sqrt(2 * Math.PI)) + Math.log(1 - 1 / x2 + 3 / (x2 * x2));
}

/**
 * P(the distance process d_t = a − μt − σW_t reaches 0 by T).
 * @param a distance to the barrier (≤ 0 means already there: probability 1)
 * @param sigma diffusion per √minute (≥ 0)
 * @param mu drift per minute TOWARDS the barrier (negative = away), e.g. funding the position pays
 * @param tMin horizon in minutes
 */
export function firstPassageProbability(a: number, sigma: number, mu: number, tMin: number): number {
  if (!(a > 0)) return 1;
  if (!(tMin > 0)) return 0;
  if (!(sigma > 0)) return mu * tMin >= a ? 1 : 0;
  const sd = sigma * Math.sqrt(tMin);
  const first = normCdf((-a + mu * tMin) / sd);
  // exp(2μa/σ²)·Φ(·) in log space: the exponent can overflow while Φ underflows.
  const logSecond = (2 * mu * a) / (sigma * sigma) + logNormCdf((-a - mu * tMin) / sd);
  const p = first + (logSecond > 0 ? 1 : Math.exp(logSecond));
  return clampProbability(p);
}

export function clampProbability(p: number): number {
  if (!(p > 0)) return 0; // also maps NaN to 0; callers never feed NaN, but no NaN may escape
  return p >= 1 ? 1 : p;
}

/**
 * Smallest t in (0, maxMin] with cdf(t) ≥ q, by bisection; null when cdf(maxMin) < q.
 * `cdf` must be non-decreasing (first passage plus a tail floor is).
 */
export function quantileByBisection(cdf: (tMin: number) => number, q: number, maxMin: number): number | null {
  if (cdf(maxMin) < q) return null;
  let lo = 0;
  let hi = maxMin;
  // 40 halvings of 1440 min: resolution ~1e-9 min, far below anything shown.
  for (let i = 0; i < 40; i++) {
    const mid = 0.5 * (lo + hi);
    if (cdf(mid) >= q) hi = mid;
    else lo = mid;
  }
  return hi;
}
