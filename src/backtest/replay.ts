// Replays a synthetic book of isolated linear positions over a candle series (FORECAST.md §2.1):
// positions at each leverage, long and short, opened on a fixed UTC grid and held for a fixed time;
// a breach is the first bar whose low (long) / high (short) crosses the liquidation price, which
// moves with funding. At each bar close every open position gets the features all rules need,
// computed from data up to that close only. Finished positions go to a visitor.
import {
  fitJumpTail,
  followerWindowZ,
  leaderSigmaMultiplier,
  leaderSignalAt,
  horizonSigmaPerMin,
  isVolReady,
  jumpIntensity,
  newVolState,
  quantileByBisection,
  rawHitProbability,
  regimeRatio,
  shrinkTowardFloor,
  sigmaPerMin,
  updateVol,
  updateVolVariance,
  garmanKlassVariance,
  Xoshiro128,
  type FundingEvent,
  type CalibrationMap,
  type JumpTail,
  type LeaderParams,
  type LeaderZ,
  type VolConfig,
} from '../domain/forecast';
import { asymMultiplier, asymMultiplierAt, type AsymParams } from '../domain/forecast/asymmetry';
import { hourZSeries } from './asymmetry';
import { meanSeasonalFactor, seasonalFactorAt, type IntradayProfile } from '../domain/forecast/seasonality';
import { activityRatios, activityVarianceMultiplier } from '../domain/forecast/volumeActivity';
import type { CandleSeries, FundingSeries } from './candles';

export const HORIZONS_MIN = [15, 60, 240, 1440] as const;
export const H60 = 1;

export interface BookOptions {
  leverages: number[];
  /** Maintenance margin rate of the first bracket (Binance USDⓈ-M BTC/ETH: 0.004). */
  mmr: number;
  openEveryMin: number;
  holdMin: number;
  fastHalfLifeMin: number;
  slowHalfLifeMin: number;
  /** Tail prior used before any history exists (and blended in while events are few). */
  tailPrior: JumpTail;
  /** Prior for up moves (shorts); the down prior when absent. */
  tailPriorUp?: JumpTail;
  tailX0: number;
  /**
   * Calibration maps per horizon fitted on other files (out-of-sample evaluation, src/backtest/pooled.ts):
   * used for every block instead of the walk-forward maps fitted on this file's past.
   */
  fixedCalibration?: Record<string, CalibrationMap>;
  /**
   * Opt-in (§8.17): maps per σ/floor regime bucket fitted on the same other files; a point uses its
   * bucket's map for a horizon when present, else fixedCalibration. Only with fixedCalibration.
   */
  regimeCalibration?: Record<string, CalibrationMap>[];
  /**
   * Opt-in (§8.26): a second, walk-forward stage per horizon on top of fixedCalibration, learnt from this
   * file's own (calibrated P, outcome) pairs resolved before each block (one pair per position-hour), as an
   * app could learn a symbol's recent calibration from its own price history. 'isotonic' = a second
   * isotonic map (prior 30 expected events per bin); 'odds' = one odds multiplier per horizon (one logit shift)
   * that brings the past pairs' predicted events to (observed + 30)/(predicted + 30) of themselves, clamped to
   * [1/4, 4]. Only with fixedCalibration.
   */
  onlineRecalibration?: 'isotonic' | 'odds';
  /**
   * How the MODEL's σ is formed (the baselines keep σ = max(fast, slow, 10th-percentile floor)):
   * termStructure = horizon-average σ (fast excess decays, horizonSigmaPerMin) instead of the max;
   * floorQuantile = quantile of the file's past σ (≤ 90 days) used as the model's floor;
   * shrink (opt-in, §8.19) = exponent α of σ's excess over the floor: σ' = floor·(σ/floor)^α, so 1 (or
   * absent) is the plain σ and 0 a σ fixed at the floor (a distance rule scaled to the asset);
   * floorPrior (opt-in, §8.20) = the class's floor from other files, blended with the file's own in log
   * space with weight `days` against the days of own history (the own floor of a few days is noisy);
   * rangeVariance (opt-in, §8.21) = the model's EWMA (and so its floor) is fed each bar's Garman–Klass
   * variance instead of its squared close-to-close return;
   * seasonality (opt-in, §8.22) = an intraday profile: the model's EWMA (and floor) is fed returns
   * deseasonalised by their hour's factor, and its σ over a horizon is rescaled by the mean factor of the
   * hours the horizon spans.
   */
  modelSigma?: {
    termStructure: boolean;
    floorQuantile: number;
    shrink?: number;
    floorPrior?: { perMin: number; days: number };
    rangeVariance?: boolean;
    seasonality?: IntradayProfile;
    /**
     * volume activity (opt-in, §8.24): exponent β; the model's variance over a horizon is multiplied by
     * activityVarianceMultiplier(a, β, H), a = short/long EWMA of bar volume at the time σ is read
     * (needs the file's volume column).
     */
    activityBeta?: number;
    /**
     * placebo (opt-in, §8.25): the model's σ times exp(x_t), x an AR(1) in log space with the fast
     * half-life and stationary sd `sd`, drawn from `seed` and unrelated to the market. It measures how
     * far the scored figures move for a σ change that carries no information (the metric's noise floor).
     */
    placebo?: { sd: number; seed: number };
  };
  /**
   * Asymmetric volatility (§8.16, off when absent): the MODEL's variance is multiplied per position by
   * asymMultiplier(side, past-hour z), z as known when the probability is computed.
   */
  asymmetry?: AsymParams;
  funding?: FundingSeries;
  /**
   * Market-wide stress (§8.15, off when absent): the leader's (BTC's) window z series and the
   * multipliers fitted on other files; scales the MODEL's σ only (the baselines are unchanged).
   */
  leader?: { z: LeaderZ; params: LeaderParams };
  /** Release bands of the alert rules (none when absent: an alert is on exactly while its threshold is met). */
  release?: AlertRelease;
}

