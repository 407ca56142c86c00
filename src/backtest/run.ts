// The backtest protocol end to end (FORECAST.md §2): replay → walk-forward calibration (pass 1) →
// alert rules, baselines and scores on the test blocks (pass 2) → JSON in the shape.
import { applyCalibration, CalibrationAccumulator, normCdf, PRIOR_EVENTS, REGIME_BUCKETS, regimeBucket, regimeMapFor, type CalibrationMap } from '../domain/forecast';
import type { CandleSeries, FundingSeries } from './candles';
import {
  AlertAccumulator,
  crashRecall,
  interpolateAtBudget,
  operatingPoint,
  round,
  ScoreAccumulator,
  type OperatingPoint,
  type ScoreJson,
} from './metrics';
import { blockIndex, DEFAULT_BOOK, H60, HORIZONS_MIN, makeBlocks, replay, type BookOptions, type ReplayContext, type ReplayPosition } from './replay';

/** Held-out crash days (FORECAST.md §3.3, data README): breaches on these UTC dates. */
export const CRASH_DAYS = ['2020-03-12', '2020-03-13', '2021-04-18', '2021-05-19', '2022-05-09', '2022-05-12', '2022-11-08', '2022-11-09', '2024-08-05', '2025-10-10'];

export const RULES = ['model', 'mr80', 'fixedDistance', 'volScaled'] as const;
export type RuleName = (typeof RULES)[number];

/** Thresholds, strict → loose. mr80 sweeps the margin-ratio level (0.8 is the exchange's). */
export const THRESHOLDS: Record<RuleName, number[]> = {
  model: [0.9, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4, 3e-5, 1e-5],
  mr80: [0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02],
  fixedDistance: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15, 0.2],
  volScaled: [0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30],
};

export const BUDGET = 0.2;
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface BacktestInput {
  series: CandleSeries;
  funding?: FundingSeries;
  book?: Partial<BookOptions>;
}

/** Accumulated results of one or more files, per leverage bucket. */
export class BacktestTotals {
  readonly positionDays = new Map<number, number>();
  readonly alerts = new Map<number, Record<RuleName, AlertAccumulator[]>>();
  readonly scores = new Map<number, Record<string, ScoreAccumulator>>();
  /** Per position with a finite q10 at its first bar close: time, and whether it breached before q10. */
  readonly quantileHits = new Map<number, { time: number; hit: boolean }[]>();
  readonly files: { name: string; intervalMin: number; bars: number; from: string; to: string; testPositions: number; breaches: number; gaps: number; blocks: number }[] = [];

  alertsFor(lev: number): Record<RuleName, AlertAccumulator[]> {
    let a = this.alerts.get(lev);
    if (!a) {
      a = Object.fromEntries(RULES.map((r) => [r, THRESHOLDS[r].map(() => new AlertAccumulator())])) as Record<RuleName, AlertAccumulator[]>;
      this.alerts.set(lev, a);
    }
    return a;
  }

  scoreFor(lev: number, key: string): ScoreAccumulator {
    let s = this.scores.get(lev);
    if (!s) this.scores.set(lev, (s = {}));
    return (s[key] ??= new ScoreAccumulator());
  }
}

const pointTime = (ctx: ReplayContext, p: ReplayPosition, j: number): number => ctx.series.time[p.openBar + 1 + j]! + ctx.series.intervalMin * 60_000;

function label(p: ReplayPosition, t: number, hMin: number): boolean | null {
  const end = t + hMin * 60_000;
  if (p.breachTime !== null && p.breachTime < end) return true;
  return p.endTime >= end ? false : null;
}

/** Baseline statistics mapped monotonically into (0, 1] so the same isotonic machinery calibrates them. */
const baselineRaw = {
  mr80: (p: ReplayPosition, j: number): number => Math.min(1, Math.max(1e-8, p.mrWorst[j]!)),
  fixedDistance: (p: ReplayPosition, j: number): number => Math.exp(-50 * Math.max(0, p.distance[j]!)),
  volScaled: (p: ReplayPosition, j: number): number => 2 * normCdf(-Math.max(0, p.z[j]!)),
};
const BASELINES = ['mr80', 'fixedDistance', 'volScaled'] as const;

