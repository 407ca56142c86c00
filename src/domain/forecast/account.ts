// v1 account forecast (pure): positions by their trigger prices in log space, cross-margin linear
// books by the one-dimensional reduction D_k = equity − k·MM (FORECAST.md §1.2), worst-of otherwise.
import type { AccountSnapshot, MarginReport, Position, PositionReport } from '../contracts';
import { forecastBarrier, worstOf, type BarrierInput, type FundingEvent } from './barrier';
import { calibrationFor, symbolParams, type ForecastParams } from './params';
import { jumpIntensity } from './tail';
import { shrinkTowardFloor } from './volatility';
import type { AccountForecast, LevelForecast, PositionForecast } from './types';

/** What the forecast needs to know about the market (filled by src/forecast from candles/ticks). */
export interface MarketView {
  /** σ of 1-minute log returns per √minute, or null without enough history. */
  sigma(symbol: string): number | null;
  /** Correlation of two symbols' 1-minute returns, or null without common history. */
  correlation(a: string, b: string): number | null;
  /** Horizon-average σ per √minute over tMin minutes (σ term structure), or null without history. */
  sigmaAt?(symbol: string, tMin: number): number | null;
}

export interface AccountForecastInput {
  snapshot: AccountSnapshot;
  report: MarginReport;
  market: MarketView;
  params: ForecastParams;
  /** Normalised margin-ratio levels ("1" = liquidation). */
  levels: readonly string[];
  nowMs: number;
}

export const DEFAULT_LEVELS = ['0.8', '1'] as const;
const HORIZON_LIMIT_MIN = 1440;

