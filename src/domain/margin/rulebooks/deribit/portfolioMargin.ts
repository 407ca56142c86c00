// Deribit portfolio margin, segregated per currency (S:PM) — DRB-PM (MARGIN-FORMULAS.md §7.3).
//
// The book of one currency (inverse futures and options, all in coin) is revalued under every
// scenario of a grid: the underlying moves by −range … +range in 2·buckets evenly spaced steps (with
// 0), and at each move the implied volatility is shocked up, kept, and shocked down. The worst loss
// is the risk; IM = risk + contingency, MM = mm_factor × IM. Parameters: pm-params.json (provenance
// there). Verified: the grid shape and parameter values (official). Unverified: the vol-shock formula
// (third party), MM = mm_factor × IM, and the contingency (the old official page's documented rule);
// the extended table (−66 % … +500 %, vol up, dampened) is not modelled — its weighting is not published.
//
// Option values come from Black-76 on the underlying in double precision (a model price, like a
// statistic): each scenario P&L is brought back into decimal at 15 significant digits.
import { normCdf } from '../../../forecast/normal';
import { Dec, ZERO } from '../../decimal';
import params from './pm-params.json';

export interface PmParams {
  readonly priceRange: Dec;
  readonly buckets: number;
  readonly volRangeUp: number;
  readonly volRangeDown: number;
  readonly minVolForShockUp: number;
  readonly shortTermVegaPower: number;
  readonly longTermVegaPower: number;
  readonly mmFactor: Dec;
  readonly optionContingencyPerNetShort: Dec;
  readonly offsettingFuturesContingency: Dec;
}

const raw = params.btc_usd;
export const DERIBIT_PM_PARAMS: PmParams = {
  priceRange: new Dec(raw.price_range),
  buckets: raw.buckets_count,
  volRangeUp: Number(raw.volatility_range_up),
  volRangeDown: Number(raw.volatility_range_down),
  minVolForShockUp: Number(raw.min_volatility_for_shock_up),
  shortTermVegaPower: Number(raw.short_term_vega_power),
  longTermVegaPower: Number(raw.long_term_vega_power),
  mmFactor: new Dec(raw.mm_factor),
  optionContingencyPerNetShort: new Dec(raw.option_contingency_per_net_short),
  offsettingFuturesContingency: new Dec(raw.offsetting_futures_contingency),
};

/** An inverse future: `usd` contracts' face value, moving with the underlying by the same factor. */
export interface PmFuture {
  readonly kind: 'future';
  readonly sign: 1 | -1;
  readonly usd: Dec;
  readonly mark: Dec;
}

/** An inverse option: `qty` units of underlying, valued at Black-76 (premium in coin = USD value / U). */
export interface PmOption {
  readonly kind: 'option';
  readonly sign: 1 | -1;
  readonly qty: Dec;
  readonly type: 'call' | 'put';
  readonly strike: Dec;
  /** Years to expiry. */
  readonly years: number;
  /** Implied volatility as a fraction (Deribit's mark_iv / 100). */
  readonly iv: number;
  /** Expiry label, so that calls and puts of one strike and expiry net for the contingency. */
  readonly expiry: string;
}

export type PmPosition = PmFuture | PmOption;

export type VolScenario = 'up' | 'same' | 'down';

export interface PmResult {
  /** Worst scenario loss (≥ 0), coin. */
  readonly risk: Dec;
  readonly contingency: Dec;
  readonly initial: Dec;
  readonly maintenance: Dec;
  /** The scenario that gave the risk (null when no scenario loses). */
  readonly worst: { readonly move: Dec; readonly vol: VolScenario } | null;
}

/** Black-76 value in quote currency (forward = underlying index, no discounting). */
export function black76(
  type: 'call' | 'put',
  forward: number,
  strike: number,
  years: number,
  vol: number,
): number {
  const intrinsic = type === 'call' ? Math.max(0, forward - strike) : Math.max(0, strike - forward);
  if (!(years > 0) || !(vol > 0)) return intrinsic;
  const sd = vol * Math.sqrt(years);
  const d1 = (Math.log(forward / strike) + (sd * sd) / 2) / sd;
  const d2 = d1 - sd;
  return type === 'call'
    ? forward * normCdf(d1) - strike * normCdf(d2)
    : strike * normCdf(-d2) - forward * normCdf(-d1);
}

