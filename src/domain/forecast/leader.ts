// Market-wide stress (issue 12, FORECAST.md §8.15): a BTC shock leads the altcoins by minutes. After
// the leader's last closed window fell (z ≤ −zThreshold by its own EWMA σ) while the follower has not
// followed yet (its own z over the same window > −followerZMax), the follower's σ on the adverse side
// (longs) is multiplied for the next `excessMin` minutes; mirrored for shorts after a leader rise.
// Pure and causal: a leader bar is usable only from its close time; nothing here reads a clock.
import { normInv } from './normal';
import { isVolReady, newVolState, sigmaPerMin, updateVol, type VolConfig } from './volatility';

export interface LeaderParams {
  /** Leader window z that counts as a shock (|z| ≥ this, in the adverse direction). */
  zThreshold: number;
  /** The follower "has not moved yet" while its own z over the same window is above −this (longs). */
  followerZMax: number;
  /** σ multiplier for longs after a leader fall, and for shorts after a leader rise (1 = no effect). */
  sigmaMultDown: number;
  sigmaMultUp: number;
  /** Minutes the excess variance lasts; longer horizons see it diluted (σ_H² = σ²(1 + (m² − 1)·min(1, E/H))). */
  excessMin: number;
}

/** The feature off: every multiplier is exactly 1. */
export const LEADER_OFF: LeaderParams = { zThreshold: 1, followerZMax: 1, sigmaMultDown: 1, sigmaMultUp: 1, excessMin: 60 };

/** Leader window z per closed leader bar: closeTime[i] = bar open + interval; z = NaN until σ is ready. */
export interface LeaderZ {
  closeTime: Float64Array;
  z: Float64Array;
  /** Window length in minutes (≥ 15 and ≥ one leader bar). */
  windowMin: number;
}

export const LEADER_VOL: VolConfig = { fastHalfLifeMin: 30, slowHalfLifeMin: 1440, floorPerMin: 0, minReturns: 60 };

/** Window of the leader's return: 15 minutes, or one bar when the leader's bars are longer. */
export function leaderWindowMin(intervalMin: number): number {
  return Math.max(15, intervalMin);
}

/**
 * z of the leader's return over the last window ending at each bar close, scaled by the leader's σ as
 * known at the window's start (so the shock does not inflate its own yardstick).
 */
export function leaderZSeries(openTime: Float64Array, close: Float64Array, intervalMin: number, vol: VolConfig = LEADER_VOL): LeaderZ {
  const n = openTime.length;
  const windowMin = leaderWindowMin(intervalMin);
  const k = Math.max(1, Math.round(windowMin / intervalMin));
  const closeTime = new Float64Array(n);
  const z = new Float64Array(n).fill(NaN);
  const sigmaAt = new Float64Array(n).fill(NaN);
  const state = newVolState();
  for (let i = 0; i < n; i++) {
    closeTime[i] = openTime[i]! + intervalMin * 60_000;
    if (i > 0) updateVol(state, Math.log(close[i]! / close[i - 1]!), (openTime[i]! - openTime[i - 1]!) / 60_000, vol);
    sigmaAt[i] = isVolReady(state, vol) ? sigmaPerMin(state, vol) : NaN;
    if (i < k) continue;
    const s = sigmaAt[i - k]!;
    const spanMin = (openTime[i]! - openTime[i - k]!) / 60_000;
    // A gap inside the window makes it a different window: no signal rather than a wrong one.
    if (!(s > 0) || Math.abs(spanMin - k * intervalMin) > 1e-9) continue;
    z[i] = Math.log(close[i]! / close[i - k]!) / (s * Math.sqrt(windowMin));
  }
  return { closeTime, z, windowMin };
}