function num(s: string | null | undefined): number | null {
  if (s === null || s === undefined) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

function sameLevel(a: string, b: string): boolean {
  return Number(a) === Number(b);
}

/** Signed base-asset quantity (linear contracts): + long, − short. */
function signedQuantity(p: Position): number {
  const q = (num(p.size) ?? 0) * (num(p.contractSize) ?? 0);
  return p.side === 'long' ? q : -q;
}

/** Funding settlements within the next 24 h, carried forward at the current rate. */
export function fundingTimes(p: Position, nowMs: number, intervalMin: number): number[] {
  if (!p.nextFundingTime || num(p.fundingRate) === null) return [];
  const intervalMs = intervalMin * 60_000;
  let t = Date.parse(p.nextFundingTime);
  if (!Number.isFinite(t)) return [];
  if (t < nowMs) t += Math.ceil((nowMs - t) / intervalMs) * intervalMs;
  const out: number[] = [];
  for (; t <= nowMs + HORIZON_LIMIT_MIN * 60_000; t += intervalMs) out.push((t - nowMs) / 60_000);
  return out;
}

function triggerPriceFor(pr: PositionReport, level: string): { found: boolean; price: number | null } {
  const entry = pr.triggerPrices.find((t) => sameLevel(t.level, level));
  if (entry) return { found: true, price: num(entry.price) };
  if (sameLevel(level, '1')) return { found: true, price: num(pr.liquidationPrice) };
  return { found: false, price: null };
}

interface Ctx {
  input: AccountForecastInput;
  warnings: string[];
}

/** σ of a symbol (never below its floor); `shrink` applies params.sigmaShrink to a measured σ only. */
function sigmaFor(ctx: Ctx, symbol: string, shrink = false): number {
  const s = ctx.input.market.sigma(symbol);
  const floor = symbolParams(ctx.input.params, symbol).volFloorPerMin;
  // The conservative fallback below is never shrunk: it stands in for a σ nobody has measured.
  if (s !== null && Number.isFinite(s) && s > 0) return shrink ? shrinkTowardFloor(Math.max(s, floor), floor, ctx.input.params.sigmaShrink) : Math.max(s, floor);
  const msg = `no price history for ${symbol} yet: using the conservative default volatility`;
  if (!ctx.warnings.includes(msg)) ctx.warnings.push(msg);
  return ctx.input.params.fallbackSigmaPerMin;
}

/**
 * The horizon σ of a symbol when the parameters ask for it (issue 12): a shock's variance decays with the
 * fast half-life instead of being carried for a day; never below the symbol's floor.
 */
function termStructure(ctx: Ctx, symbol: string, sigma: number): ((tMin: number) => number) | undefined {
  const { market, params } = ctx.input;
  if (!params.sigmaTermStructure || !market.sigmaAt) return undefined;
  const floor = symbolParams(params, symbol).volFloorPerMin;
  return (tMin) => {
    const s = market.sigmaAt!(symbol, tMin);
    return s !== null && Number.isFinite(s) && s > 0 ? shrinkTowardFloor(Math.max(s, floor), floor, params.sigmaShrink) : sigma;
  };
}

/**
 * Which way the price must move to reach this position's trigger: isolated follows the side; a cross
 * position follows the net exposure of its symbol in the cross book (hedge legs share one trigger).
 */
function adverseIsDown(ctx: Ctx, p: Position): boolean | null {
  if (p.marginMode === 'isolated') return p.side === 'long';
  let net = 0;
  for (const other of ctx.input.snapshot.positions) if (other.marginMode === 'cross' && other.symbol === p.symbol) net += signedQuantity(other);
  return net > 0 ? true : net < 0 ? false : null;
}

function forecastPosition(ctx: Ctx, p: Position, pr: PositionReport): PositionForecast {
  const { params, levels, nowMs } = ctx.input;
  const mark = num(p.markPrice)!;
  const sp = symbolParams(params, p.symbol);
  // Per-position barrier (like the term structure): σ's excess over the floor shrunk as scored (§8.19).
  const sigma = sigmaFor(ctx, p.symbol, true);
  const calibration = calibrationFor(params, [p.symbol]);
  const rate = num(p.fundingRate) ?? 0;
  const times = fundingTimes(p, nowMs, params.fundingIntervalMin);
  const out: LevelForecast[] = [];
  for (const level of levels) {
    const trigger = triggerPriceFor(pr, level);
    if (!trigger.found) {
      ctx.warnings.push(`no trigger price at level ${level} for ${p.symbol} in the margin report`);
      continue;
    }
    if (trigger.price === null || !(trigger.price > 0)) {
      // The engine says no price reaches this level (e.g. fully collateralised): nothing to forecast.
      out.push(forecastBarrier(level, { distance: Infinity, sigmaPerMin: sigma, funding: [], jumpsPerMin: 0 }, calibration));
      continue;
    }
    // A trigger on the wrong side of the mark for the exposure means it is already reached.
    const below = adverseIsDown(ctx, p) ?? trigger.price < mark;
    const distance = below ? Math.log(mark / trigger.price) : Math.log(trigger.price / mark);
    // Paying funding moves the trigger closer by about the rate (in log-price units).
    const payer = p.side === 'long' ? rate : -rate;
    const funding: FundingEvent[] = times.map((offsetMin) => ({ offsetMin, loss: payer }));
    const tail = below ? sp.tailDown : sp.tailUp;
    const barrier: BarrierInput = { distance: distance > 0 ? distance : 0, sigmaPerMin: sigma, funding, jumpsPerMin: jumpIntensity(tail, distance), sigmaAtHorizon: termStructure(ctx, p.symbol, sigma) };
    out.push(forecastBarrier(level, barrier, calibration));
  }
  return { symbol: p.symbol, positionSide: p.positionSide, levels: out };
}

/** D_k = E − k·MM with g_i = (q_i − sgn(q_i)·k·m_i)·S_i and σ_D² = gᵀΣg (FORECAST.md §1.2). */
function forecastCrossBook(ctx: Ctx, cross: { p: Position; pr: PositionReport }[], isolated: { p: Position; pr: PositionReport }[]): LevelForecast[] {
  const { report, params, levels, nowMs, market } = ctx.input;
  let equity = num(report.account.marginBalance) ?? 0;
  let mm = num(report.account.maintenanceMargin) ?? 0;
  // The account totals include isolated positions; the cross trigger concerns the cross pool only.
  for (const { p, pr } of isolated) {
    equity -= (num(p.isolatedMargin) ?? 0) + (num(pr.unrealizedPnl) ?? 0);
    mm -= num(pr.maintenanceMargin) ?? 0;
  }
  const n = cross.length;
  const symbols = cross.map(({ p }) => p.symbol);
  const sig = new Float64Array(n);
  const exposure = new Float64Array(n); // q_i·S_i
  const mmSens = new Float64Array(n); // m_i·|q_i|·S_i
  for (let i = 0; i < n; i++) {
    const { p, pr } = cross[i]!;
    const q = signedQuantity(p);
    const s = num(p.markPrice)!;
    exposure[i] = q * s;
    mmSens[i] = (num(pr.maintenanceRate) ?? 0) * Math.abs(q) * s;
    sig[i] = sigmaFor(ctx, p.symbol);
  }
  // Collateral whose price follows a cross symbol falls with it (wrong-way risk, issue 16): its value
  // sensitivity per log move (≈ −100 × the change for a 1 % fall, from the report) joins that symbol's.
  const collateralSens = new Float64Array(n);
  for (const risk of report.account.collateralRisk ?? []) {
    const i = symbols.indexOf(risk.symbol);
    if (i >= 0) collateralSens[i] = collateralSens[i]! - 100 * (num(risk.valuePerPercentFall) ?? 0);
  }
  const corr = (i: number, j: number): number => {
    if (i === j || symbols[i] === symbols[j]) return 1;
    const c = market.correlation(symbols[i]!, symbols[j]!);
    if (c !== null && Number.isFinite(c)) return c;
    const msg = `no common history for ${symbols[i]} and ${symbols[j]}: assuming correlation ${params.fallbackCorrelation}`;
    if (!ctx.warnings.includes(msg)) ctx.warnings.push(msg);
    return params.fallbackCorrelation;
  };
  // Funding: each settlement lowers D by rate·q·S (longs pay positive rates).
  const fundingByPosition = cross.map(({ p }) => ({ rate: num(p.fundingRate) ?? 0, times: fundingTimes(p, nowMs, params.fundingIntervalMin) }));
  const calibration = calibrationFor(params, symbols);
  const out: LevelForecast[] = [];
  for (const level of levels) {
    const lv = num(level);
    if (lv === null || !(lv > 0)) {
      ctx.warnings.push(`level ${level} is not a positive number`);
      continue;
    }
    const k = 1 / lv;
    const d = equity - k * mm;
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = exposure[i]! + collateralSens[i]! - k * mmSens[i]!;
    let varD = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) varD += g[i]! * g[j]! * corr(i, j) * sig[i]! * sig[j]!;
    // Tail: one symbol's jump alone can cover D (log move a_i = D/|g_i| in its adverse direction).
    let jumps = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i]!;
      if (gi === 0) continue;
      const sp = symbolParams(params, symbols[i]!);
      jumps += jumpIntensity(gi > 0 ? sp.tailDown : sp.tailUp, d > 0 ? d / Math.abs(gi) : 0);
    }
    const funding: FundingEvent[] = [];
    fundingByPosition.forEach(({ rate, times }, i) => {
      for (const offsetMin of times) funding.push({ offsetMin, loss: rate * exposure[i]! });
    });
    out.push(forecastBarrier(level, { distance: d, sigmaPerMin: Math.sqrt(Math.max(varD, 0)), funding, jumpsPerMin: jumps }, calibration));
  }
  return out;
}