/** Maps per block, each fitted on labels resolved strictly before the block starts. */
function fitWalkForwardMaps(perBlock: CalibrationAccumulator[]): (CalibrationMap | null)[] {
  const maps: (CalibrationMap | null)[] = [];
  const running = new CalibrationAccumulator();
  for (let b = 0; b < perBlock.length; b++) {
    maps.push(running.total() > 0 ? running.fit() : null);
    running.merge(perBlock[b]!);
  }
  return maps;
}

const MAX_ODDS_FACTOR = 4;

/**
 * Per block, the odds multiplier m (one logit shift) under which the pairs resolved before the block
 * would have predicted (observed + prior)/(predicted + prior) times the events they predicted: calibration-
 * in-the-large learnt from the file's own past, shrunk toward 1 by the isotonic maps' prior (PRIOR_EVENTS on each side), clamped to [1/4, 4]; 1 for
 * block 0. Pairs are taken at their bin's mean probability.
 */
export function walkForwardOddsMultipliers(perBlock: CalibrationAccumulator[]): number[] {
  const out: number[] = [];
  const running = new CalibrationAccumulator();
  for (const acc of perBlock) {
    out.push(oddsMultiplierFor(running));
    running.merge(acc);
  }
  return out;
}

function oddsMultiplierFor(acc: CalibrationAccumulator): number {
  let observed = 0;
  let predicted = 0;
  for (let i = 0; i < acc.count.length; i++) {
    observed += acc.positives[i]!;
    predicted += acc.sumX[i]!;
  }
  if (predicted === 0) return 1;
  const target = (predicted * (observed + PRIOR_EVENTS)) / (predicted + PRIOR_EVENTS);
  const eventsAt = (m: number): number => {
    let e = 0;
    for (let i = 0; i < acc.count.length; i++) {
      const n = acc.count[i]!;
      if (n > 0) e += n * scaleOdds(acc.sumX[i]! / n, m);
    }
    return e;
  };
  // Events predicted rise with m: bisect log m within the clamp.
  let lo = -Math.log(MAX_ODDS_FACTOR);
  let hi = Math.log(MAX_ODDS_FACTOR);
  if (eventsAt(Math.exp(lo)) >= target) return Math.exp(lo);
  if (eventsAt(Math.exp(hi)) <= target) return Math.exp(hi);
  for (let k = 0; k < 50; k++) {
    const mid = (lo + hi) / 2;
    if (eventsAt(Math.exp(mid)) < target) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** p with its odds multiplied by m (0 and 1 stay put). */
export function scaleOdds(p: number, m: number): number {
  if (!(p > 0) || !(p < 1)) return p;
  const odds = (p / (1 - p)) * m;
  return odds / (1 + odds);
}

export function replayContext(input: BacktestInput): ReplayContext {
  const book: BookOptions = { ...DEFAULT_BOOK, ...input.book, funding: input.funding };
  const blockStarts = makeBlocks(input.series);
  return { series: input.series, book, blockStarts, blockOf: (t) => blockIndex(blockStarts, t) };
}

/**
 * Pass 1: (raw probability, outcome) pairs for every calibration map, filed under the block in which
 * their label resolved, so a map for block j only ever sees outcomes known before j starts.
 */
export function calibrationPass(ctx: ReplayContext): {
  modelAcc: CalibrationAccumulator[][];
  baseAcc: Record<(typeof BASELINES)[number], CalibrationAccumulator[]>;
  /** The model's pairs per σ/floor regime bucket and horizon, all blocks merged (pooled folds only, §8.17). */
  regimeAcc: CalibrationAccumulator[][];
  /** (fixed-map P, outcome) per horizon and resolving block, one pair per position-hour (§8.26); null when off. */
  onlineAcc: CalibrationAccumulator[][] | null;
} {
  const nb = ctx.blockStarts.length;
  const modelAcc = HORIZONS_MIN.map(() => Array.from({ length: nb }, () => new CalibrationAccumulator()));
  const regimeAcc = Array.from({ length: REGIME_BUCKETS }, () => HORIZONS_MIN.map(() => new CalibrationAccumulator()));
  const baseAcc = Object.fromEntries(BASELINES.map((b) => [b, Array.from({ length: nb }, () => new CalibrationAccumulator())])) as Record<(typeof BASELINES)[number], CalibrationAccumulator[]>;
  const fixed = ctx.book.onlineRecalibration ? ctx.book.fixedCalibration : undefined;
  if (ctx.book.onlineRecalibration && !fixed) throw new Error('onlineRecalibration needs fixedCalibration (pooled maps)');
  const onlineAcc = fixed ? HORIZONS_MIN.map(() => Array.from({ length: nb }, () => new CalibrationAccumulator())) : null;
  replay(ctx, {
    finish(p) {
      for (let j = 0; j < p.distance.length; j++) {
        const t = pointTime(ctx, p, j);
        HORIZONS_MIN.forEach((h, hi) => {
          const y = label(p, t, h);
          if (y === null) return;
          const resolved = y ? p.breachTime! : t + h * 60_000;
          const b = ctx.blockOf(resolved);
          modelAcc[hi]![b]!.add(p.pRaw[j]![hi]!, y);
          const rb = regimeBucket(p.regime[j]!);
          if (rb >= 0) regimeAcc[rb]![hi]!.add(p.pRaw[j]![hi]!, y);
          if (hi === H60) for (const name of BASELINES) baseAcc[name][b]!.add(baselineRaw[name](p, j), y);
          if (onlineAcc && t % HOUR === 0) onlineAcc[hi]![b]!.add(applyCalibration(fixed![String(h)], p.pRaw[j]![hi]!), y);
        });
      }
    },
  });
  return { modelAcc, baseAcc, regimeAcc, onlineAcc };
}

export function runBacktestFile(input: BacktestInput, totals: BacktestTotals): void {
  const { series } = input;
  const ctx = replayContext(input);
  const nb = ctx.blockStarts.length;

  const { modelAcc, baseAcc, onlineAcc } = calibrationPass(ctx);
  const fixed = ctx.book.fixedCalibration;
  const modelMaps = fixed ? HORIZONS_MIN.map((h) => Array.from({ length: nb }, () => fixed[String(h)] ?? null)) : modelAcc.map(fitWalkForwardMaps);
  // Opt-in regime maps (§8.17): only over fixed (pooled, out-of-sample) maps; null = the maps above.
  const regimeMaps = fixed ? ctx.book.regimeCalibration : undefined;
  const modelMap = (hi: number, block: number, ratio: number): CalibrationMap | null =>
    regimeMaps ? regimeMapFor(fixed, regimeMaps, String(HORIZONS_MIN[hi]), regimeBucket(ratio)) : modelMaps[hi]![block]!;
  // Opt-in second stage (§8.26): the file's own walk-forward map, or odds multiplier, over the fixed map's output.
  const online = ctx.book.onlineRecalibration;
  const onlineMaps = onlineAcc && online === 'isotonic' ? onlineAcc.map(fitWalkForwardMaps) : null;
  const onlineOdds = onlineAcc && online === 'odds' ? onlineAcc.map(walkForwardOddsMultipliers) : null;
  const calibrate = (hi: number, block: number, ratio: number, raw: number): number => {
    const p = applyCalibration(modelMap(hi, block, ratio), raw);
    if (onlineMaps) return applyCalibration(onlineMaps[hi]![block]!, p);
    return onlineOdds ? scaleOdds(p, onlineOdds[hi]![block]!) : p;
  };
  const baseMaps = Object.fromEntries(BASELINES.map((b) => [b, fitWalkForwardMaps(baseAcc[b])])) as Record<(typeof BASELINES)[number], (CalibrationMap | null)[]>;

  // Pass 2: test blocks only (positions opened after the first block).
  const hystBars = Math.max(1, Math.ceil(30 / series.intervalMin));
  let testPositions = 0;
  let breaches = 0;
  replay(ctx, {
    finish(p) {
      if (ctx.blockOf(p.openTime) < 1) return;
      testPositions++;
      if (p.breachTime !== null) breaches++;
      const lev = p.leverage;
      totals.positionDays.set(lev, (totals.positionDays.get(lev) ?? 0) + (p.endTime - p.openTime) / DAY);
      const J = p.distance.length;
      const times = Array.from({ length: J }, (_, j) => pointTime(ctx, p, j));
      const blocks = times.map((t) => ctx.blockOf(t));
      const pCal = HORIZONS_MIN.map((_, hi) => times.map((_, j) => calibrate(hi, blocks[j]!, p.regime[j]!, p.pRaw[j]![hi]!)));
      // Keep calibrated probabilities monotone across horizons, as the app does.
      for (let j = 0; j < J; j++) for (let hi = 1; hi < HORIZONS_MIN.length; hi++) pCal[hi]![j] = Math.max(pCal[hi]![j]!, pCal[hi - 1]![j]!);
      const crashDay = p.breachTime !== null ? crashDayOf(p.breachTime) : null;
      const acc = totals.alertsFor(lev);
      const barOpenTime = (j: number): number => series.time[p.openBar + 1 + j]!;
      const evalRule = (rule: RuleName, count: number, on: (j: number, thr: number) => boolean, alertTime: (j: number) => number, hold?: (j: number, thr: number) => boolean): void => {
        THRESHOLDS[rule].forEach((thr, ti) => {
          const res = episodes(count, (j) => on(j, thr), alertTime, p.breachTime, hystBars, hold && ((j) => hold(j, thr)));
          acc[rule][ti]!.addPosition(res.falseEpisodes, p.breachTime !== null ? { leadMin: res.leadMin, crashDay } : null);
          acc[rule][ti]!.addCoverage(res.onBars, count);
        });
      };
      // Alerts: every rule at the bar's worst price, credited from the bar's open (see ReplayPosition).
      const A = p.mrWorst.length;
      const alertCal = p.alertP60.map((raw, j) => calibrate(H60, ctx.blockOf(barOpenTime(j)), p.alertRegime[j]!, raw));
      // Release bands (off unless book.release says so): the model's is the app's probability band.
      const rel = ctx.book.release;
      const pf = rel?.probabilityFactor;
      const df = rel?.baselineDistanceFactor;
      const rb = rel?.baselineRatioBelow;
      evalRule('model', A, (j, thr) => alertCal[j]! >= thr, barOpenTime, pf !== undefined ? (j, thr) => alertCal[j]! >= pf * thr : undefined);
      evalRule('mr80', A, (j, thr) => p.mrWorst[j]! >= thr, barOpenTime, rb !== undefined ? (j, thr) => p.mrWorst[j]! >= thr - rb : undefined);
      evalRule('fixedDistance', A, (j, thr) => p.alertDistance[j]! <= thr, barOpenTime, df !== undefined ? (j, thr) => p.alertDistance[j]! <= df * thr : undefined);
      evalRule('volScaled', A, (j, thr) => p.alertZ[j]! <= thr, barOpenTime, df !== undefined ? (j, thr) => p.alertZ[j]! <= df * thr : undefined);

      // Time-to-trigger check (VaR-style): breaches earlier than the predicted 10% quantile should be ~10%.
      if (J > 0 && p.q10AtFirst !== null) {
        const t0 = times[0]!;
        const due = t0 + p.q10AtFirst * 60_000;
        const hit = p.breachTime !== null && p.breachTime < due;
        const touchesCrash = CRASH_DAYS.some((d) => {
          const start = Date.parse(`${d}T00:00:00Z`);
          return start < due && start + DAY > t0;
        });
        if ((hit || p.endTime >= due) && !touchesCrash) {
          const list = totals.quantileHits.get(lev) ?? [];
          list.push({ time: t0, hit });
          totals.quantileHits.set(lev, list);
        }
      }

      for (let j = 0; j < J; j++) {
        HORIZONS_MIN.forEach((h, hi) => {
          const y = label(p, times[j]!, h);
          if (y === null) return;
          totals.scoreFor(lev, `model@${h}`).add(pCal[hi]![j]!, y);
          if (hi !== H60) return;
          totals.scoreFor(lev, 'modelRaw').add(p.pRaw[j]![hi]!, y);
          totals.scoreFor(lev, 'gaussianNoFloor').add(p.pGauss60[j]!, y);
          for (const name of BASELINES) totals.scoreFor(lev, name).add(applyCalibration(baseMaps[name][blocks[j]!], baselineRaw[name](p, j)), y);
        });
      }
    },
  });
  totals.files.push({
    name: series.name,
    intervalMin: series.intervalMin,
    bars: series.time.length,
    from: new Date(series.time[0]!).toISOString(),
    to: new Date(series.time[series.time.length - 1]!).toISOString(),
    testPositions,
    breaches,
    gaps: series.gaps.length,
    blocks: nb,
  });
}

function crashDayOf(t: number): string | null {
  const d = new Date(t).toISOString().slice(0, 10);
  return CRASH_DAYS.includes(d) ? d : null;
}

/**
 * Alert episodes (start on the rising edge, end after hysteresis quiet bars) of one rule on one position.
 * `hold` (optional) is the rule's release band, as the app's danger levels have one: once an episode is
 * open, a bar keeps it alive while hold(j) is true, even below the entry threshold.
 */
export function episodes(
  count: number,
  on: (j: number) => boolean,
  alertTime: (j: number) => number,
  breachTime: number | null,
  hystBars: number,
  hold?: (j: number) => boolean,
): { falseEpisodes: number; leadMin: number | null; onBars: number } {
  let active = false;
  let onBars = 0;
  let start = 0;
  let quiet = 0;
  let falseEpisodes = 0;
  for (let j = 0; j < count; j++) {
    if (on(j) || (active && hold !== undefined && hold(j))) {
      onBars++;
      if (!active) {
        active = true;
        start = alertTime(j);
      }
      quiet = 0;
    } else if (active && ++quiet >= hystBars) {
      active = false;
      falseEpisodes++;
    }
  }
  if (breachTime !== null) return { falseEpisodes, leadMin: active && start <= breachTime ? (breachTime - start) / 60_000 : null, onBars };
  return { falseEpisodes: falseEpisodes + (active ? 1 : 0), leadMin: null, onBars };
}

// ---------- JSON in the shape ----------

export interface RuleJson {
  operatingPoints: OperatingPoint[];
}

export interface PopulationJson {
  rules: Record<RuleName, RuleJson>;
  scores: Record<string, ScoreJson>;
  scoresByHorizon: Record<string, ScoreJson>;
  matchedBudget: Record<RuleName, Record<string, number | null> | null> & { falseAlarmsPerPositionDay: number; exchangeLevel80: OperatingPoint | null };
  crashDays: Record<string, unknown>;
  positionDays: number;
  timeToTrigger: QuantileTest;
}

export interface QuantileTest {
  quantile: number;
  positions: number;
  exceedances: number;
  rate: number | null;
  kupiecLR: number | null;
  kupiecP: number | null;
  christoffersenLR: number | null;
  christoffersenP: number | null;
}

const xlogy = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(y));

/**
 * Kupiec proportion-of-failures and Christoffersen independence tests on the 0/1 sequence of
 * "breached before the predicted q-quantile", positions in time order (non-crash windows only).
 */
export function quantileTest(seq: readonly boolean[], q: number): QuantileTest {
  const n = seq.length;
  const x = seq.filter(Boolean).length;
  if (n === 0) return { quantile: q, positions: 0, exceedances: 0, rate: null, kupiecLR: null, kupiecP: null, christoffersenLR: null, christoffersenP: null };
  const pi = x / n;
  const lrPof = -2 * (xlogy(n - x, 1 - q) + xlogy(x, q) - xlogy(n - x, 1 - pi) - xlogy(x, pi));
  const t = [0, 0, 0, 0]; // n00, n01, n10, n11
  for (let i = 1; i < n; i++) t[(seq[i - 1] ? 2 : 0) + (seq[i] ? 1 : 0)]! += 1;
  const [n00, n01, n10, n11] = t as [number, number, number, number];
  const p01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
  const p11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const p1 = (n01 + n11) / Math.max(1, n00 + n01 + n10 + n11);
  const lrInd = -2 * (xlogy(n00 + n10, 1 - p1) + xlogy(n01 + n11, p1) - xlogy(n00, 1 - p01) - xlogy(n01, p01) - xlogy(n10, 1 - p11) - xlogy(n11, p11));
  const chi1 = (lr: number): number => round(2 * (1 - normCdf(Math.sqrt(Math.max(0, lr)))), 6);
  return { quantile: q, positions: n, exceedances: x, rate: round(pi, 6), kupiecLR: round(lrPof, 4), kupiecP: chi1(lrPof), christoffersenLR: round(lrInd, 4), christoffersenP: chi1(lrInd) };
}

function population(totals: BacktestTotals, levs: number[]): PopulationJson {
  const positionDays = levs.reduce((s, l) => s + (totals.positionDays.get(l) ?? 0), 0);
  const rules = {} as Record<RuleName, RuleJson>;
  const merged = {} as Record<RuleName, AlertAccumulator[]>;
  for (const rule of RULES) {
    merged[rule] = THRESHOLDS[rule].map((_, ti) => {
      const a = new AlertAccumulator();
      for (const l of levs) {
        const src = totals.alerts.get(l)?.[rule][ti];
        if (src) a.merge(src);
      }
      return a;
    });
    rules[rule] = { operatingPoints: THRESHOLDS[rule].map((thr, ti) => operatingPoint(thr, merged[rule][ti]!, positionDays)) };
  }
  const scoreOf = (key: string): ScoreJson => {
    const s = new ScoreAccumulator();
    for (const l of levs) {
      const src = totals.scores.get(l)?.[key];
      if (src) s.merge(src);
    }
    return s.toJson();
  };
  const scores: Record<string, ScoreJson> = { model: scoreOf('model@60') };
  for (const b of [...BASELINES, 'modelRaw', 'gaussianNoFloor']) scores[b] = scoreOf(b);
  const scoresByHorizon = Object.fromEntries(HORIZONS_MIN.map((h) => [String(h), scoreOf(`model@${h}`)]));

  const pick = (p: OperatingPoint): Record<string, number | null> => ({
    threshold: p.threshold,
    recall1m: p.recall1m,
    recall5m: p.recall5m,
    recall15m: p.recall15m,
    recall30m: p.recall30m,
    medianLeadMin: p.medianLeadMin,
  });
  const matchedBudget = { falseAlarmsPerPositionDay: BUDGET } as PopulationJson['matchedBudget'];
  for (const rule of RULES) matchedBudget[rule] = interpolateAtBudget(rules[rule].operatingPoints, BUDGET, pick);
  // The exchange's own margin-call level is fixed at 80%: report it as is (target G4 compares to it).
  matchedBudget.exchangeLevel80 = rules.mr80.operatingPoints.find((p) => p.threshold === 0.8) ?? null;

  // Crash days at the same operating point (the threshold that meets the all-days budget).
  const days = new Set<string>();
  for (const rule of RULES) for (const a of merged[rule]) for (const d of a.byCrashDay.keys()) days.add(d);
  const crashAt = (rule: RuleName, select: (a: AlertAccumulator) => { breaches: number; recall1m: number | null; recall5m: number | null; recall15m: number | null; recall30m: number | null }) => {
    const pts = merged[rule].map((a, ti) => ({ falseAlarmsPerPositionDay: rules[rule].operatingPoints[ti]!.falseAlarmsPerPositionDay, ...select(a) }));
    return interpolateAtBudget(pts, BUDGET, (p) => ({ breaches: p.breaches, recall1m: p.recall1m, recall5m: p.recall5m, recall15m: p.recall15m }));
  };
  const level80 = THRESHOLDS.mr80.indexOf(0.8);
  const crashDays: Record<string, unknown> = {
    falseAlarmsPerPositionDay: BUDGET,
    exchangeLevel80: crashRecall(merged.mr80[level80]!),
    overall: Object.fromEntries(RULES.map((r) => [r, crashAt(r, crashRecall)])),
    byDay: Object.fromEntries(
      [...days].sort().map((d) => [
        d,
        Object.fromEntries(
          RULES.map((r) => [
            r,
            crashAt(r, (a) => {
              const v = a.byCrashDay.get(d);
              const rr = (i: number): number | null => (v && v.breaches > 0 ? v.warned[i]! / v.breaches : null);
              return { breaches: v?.breaches ?? 0, recall1m: rr(0), recall5m: rr(1), recall15m: rr(2), recall30m: rr(3) };
            }),
          ]),
        ),
      ]),
    ),
  };
  const seq = levs.flatMap((l) => totals.quantileHits.get(l) ?? []).sort((a, b) => a.time - b.time);
  const timeToTrigger = quantileTest(
    seq.map((s) => s.hit),
    0.1,
  );
  return { rules, scores, scoresByHorizon, matchedBudget, crashDays, positionDays: Math.round(positionDays * 100) / 100, timeToTrigger };
}

export interface BacktestJson extends PopulationJson {
  files: BacktestTotals['files'];
  leverages: number[];
  byLeverage?: Record<string, PopulationJson>;
}

export function buildJson(totals: BacktestTotals, byLeverage: boolean): BacktestJson {
  const levs = [...totals.positionDays.keys()].sort((a, b) => a - b);
  const out: BacktestJson = { ...population(totals, levs), files: totals.files, leverages: levs };
  if (byLeverage) {
    out.byLeverage = { le50: population(totals, levs.filter((l) => l <= 50)) };
    for (const l of levs) out.byLeverage[String(l)] = population(totals, [l]);
  }
  return out;
}
