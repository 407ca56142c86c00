// Intraday seasonality of volatility (FORECAST.md §8.22): crypto variance follows the clock (low in the
// Asian morning, high around the US open), the same shape on every asset. An EWMA of the last half hour
// cannot see the next hour's change of session; a profile per UTC hour can. Pure; times in ms UTC.

/** Relative variance per UTC hour (24 entries, mean 1). */
export type IntradayProfile = readonly number[];

const HOUR_MS = 3_600_000;
const DAY_HOURS = 24;

/** A valid profile: 24 finite positive factors. */
export function isIntradayProfile(p: unknown): p is IntradayProfile {
  return Array.isArray(p) && p.length === DAY_HOURS && p.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
}

function hourOf(ms: number): number {
  const h = Math.floor(ms / HOUR_MS) % DAY_HOURS;
  return h < 0 ? h + DAY_HOURS : h;
}

/** Variance factor of the UTC hour that contains time ms. */
export function seasonalFactorAt(profile: IntradayProfile, ms: number): number {
  return profile[hourOf(ms)]!;
}

/**
 * Mean variance factor over [fromMs, fromMs + minutes): the hours the horizon spans, each weighted by the
 * minutes it covers (a one-day horizon is the whole profile's mean, 1).
 */
export function meanSeasonalFactor(profile: IntradayProfile, fromMs: number, minutes: number): number {
  if (!(minutes > 0)) return seasonalFactorAt(profile, fromMs);
  const endMs = fromMs + minutes * 60_000;
  let t = fromMs;
  let acc = 0;
  while (t < endMs) {
    const next = Math.min(endMs, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    acc += seasonalFactorAt(profile, t) * (next - t);
    t = next;
  }
  return acc / (endMs - fromMs);
}

/** Rescales factors to mean 1 (null when any is not a finite positive number). */
export function normaliseProfile(factors: readonly number[]): IntradayProfile | null {
  if (factors.length !== DAY_HOURS || !factors.every((v) => Number.isFinite(v) && v > 0)) return null;
  const mean = factors.reduce((a, b) => a + b, 0) / DAY_HOURS;
  return factors.map((v) => v / mean);
}

/** Mean of several profiles, renormalised (the pooled profile of a fold's training files). */
export function averageProfiles(profiles: readonly IntradayProfile[]): IntradayProfile | null {
  if (profiles.length === 0) return null;
  const sum = new Array<number>(DAY_HOURS).fill(0);
  for (const p of profiles) for (let h = 0; h < DAY_HOURS; h++) sum[h]! += p[h]!;
  return normaliseProfile(sum);
}

/**
 * Profile of one price series: per UTC hour, the mean absolute one-bar log return (winsorised at `cap`
 * so one crash minute cannot make its hour the day's most volatile), squared, normalised. Returns and
 * their hour are those of bars of exactly `barMinutes` (gaps skipped). Null with too little data.
 */
export function fitIntradayProfile(timeMs: ArrayLike<number>, close: ArrayLike<number>, barMinutes: number, cap = 0.01, minPerHour = 30): IntradayProfile | null {
  const sum = new Float64Array(DAY_HOURS);
  const count = new Float64Array(DAY_HOURS);
  const barMs = barMinutes * 60_000;
  for (let t = 1; t < close.length; t++) {
    if (timeMs[t]! - timeMs[t - 1]! !== barMs) continue;
    const r = Math.log(close[t]! / close[t - 1]!);
    if (!Number.isFinite(r)) continue;
    const h = hourOf(timeMs[t]!);
    sum[h]! += Math.min(Math.abs(r), cap);
    count[h]!++;
  }
  if (count.some((c) => c < minPerHour)) return null;
  return normaliseProfile(Array.from(sum, (s, h) => (s / count[h]!) ** 2));
}
