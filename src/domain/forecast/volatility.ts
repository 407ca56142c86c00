// Two-speed EWMA volatility of mark-price log returns (FORECAST.md §1.4 / §3.1).
// σ = max(σ_fast, σ_slow, floor), per √minute. Returns over a bar of dt minutes update the
// per-minute variance with r²/dt and a decay of 0.5^(dt / halfLife), so 1m/5m/15m/1h bars agree.

export interface VolConfig {
  fastHalfLifeMin: number;
  slowHalfLifeMin: number;
  /** Per-minute σ floor (log units); 0 disables. */
  floorPerMin: number;
  /** Returns needed before the estimate is trusted. */
  minReturns: number;
}

export const DEFAULT_VOL_CONFIG: VolConfig = { fastHalfLifeMin: 30, slowHalfLifeMin: 1440, floorPerMin: 0, minReturns: 30 };

export interface VolState {
  fastVar: number;
  slowVar: number;
  count: number;
}

export function newVolState(): VolState {
  return { fastVar: 0, slowVar: 0, count: 0 };
}

/** Decay factor for a bar of dtMin minutes given a half-life in minutes. */
export function decayFor(halfLifeMin: number, dtMin: number): number {
  return Math.pow(0.5, dtMin / halfLifeMin);
}

/** Feed one log return observed over dtMin minutes. Non-finite input is ignored (never poisons state). */
export function updateVol(state: VolState, logReturn: number, dtMin: number, config: VolConfig): void {
  updateVolVariance(state, logReturn * logReturn, dtMin, config);
}

/**
 * Feed one bar's variance estimate (log units², over dtMin minutes) instead of a squared return: the
 * range-based estimate of a candle (garmanKlassVariance) is a less noisy measure of the same variance.
 */
export function updateVolVariance(state: VolState, barVariance: number, dtMin: number, config: VolConfig): void {
  if (!Number.isFinite(barVariance) || barVariance < 0 || !(dtMin > 0)) return;
  const v = barVariance / dtMin;
  if (state.count === 0) {
    state.fastVar = v;
    state.slowVar = v;
  } else {
    const lf = decayFor(config.fastHalfLifeMin, dtMin);
    const ls = decayFor(config.slowHalfLifeMin, dtMin);
    // Until the slow average has seen a half-life of data, weight samples equally (no cold-start bias).
    const wEqual = 1 / (state.count + 1);
    const ws = Math.max(1 - ls, wEqual);
    const wf = Math.max(1 - lf, wEqual);
    state.fastVar = (1 - wf) * state.fastVar + wf * v;
    state.slowVar = (1 - ws) * state.slowVar + ws * v;
  }
  state.count++;
}

/** σ per √minute: max of both speeds and the floor. */
export function sigmaPerMin(state: VolState, config: VolConfig): number {
  const s = Math.sqrt(Math.max(state.fastVar, state.slowVar, 0));
  return Math.max(s, config.floorPerMin);
}

/**
 * σ per √minute averaged over a horizon of tMin minutes (issue 12): the excess of the fast variance over
 * the slow one decays with the fast half-life (a shock's variance does not persist for a day), so
 * σ_H² = σ_slow² + max(0, σ_fast² − σ_slow²)·(1 − e^{−kH})/(kH), k = ln 2 / fast half-life. A fast
 * variance below the slow one does not lower σ (calm minutes are not evidence of a calm day).
 */
export function horizonSigmaPerMin(state: VolState, config: VolConfig, tMin: number, floorPerMin = 0): number {
  const k = Math.LN2 / config.fastHalfLifeMin;
  const kh = k * Math.max(0, tMin);
  const g = kh > 1e-9 ? (1 - Math.exp(-kh)) / kh : 1;
  const slow = Number.isFinite(state.slowVar) ? Math.max(0, state.slowVar) : 0;
  const fast = Number.isFinite(state.fastVar) ? Math.max(0, state.fastVar) : 0;
  const v = slow + Math.max(0, fast - slow) * g;
  return Math.max(Math.sqrt(v), floorPerMin, config.floorPerMin);
}

/**
 * σ shrunk toward the asset's floor (§8.19): σ' = floor·(σ/floor)^α above a positive floor. A fast σ
 * well above its long-run level is a noisy forecast of the next hour; α < 1 trusts it less. σ itself
 * without α (or α = 1), without a floor, or at or below it.
 */
export function shrinkTowardFloor(sigma: number, floor: number, alpha: number | undefined): number {
  if (alpha === undefined || alpha === 1 || !(floor > 0) || !(sigma > floor)) return sigma;
  return floor * Math.pow(sigma / floor, alpha);
}

/**
 * Garman–Klass variance of one candle, plus the gap from the previous close (log units²): under a
 * driftless Brownian motion it has the expectation of the squared close-to-close return and about a
 * seventh of its variance, because the high and low see the path inside the bar. Never negative
 * (|ln C/O| ≤ ln H/L); NaN for a malformed candle, which updateVolVariance ignores.
 */
export function garmanKlassVariance(prevClose: number, open: number, high: number, low: number, close: number): number {
  if (!(prevClose > 0 && open > 0 && high > 0 && low > 0 && close > 0) || high < low) return NaN;
  const gap = Math.log(open / prevClose);
  const hl = Math.log(high / low);
  const co = Math.log(close / open);
  return gap * gap + 0.5 * hl * hl - (2 * Math.LN2 - 1) * co * co;
}

export function isVolReady(state: VolState, config: VolConfig): boolean {
  return state.count >= config.minReturns;
}

/** Pairwise EWMA correlation of synchronised returns (slow half-life, FORECAST.md §3.1). */
export interface PairState {
  cov: number;
  varA: number;
  varB: number;
  count: number;
}

export function newPairState(): PairState {
  return { cov: 0, varA: 0, varB: 0, count: 0 };
}

export function updatePair(state: PairState, ra: number, rb: number, dtMin: number, halfLifeMin: number): void {
  if (!Number.isFinite(ra) || !Number.isFinite(rb) || !(dtMin > 0)) return;
  const w = Math.max(1 - decayFor(halfLifeMin, dtMin), 1 / (state.count + 1));
  state.cov = (1 - w) * state.cov + (w * ra * rb) / dtMin;
  state.varA = (1 - w) * state.varA + (w * ra * ra) / dtMin;
  state.varB = (1 - w) * state.varB + (w * rb * rb) / dtMin;
  state.count++;
}

/** Correlation in [−1, 1], or null before enough common observations. */
export function pairCorrelation(state: PairState, minCount: number): number | null {
  if (state.count < minCount || !(state.varA > 0) || !(state.varB > 0)) return null;
  const r = state.cov / Math.sqrt(state.varA * state.varB);
  return Math.max(-1, Math.min(1, r));
}