/** Index of the last leader bar closed at or before t (−1 if none): the only bars usable at t. */
export function lastClosedBar(lz: LeaderZ, t: number): number {
  const c = lz.closeTime;
  let lo = 0;
  let hi = c.length - 1;
  if (c.length === 0 || c[0]! > t) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (c[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Is the signal fresh: the last closed leader bar closed less than one leader window before t. */
export function leaderSignalAt(lz: LeaderZ, t: number): { z: number; windowStart: number } | null {
  const i = lastClosedBar(lz, t);
  if (i < 0 || !Number.isFinite(lz.z[i]!)) return null;
  const barMin = i > 0 ? (lz.closeTime[i]! - lz.closeTime[i - 1]!) / 60_000 : lz.windowMin;
  if (t - lz.closeTime[i]! >= barMin * 60_000) return null; // stale (gap in the leader data)
  return { z: lz.z[i]!, windowStart: lz.closeTime[i]! - lz.windowMin * 60_000 };
}

/**
 * σ multiplier at horizon hMin for one side (+1 long, −1 short), given the leader's window z and the
 * follower's own z over the same window. Exactly 1 whenever the signal is absent.
 */
export function leaderSigmaMultiplier(params: LeaderParams, side: 1 | -1, leaderZ: number, followerZ: number, hMin: number): number {
  if (!Number.isFinite(leaderZ) || !Number.isFinite(followerZ)) return 1;
  const m = side > 0 ? params.sigmaMultDown : params.sigmaMultUp;
  if (m === 1) return 1;
  const shock = side * leaderZ <= -params.zThreshold;
  const notYet = side * followerZ > -params.followerZMax;
  if (!shock || !notYet) return 1;
  const w = Math.min(1, params.excessMin / Math.max(hMin, 1e-9));
  return Math.sqrt(1 + (m * m - 1) * w);
}

// ---------- fitting (training files only) ----------

/** Counts from one file: samples and 2σ adverse moves within the hour, with and without the signal. */
export interface LeaderSideStats {
  nSignal: number;
  kSignal: number;
  nBase: number;
  kBase: number;
}
export interface LeaderStats {
  file: string;
  down: LeaderSideStats;
  up: LeaderSideStats;
}

export interface FollowerBars {
  time: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  intervalMin: number;
}

/** Index of the last follower bar closed at or before t (−1 if none). */
export function followerBarClosedBy(f: FollowerBars, t: number): number {
  const lastOpen = t - f.intervalMin * 60_000;
  const ts = f.time;
  if (ts.length === 0 || ts[0]! > lastOpen) return -1;
  let lo = 0;
  let hi = ts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ts[mid]! <= lastOpen) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Follower's z over the leader's window ending at t (σ per √min given by the caller, known at t). */
export function followerWindowZ(f: FollowerBars, windowStart: number, t: number, sigmaPerMinute: number): number {
  const a = followerBarClosedBy(f, windowStart);
  const b = followerBarClosedBy(f, t);
  if (a < 0 || b < 0 || !(sigmaPerMinute > 0)) return NaN;
  return Math.log(f.close[b]! / f.close[a]!) / (sigmaPerMinute * Math.sqrt((t - windowStart) / 60_000));
}

const SAMPLE_EVERY_MIN = 15;
const OUTCOME_MIN = 60;

/**
 * Samples every 15 minutes of follower time (σ ready): the signal state at that time (params'
 * thresholds) and whether the follower then moves ≥ 2σ√60 adversely within the hour (intrabar lows
 * and highs). Uses only the file it is given: callers pass training files only.
 */
export function leaderStatsOf(file: string, f: FollowerBars, lz: LeaderZ, params: Pick<LeaderParams, 'zThreshold' | 'followerZMax'>, vol: VolConfig = LEADER_VOL): LeaderStats {
  const out: LeaderStats = { file, down: { nSignal: 0, kSignal: 0, nBase: 0, kBase: 0 }, up: { nSignal: 0, kSignal: 0, nBase: 0, kBase: 0 } };
  const n = f.time.length;
  const barMs = f.intervalMin * 60_000;
  const ahead = Math.max(1, Math.round(OUTCOME_MIN / f.intervalMin));
  const state = newVolState();
  for (let i = 1; i + ahead < n; i++) {
    updateVol(state, Math.log(f.close[i]! / f.close[i - 1]!), (f.time[i]! - f.time[i - 1]!) / 60_000, vol);
    const t = f.time[i]! + barMs;
    if (!isVolReady(state, vol) || t % (SAMPLE_EVERY_MIN * 60_000) !== 0) continue;
    const s = sigmaPerMin(state, vol);
    if (!(s > 0)) continue;
    const sig = leaderSignalAt(lz, t);
    const fz = sig ? followerWindowZ(f, sig.windowStart, t, s) : NaN;
    const move = 2 * s * Math.sqrt(OUTCOME_MIN);
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i + 1; j <= i + ahead; j++) {
      lo = Math.min(lo, f.low[j]!);
      hi = Math.max(hi, f.high[j]!);
    }
    const c = f.close[i]!;
    const downHit = Math.log(lo / c) <= -move;
    const upHit = Math.log(hi / c) >= move;
    for (const [side, st, hit] of [[1, out.down, downHit], [-1, out.up, upHit]] as const) {
      const on = sig !== null && Number.isFinite(fz) && side * sig.z <= -params.zThreshold && side * fz > -params.followerZMax;
      if (on) {
        st.nSignal++;
        if (hit) st.kSignal++;
      } else {
        st.nBase++;
        if (hit) st.kBase++;
      }
    }
  }
  return out;
}

/** Fewer signalled events than this on the training files: the multiplier stays 1 (no evidence). */
export const LEADER_MIN_EVENTS = 20;

/**
 * Multiplier per side from pooled training counts: the σ ratio that turns the ordinary rate of a 2σ
 * first passage within the hour into the signalled one (reflection principle, P = 2Φ(−a/σ)), never
 * below 1 and at most 2.
 */
export function fitLeaderParams(stats: readonly LeaderStats[], base: Pick<LeaderParams, 'zThreshold' | 'followerZMax' | 'excessMin'>): LeaderParams & { trainedOn: string[] } {
  const side = (pick: (s: LeaderStats) => LeaderSideStats): number => {
    let nS = 0;
    let kS = 0;
    let nB = 0;
    let kB = 0;
    for (const s of stats) {
      const x = pick(s);
      nS += x.nSignal;
      kS += x.kSignal;
      nB += x.nBase;
      kB += x.kBase;
    }
    if (kS < LEADER_MIN_EVENTS || kB < LEADER_MIN_EVENTS) return 1;
    const pS = kS / nS;
    const pB = kB / nB;
    if (!(pS > pB)) return 1;
    const m = normInv(pB / 2) / normInv(Math.min(pS, 0.98) / 2);
    return Number.isFinite(m) ? Math.min(2, Math.max(1, m)) : 1;
  };
  return { ...base, sigmaMultDown: side((s) => s.down), sigmaMultUp: side((s) => s.up), trainedOn: stats.map((s) => s.file) };
}
