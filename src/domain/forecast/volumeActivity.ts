// Trading activity as a short-term volatility signal (FORECAST.md §8.24, opt-in in the backtest, not
// shipped): when a symbol trades more than usual in the last minutes, the next minutes tend to move more
// than its EWMA σ says. a = V_short / V_long (EWMAs of bar volume) scales the model's variance by a^β,
// an excess that decays over the horizon with the short half-life. Pure, Float64.
import { normCdf } from './normal';

export const ACTIVITY_SHORT_HALF_LIFE_MIN = 5;
export const ACTIVITY_LONG_HALF_LIFE_MIN = 30;
/** a stays inside [1/ACTIVITY_CLAMP, ACTIVITY_CLAMP]: an empty minute or a one-off block trade is not a regime. */
export const ACTIVITY_CLAMP = 4;
/** The event the exponent is fitted on: an either-side excursion of this many σ√H within H minutes. */
export const ACTIVITY_EVENT_Z = 2.5;
export const ACTIVITY_EVENT_MIN = 15;

/** a per bar close (index t = after bar t's volume), 1 before an hour of bars or while V_long is 0. */
export function activityRatios(volume: Float64Array, dtMin: number): Float64Array {
  const n = volume.length;
  const out = new Float64Array(n).fill(1);
  const alpha = (halfLife: number) => 1 - Math.pow(0.5, dtMin / halfLife);
  const aShort = alpha(ACTIVITY_SHORT_HALF_LIFE_MIN);
  const aLong = alpha(ACTIVITY_LONG_HALF_LIFE_MIN);
  const warm = Math.ceil(60 / dtMin);
  let short = 0;
  let long = 0;
  for (let t = 0; t < n; t++) {
    const v = volume[t]!;
    short = t === 0 ? v : short + aShort * (v - short);
    long = t === 0 ? v : long + aLong * (v - long);
    if (t >= warm && long > 0) out[t] = Math.min(ACTIVITY_CLAMP, Math.max(1 / ACTIVITY_CLAMP, short / long));
  }
  return out;
}

/** Variance multiplier over the next hMin minutes: 1 + (a^β − 1)·(1 − e^{−kH})/(kH), k = ln 2 / short half-life. */
export function activityVarianceMultiplier(a: number, beta: number, hMin: number): number {
  if (!(beta > 0) || !Number.isFinite(a) || !(a > 0)) return 1;
  const kh = (Math.LN2 / ACTIVITY_SHORT_HALF_LIFE_MIN) * Math.max(0, hMin);
  const g = kh > 1e-9 ? (1 - Math.exp(-kh)) / kh : 1;
  return 1 + (Math.pow(a, beta) - 1) * g;
}

export interface ActivitySample {
  a: number;
  /** Whether the next ACTIVITY_EVENT_MIN minutes moved ACTIVITY_EVENT_Z·σ√H either way. */
  hit: boolean;
}

/**
 * β (and the level c it is fitted with) by maximum likelihood over a grid:
 * P(hit | a) = min(1, c·4·(1 − Φ(z/√(a^β)))), the either-side first passage of a driftless walk with
 * variance scaled by a^β and a free level c for the fat tails. β = 0 means activity adds nothing.
 */
export function fitActivityBeta(samples: readonly ActivitySample[]): { beta: number; c: number; n: number } {
  let best = { beta: 0, c: 1, ll: -Infinity };
  for (let bi = 0; bi <= 20; bi++) {
    const beta = bi * 0.05;
    const tails = samples.map((s) => 4 * (1 - normCdf(ACTIVITY_EVENT_Z / Math.sqrt(Math.pow(s.a, beta)))));
    for (let ci = 0; ci <= 70; ci++) {
      const c = 0.5 + ci * 0.05;
      let ll = 0;
      for (let i = 0; i < samples.length; i++) {
        const p = Math.min(1 - 1e-9, Math.max(1e-9, c * tails[i]!));
        ll += samples[i]!.hit ? Math.log(p) : Math.log(1 - p);
      }
      if (ll > best.ll) best = { beta, c, ll };
    }
  }
  return { beta: best.beta, c: best.c, n: samples.length };
}