/** Volatility at which Black-76 gives `value` (bisection); 0 when the value is at or below intrinsic. */
export function impliedVol(
  type: 'call' | 'put',
  forward: number,
  strike: number,
  years: number,
  value: number,
): number {
  if (!(years > 0) || !(value > black76(type, forward, strike, years, 0))) return 0;
  let lo = 0;
  let hi = 10;
  if (black76(type, forward, strike, years, hi) < value) return hi;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (black76(type, forward, strike, years, mid) < value) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Shocked volatility; DTE is floored at one day so (30/DTE)^power stays finite. */
export function shockedVol(
  iv: number,
  years: number,
  scenario: VolScenario,
  p: PmParams = DERIBIT_PM_PARAMS,
): number {
  if (scenario === 'same') return iv;
  const days = Math.max(1, years * 365);
  const power = days < 30 ? p.shortTermVegaPower : p.longTermVegaPower;
  const factor = (30 / days) ** power;
  if (scenario === 'up') return Math.max(iv * (1 + p.volRangeUp * factor), p.minVolForShockUp);
  return iv * Math.max(0.01, 1 - p.volRangeDown * factor);
}

/** Option value in coin at underlying U and vol σ. */
function optionCoin(o: PmOption, underlying: number, vol: number): number {
  return black76(o.type, underlying, o.strike.toNumber(), o.years, vol) / underlying;
}

const toDec = (x: number): Dec => new Dec(x.toPrecision(15));

/** P&L in coin of the book when the underlying moves by `move` (relative) under a vol scenario. */
export function scenarioPnl(
  positions: readonly PmPosition[],
  underlying: Dec,
  move: Dec,
  vol: VolScenario,
  p: PmParams = DERIBIT_PM_PARAMS,
): Dec {
  const factor = move.plus(1);
  let total = ZERO;
  let optionPnl = 0;
  const u0 = underlying.toNumber();
  const u1 = underlying.times(factor).toNumber();
  for (const x of positions) {
    if (x.kind === 'future') {
      // Inverse: side × usd × (1/F − 1/F') — exact decimal.
      const change = x.usd.div(x.mark).minus(x.usd.div(x.mark.times(factor)));
      total = x.sign === 1 ? total.plus(change) : total.minus(change);
    } else {
      const change = optionCoin(x, u1, shockedVol(x.iv, x.years, vol, p)) - optionCoin(x, u0, x.iv);
      optionPnl += x.sign * x.qty.toNumber() * change;
    }
  }
  return optionPnl === 0 ? total : total.plus(toDec(optionPnl));
}

/** The moves of the standard grid: −range … +range in 2·buckets steps (0 included). */
export function priceMoves(p: PmParams = DERIBIT_PM_PARAMS): Dec[] {
  const moves: Dec[] = [];
  for (let k = -p.buckets; k <= p.buckets; k++) moves.push(p.priceRange.times(k).div(p.buckets));
  return moves;
}

/**
 * Contingency (old official page, with its two examples): per expiry and strike, calls and puts net,
 * and each net short option adds 0.01 coin; offsetting futures (the smaller of the long and short coin
 * amounts) add 1 % of their value.
 */
export function contingency(
  positions: readonly PmPosition[],
  underlying: Dec,
  p: PmParams = DERIBIT_PM_PARAMS,
): Dec {
  const net = new Map<string, Dec>();
  let longCoin = ZERO;
  let shortCoin = ZERO;
  for (const x of positions) {
    if (x.kind === 'option') {
      const key = `${x.expiry}|${x.strike.toFixed()}`;
      const signed = x.sign === 1 ? x.qty : x.qty.neg();
      net.set(key, (net.get(key) ?? ZERO).plus(signed));
    } else {
      const coin = x.usd.div(underlying);
      if (x.sign === 1) longCoin = longCoin.plus(coin);
      else shortCoin = shortCoin.plus(coin);
    }
  }
  let total = ZERO;
  for (const q of net.values())
    if (q.isNegative()) total = total.plus(q.neg().times(p.optionContingencyPerNetShort));
  return total.plus(Dec.min(longCoin, shortCoin).times(p.offsettingFuturesContingency));
}

export function portfolioMargin(
  positions: readonly PmPosition[],
  underlying: Dec,
  p: PmParams = DERIBIT_PM_PARAMS,
): PmResult {
  let worstPnl = ZERO;
  let worst: PmResult['worst'] = null;
  for (const move of priceMoves(p)) {
    for (const vol of ['up', 'same', 'down'] as const) {
      const pnl = scenarioPnl(positions, underlying, move, vol, p);
      if (pnl.lt(worstPnl)) {
        worstPnl = pnl;
        worst = { move, vol };
      }
    }
  }
  const risk = worstPnl.neg();
  const extra = contingency(positions, underlying, p);
  const initial = risk.plus(extra);
  return { risk, contingency: extra, initial, maintenance: initial.times(p.mmFactor), worst };
}