/**
 * Once an alert is on it stays on while the figure is inside a band around its threshold, as the app's
 * danger levels do (docs/ALERTS.md "Hysteresis"): the model while P ≥ probabilityFactor × threshold.
 * The baseline bands exist to check whether a gain comes from the band rather than the forecast:
 * distance rules hold while distance (or σ-distance) ≤ baselineDistanceFactor × threshold, the margin
 * ratio while ≥ threshold − baselineRatioBelow.
 */
export interface AlertRelease {
  probabilityFactor?: number;
  baselineDistanceFactor?: number;
  baselineRatioBelow?: number;
}

export const DEFAULT_BOOK: BookOptions = {
  leverages: [5, 10, 20, 50, 100],
  mmr: 0.004,
  openEveryMin: 240,
  holdMin: 3 * 1440,
  fastHalfLifeMin: 30,
  slowHalfLifeMin: 1440,
  tailPrior: { ratePerMin: 2e-5, x0: 0.02, alpha: 3 },
  tailX0: 0.02,
};

/** Model σ of the shipped v3 policy (issue 12): horizon term structure, floor = median of past σ. */
export const V3_MODEL_SIGMA = { termStructure: true, floorQuantile: 0.5 } as const;

export interface ReplayPosition {
  leverage: number;
  side: 1 | -1;
  openBar: number;
  openTime: number;
  /** End of observation: breach-bar open, expiry, or end of data (ms). */
  endTime: number;
  breachBar: number;
  breachTime: number | null;
  /**
   * Alert features per evaluated bar (openBar+1 ..., the breach bar included) at the bar's WORST price
   * with σ known at the bar's open: every rule is a threshold on price, so "fires somewhere inside the
   * bar" ⇔ "fires at the worst price". This is how the app sees them (it evaluates on every mark
   * tick), and it treats the exchange level and the other rules alike.
   */
  mrWorst: number[];
  alertDistance: number[];
  alertZ: number[];
  alertP60: number[];
  /** Per bar close before the breach: distance to liquidation, vol-scaled z, model raw P per horizon. */
  distance: number[];
  z: number[];
  pRaw: number[][];
  /** σ/floor at each bar close (regimeRatio; NaN before a floor exists) and at each alert bar's open. */
  regime: number[];
  alertRegime: number[];
  pGauss60: number[];
  /** Model's 10% quantile of the time to liquidation (minutes) at the first bar close, null beyond 24 h. */
  q10AtFirst: number | null;
}