/**
 * Account levels: the cross book's forecast (when it was reduced as a whole) and every position not
 * covered by it, worst of them per level.
 */
export function combineAccountLevels(input: AccountForecastInput, positions: readonly PositionForecast[], crossLevels: readonly LevelForecast[] | null): LevelForecast[] {
  const accountLevels: LevelForecast[] = [];
  for (const level of input.levels) {
    const candidates: LevelForecast[] = [];
    const c = crossLevels?.find((l) => l.level === level);
    if (c) candidates.push(c);
    positions.forEach((pf, i) => {
      // A multi-symbol cross book is covered by the reduction; its single positions would double count.
      if (crossLevels && input.snapshot.positions[i]?.marginMode === 'cross') return;
      const l = pf.levels.find((x) => x.level === level);
      if (l) candidates.push(l);
    });
    const worst = worstOf(level, candidates);
    if (worst) accountLevels.push(worst);
  }
  return accountLevels;
}

/** A cross book of linear positions in more than one symbol: the case for the 1-D reduction / v2. */
export function isMultiAssetCrossBook(snapshot: AccountSnapshot): boolean {
  const cross = snapshot.positions.filter((p) => p.marginMode === 'cross');
  return new Set(cross.map((p) => p.symbol)).size > 1 && cross.every((p) => p.contractType === 'linear');
}

/** v1 forecast of one account. Never throws on market gaps: it warns and stays conservative. */
export function forecastAccountV1(input: AccountForecastInput): AccountForecast {
  const { snapshot, report } = input;
  const ctx: Ctx = { input, warnings: [] };
  if (report.positions.length !== snapshot.positions.length) {
    ctx.warnings.push('margin report and snapshot disagree on the number of positions: no forecast');
    return { asOf: new Date(input.nowMs).toISOString(), model: 'v1-closed-form', levels: [], positions: [], warnings: ctx.warnings };
  }
  const pairs = snapshot.positions.map((p, i) => ({ p, pr: report.positions[i]! }));
  const positions = pairs.map(({ p, pr }) => forecastPosition(ctx, p, pr));

  const cross = pairs.filter(({ p }) => p.marginMode === 'cross');
  const isolated = pairs.filter(({ p }) => p.marginMode === 'isolated');
  const crossLinear = cross.every(({ p }) => p.contractType === 'linear');
  const crossSymbols = new Set(cross.map(({ p }) => p.symbol));
  let crossLevels: LevelForecast[] | null = null;
  if (cross.length > 0 && crossSymbols.size > 1) {
    if (crossLinear) crossLevels = forecastCrossBook(ctx, cross, isolated);
    else ctx.warnings.push('cross book with inverse contracts: account forecast uses the worst position');
  }

  const accountLevels = combineAccountLevels(input, positions, crossLevels);
  return { asOf: new Date(input.nowMs).toISOString(), model: 'v1-closed-form', levels: accountLevels, positions, warnings: ctx.warnings };
}