export interface Visitor {
  finish(pos: ReplayPosition): void;
}

export interface ReplayContext {
  series: CandleSeries;
  book: BookOptions;
  blockStarts: number[];
  blockOf(timeMs: number): number;
}

/** Walk-forward blocks: monthly for long files, otherwise 6 equal blocks of at least a day. */
export function makeBlocks(series: CandleSeries): number[] {
  const first = series.time[0]!;
  const last = series.time[series.time.length - 1]! + series.intervalMin * 60_000;
  const span = last - first;
  const day = 86_400_000;
  const len = span >= 120 * day ? 30 * day : Math.max(day, span / 6);
  const starts: number[] = [];
  for (let t = first; t < last; t += len) starts.push(t);
  return starts;
}

export function blockIndex(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (t < starts[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface OpenPos extends ReplayPosition {
  entry: number;
  /** Isolated margin per unit of base asset (changes with funding). */
  wallet: number;
  expiryTime: number;
}

function liquidationPrice(p: OpenPos, mmr: number): number {
  // Isolated linear, one unit: long W + S − E = m·S → S = (E − W)/(1 − m); short (W + E)/(1 + m).
  return p.side > 0 ? (p.entry - p.wallet) / (1 - mmr) : (p.wallet + p.entry) / (1 + mmr);
}

function marginRatioAt(p: OpenPos, price: number, mmr: number): number {
  const equity = p.wallet + p.side * (price - p.entry);
  const mm = mmr * price;
  return equity > 0 ? mm / equity : 1e9;
}

/** Runs the replay; the visitor receives each position once, when it breaches, expires or data ends. */
export function replay(ctx: ReplayContext, visitor: Visitor): void {
  const { series, book } = ctx;
  const n = series.time.length;
  const dtBar = series.intervalMin;
  const barMs = dtBar * 60_000;
  const volConfig: VolConfig = { fastHalfLifeMin: book.fastHalfLifeMin, slowHalfLifeMin: book.slowHalfLifeMin, floorPerMin: 0, minReturns: Math.max(10, Math.ceil(60 / dtBar)) };
  const vol = newVolState();
  const sigmaHistory = new Float64Array(n);
  const windows = adverseWindows(series);
  let block = -1;
  let floor = 0;
  let modelFloor = 0;
  const ms = book.modelSigma ?? { termStructure: false, floorQuantile: 0.1 };
  // The model's own EWMA when it is fed range-based variances; otherwise it shares the baselines'.
  const ownModelVol = ms.rangeVariance === true || ms.seasonality !== undefined;
  const modelVol = ownModelVol ? newVolState() : vol;
  const modelSigmaHistory = ownModelVol ? new Float64Array(n) : sigmaHistory;
  const season = ms.seasonality;
  /** The model's σ for a horizon (same as the baselines' σ with the default modelSigma). */
  const plainModelSigma = (tMin: number): number => (ms.termStructure ? horizonSigmaPerMin(modelVol, volConfig, tMin, modelFloor) : Math.max(sigmaPerMin(modelVol, volConfig), modelFloor));
  const activity = ms.activityBeta !== undefined ? activityRatiosOf(series) : null;
  const placebo = ms.placebo ? placeboLogMultipliers(n, series.intervalMin, book.fastHalfLifeMin, ms.placebo) : null;
  /** σ over the tMin minutes from atMs: the deseasonalised σ shrunk, then scaled to the hours ahead and
   * to the activity as of bar `t` (the last closed bar when σ is read). */
  const modelSigma = (tMin: number, atMs: number, t: number): number =>
    shrinkTowardFloor(plainModelSigma(tMin), modelFloor, ms.shrink) *
    (season ? Math.sqrt(meanSeasonalFactor(season, atMs, tMin)) : 1) *
    (activity && t >= 0 ? Math.sqrt(activityVarianceMultiplier(activity[t]!, ms.activityBeta!, tMin)) : 1) *
    (placebo && t >= 0 ? Math.exp(placebo[t]!) : 1);
  const asym = book.asymmetry;
  const hourZ = asym ? hourZSeries(series, book.fastHalfLifeMin, book.slowHalfLifeMin).z : null;
  /** σ scale of the model for a position (1 without the option). */
  const asymScale = (side: 1 | -1, t: number, tMin: number): number => (asym && hourZ && t >= 0 ? Math.sqrt(asymMultiplierAt(asymMultiplier(asym, side, hourZ[t]!), tMin)) : 1);
  let tailDown = book.tailPrior;
  let tailUp = book.tailPriorUp ?? book.tailPrior;
  let open: OpenPos[] = [];
  const openEveryMs = book.openEveryMin * 60_000;
  const funding = book.funding;
  let fundingIdx = 0;
  const leader = book.leader;
  /** Leader and follower window z at time t (null when the feature is off or has no signal). */
  const leaderState = (t: number, followerSigma: number): { lz: number; fz: number } | null => {
    if (!leader) return null;
    const sig = leaderSignalAt(leader.z, t);
    return sig ? { lz: sig.z, fz: followerWindowZ(series, sig.windowStart, t, followerSigma) } : null;
  };
  const leaderMult = (st: { lz: number; fz: number } | null, side: 1 | -1, hMin: number): number =>
    st && leader ? leaderSigmaMultiplier(leader.params, side, st.lz, st.fz, hMin) : 1;

  for (let t = 1; t < n; t++) {
    const barOpen = series.time[t]!;
    const barClose = barOpen + barMs;
    // Walk-forward refits at each block start, from data strictly before it.
    const b = ctx.blockOf(barOpen);
    if (b !== block) {
      block = b;
      const start = ctx.blockStarts[b]!;
      const down: number[] = [];
      const up: number[] = [];
      for (const w of windows) {
        if (w.end > start) continue;
        down.push(w.down);
        up.push(w.up);
      }
      tailDown = fitJumpTail(down, 60, book.tailX0, book.tailPrior);
      tailUp = fitJumpTail(up, 60, book.tailX0, book.tailPriorUp ?? book.tailPrior);
      floor = percentileOfRecent(sigmaHistory, t, Math.ceil((90 * 1440) / dtBar), 0.1);
      modelFloor = ms.floorQuantile === 0.1 && !ownModelVol ? floor : percentileOfRecent(modelSigmaHistory, t, Math.ceil((90 * 1440) / dtBar), ms.floorQuantile);
      if (ms.floorPrior) modelFloor = blendFloor(modelFloor, recentCount(modelSigmaHistory, t, Math.ceil((90 * 1440) / dtBar)) * dtBar / 1440, ms.floorPrior);
    }
    // σ as known at the bar's open (for the intrabar alert features), then the bar's own return.
    const sigmaAtOpen = Math.max(sigmaPerMin(vol, volConfig), floor);
    const modelSigmaAtOpen60 = modelSigma(60, barOpen, t - 1);
    const leadOpen = leaderState(barOpen, sigmaPerMin(vol, volConfig));
    const regimeAtOpen = regimeRatio(sigmaPerMin(vol, volConfig), modelFloor);
    const r = Math.log(series.close[t]! / series.close[t - 1]!);
    const dtMin = (barOpen - series.time[t - 1]!) / 60_000;
    updateVol(vol, r, dtMin, volConfig);
    if (ownModelVol) {
      const barVariance = ms.rangeVariance ? garmanKlassVariance(series.close[t - 1]!, series.open[t]!, series.high[t]!, series.low[t]!, series.close[t]!) : r * r;
      updateVolVariance(modelVol, season ? barVariance / seasonalFactorAt(season, barOpen) : barVariance, dtMin, volConfig);
    }
    const sigma = Math.max(sigmaPerMin(vol, volConfig), floor);
    const modelSigmas = HORIZONS_MIN.map((h) => modelSigma(h, barClose, t));
    const leadClose = leaderState(barClose, sigmaPerMin(vol, volConfig));
    const regimeAtClose = regimeRatio(sigmaPerMin(vol, volConfig), modelFloor);
    sigmaHistory[t] = isVolReady(vol, volConfig) ? sigmaPerMin(vol, volConfig) : NaN;
    if (ownModelVol) modelSigmaHistory[t] = isVolReady(modelVol, volConfig) ? sigmaPerMin(modelVol, volConfig) : NaN;

    // Funding settled inside this bar: the latest known rate (causal) predicts the next ones.
    let settledRate: number | null = null;
    if (funding) {
      while (fundingIdx < funding.time.length && funding.time[fundingIdx]! < barClose) {
        if (funding.time[fundingIdx]! >= barOpen) settledRate = funding.rate[fundingIdx]!;
        fundingIdx++;
      }
    }
    const close = series.close[t]!;
    const still: OpenPos[] = [];
    for (const p of open) {
      const liq = liquidationPrice(p, book.mmr);
      const worst = p.side > 0 ? series.low[t]! : series.high[t]!;
      p.mrWorst.push(marginRatioAt(p, worst, book.mmr));
      const aWorst = p.side > 0 ? Math.log(worst / liq) : Math.log(liq / worst);
      p.alertDistance.push(p.side > 0 ? (worst - liq) / worst : (liq - worst) / worst);
      p.alertZ.push(sigmaAtOpen > 0 ? aWorst / (sigmaAtOpen * Math.sqrt(60)) : aWorst > 0 ? 1e9 : 0);
      p.alertRegime.push(regimeAtOpen);
      p.alertP60.push(
        rawHitProbability(
          { distance: aWorst, sigmaPerMin: modelSigmaAtOpen60 * leaderMult(leadOpen, p.side, 60) * asymScale(p.side, t - 1, 60), funding: funding ? nextFunding(funding, fundingIdx, barOpen, p.side) : [], jumpsPerMin: jumpIntensity(p.side > 0 ? tailDown : tailUp, aWorst) },
          60,
        ),
      );
      if (p.side > 0 ? worst <= liq : worst >= liq) {
        p.breachBar = t;
        p.breachTime = barOpen;
        p.endTime = barOpen;
        visitor.finish(p);
        continue;
      }
      if (settledRate !== null) p.wallet -= p.side * settledRate * close; // longs pay positive rates
      const liqNow = liquidationPrice(p, book.mmr);
      const a = p.side > 0 ? Math.log(close / liqNow) : Math.log(liqNow / close);
      p.distance.push(p.side > 0 ? (close - liqNow) / close : (liqNow - close) / close);
      p.z.push(sigma > 0 ? a / (sigma * Math.sqrt(60)) : 1e9);
      const fundingEvents = funding ? nextFunding(funding, fundingIdx, barClose, p.side) : [];
      const jumps = jumpIntensity(p.side > 0 ? tailDown : tailUp, a);
      const input = { distance: a, sigmaPerMin: modelSigmas[H60]! * asymScale(p.side, t, 60), funding: fundingEvents, jumpsPerMin: jumps };
      const probs = new Array<number>(HORIZONS_MIN.length);
      for (let h = 0; h < HORIZONS_MIN.length; h++) probs[h] = rawHitProbability({ ...input, sigmaPerMin: modelSigmas[h]! * leaderMult(leadClose, p.side, HORIZONS_MIN[h]!) * asymScale(p.side, t, HORIZONS_MIN[h]!) }, HORIZONS_MIN[h]!);
      if (p.distance.length === 1) p.q10AtFirst = quantileByBisection((m) => rawHitProbability(input, m), 0.1, 1440);
      p.pRaw.push(probs);
      p.regime.push(regimeAtClose);
      p.pGauss60.push(rawHitProbability({ ...input, jumpsPerMin: 0 }, 60));
      if (barClose >= p.expiryTime) {
        p.endTime = barClose;
        visitor.finish(p);
        continue;
      }
      still.push(p);
    }
    open = still;

    if (isVolReady(vol, volConfig) && barClose % openEveryMs === 0) {
      for (const leverage of book.leverages) {
        for (const side of [1, -1] as const) {
          open.push({
            leverage,
            side,
            openBar: t,
            openTime: barClose,
            endTime: barClose,
            breachBar: -1,
            breachTime: null,
            mrWorst: [],
            alertDistance: [],
            alertZ: [],
            alertP60: [],
            distance: [],
            z: [],
            pRaw: [],
            regime: [],
            alertRegime: [],
            pGauss60: [],
            q10AtFirst: null,
            entry: close,
            wallet: close / leverage,
            expiryTime: barClose + book.holdMin * 60_000,
          });
        }
      }
    }
  }
  const dataEnd = series.time[n - 1]! + barMs;
  for (const p of open) {
    p.endTime = dataEnd;
    visitor.finish(p);
  }
}

/** Settlements in the next 24 h at the last known rate (log-distance lost per settlement). */
function nextFunding(funding: FundingSeries, idx: number, now: number, side: 1 | -1): FundingEvent[] {
  const lastRate = idx > 0 ? funding.rate[idx - 1]! : 0;
  const out: FundingEvent[] = [];
  for (let i = idx; i < funding.time.length; i++) {
    const offsetMin = (funding.time[i]! - now) / 60_000;
    if (offsetMin > 1440) break;
    if (offsetMin > 0) out.push({ offsetMin, loss: side * lastRate });
  }
  return out;
}

/** Adverse moves of consecutive 60-minute windows (from bars), for the tail fit. */
export function adverseWindows(series: CandleSeries): { end: number; down: number; up: number }[] {
  const perWindow = Math.max(1, Math.round(60 / series.intervalMin));
  const out: { end: number; down: number; up: number }[] = [];
  for (let i = 0; i + perWindow <= series.time.length; i += perWindow) {
    const o = series.open[i]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i; j < i + perWindow; j++) {
      lo = Math.min(lo, series.low[j]!);
      hi = Math.max(hi, series.high[j]!);
    }
    out.push({ end: series.time[i + perWindow - 1]! + series.intervalMin * 60_000, down: Math.log(o / lo), up: Math.log(hi / o) });
  }
  return out;
}

/** Own floor (0 = none yet) and a prior, geometric mean weighted by days of own history vs the prior's days. */
export function blendFloor(own: number, ownDays: number, prior: { perMin: number; days: number }): number {
  if (!(prior.perMin > 0)) return own;
  if (!(own > 0) || !(ownDays > 0)) return prior.perMin;
  const w = ownDays / (ownDays + prior.days);
  return Math.exp(w * Math.log(own) + (1 - w) * Math.log(prior.perMin));
}

function recentCount(values: Float64Array, end: number, window: number): number {
  let n = 0;
  for (let i = Math.max(0, end - window); i < end; i++) if (Number.isFinite(values[i]!) && values[i]! > 0) n++;
  return n;
}

function percentileOfRecent(values: Float64Array, end: number, window: number, q: number): number {
  const from = Math.max(0, end - window);
  const xs: number[] = [];
  for (let i = from; i < end; i++) if (Number.isFinite(values[i]!) && values[i]! > 0) xs.push(values[i]!);
  if (xs.length < 100) return 0;
  xs.sort((a, b) => a - b);
  return xs[Math.floor(q * (xs.length - 1))]!;
}

function activityRatiosOf(series: CandleSeries): Float64Array {
  if (!series.volume) throw new Error(`${series.name}: the volume-activity option needs the file's volume column`);
  return activityRatios(series.volume, series.intervalMin);
}

/** AR(1) log multipliers of the placebo option: x_t = φ·x_{t−1} + sd·√(1 − φ²)·z_t, φ from the half-life. */
export function placeboLogMultipliers(n: number, dtMin: number, halfLifeMin: number, p: { sd: number; seed: number }): Float64Array {
  const rng = new Xoshiro128(p.seed);
  const phi = Math.pow(0.5, dtMin / halfLifeMin);
  const x = new Float64Array(n);
  x[0] = p.sd * rng.nextNormal();
  for (let t = 1; t < n; t++) x[t] = phi * x[t - 1]! + p.sd * Math.sqrt(1 - phi * phi) * rng.nextNormal();
  return x;
}
