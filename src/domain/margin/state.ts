// The engine's working model of a snapshot: every position valued at its mark, grouped into margin
// buckets (the cross account, or one bucket per isolated position), with bucket totals kept so that
// per-position results never loop over the other positions (O(n) per report, not O(n²)).
import type { AccountSnapshot, Position } from '../contracts';
import { Dec, ZERO, approxNumber, dec, sharedDec, sharedResult } from './decimal';
import { type DD, ddOf } from './doubleDouble';
import { type MaintenanceTerms, type Rulebook, type TierLookupInput, silent } from './rulebook';
import { rulebookFor } from './rulebooks';
import { optionMargins } from './rulebooks/deribit-options';
import {
  type CollateralRule,
  baseAssetOf,
  collateralRule,
  collateralValueAt,
  linkedSymbolOf,
} from './collateral';
import {
  type PmPosition,
  type PmResult,
  black76,
  impliedVol,
  portfolioMargin,
} from './rulebooks/deribit/portfolioMargin';

/**
 * One collateral entry of the cross account. A linked entry's price follows its symbol's mark in
 * proportion (price = price0 × mark / mark0): what-if shocks, the tick stream and the trigger solver
 * all move it with the position (wrong-way risk). Unlinked entries (stablecoins) keep their price.
 */
export interface CollateralState {
  readonly index: number;
  readonly rule: CollateralRule;
  readonly linkedSymbol: string | null;
  readonly price0: Dec;
  /** The linked symbol's mark in the snapshot (null when unlinked). */
  readonly mark0: Dec | null;
  price: Dec;
  value: Dec;
}

/** The collateral's price when its linked symbol's mark is `mark`. */
export function collateralPriceAt(c: CollateralState, mark: Dec): Dec {
  return c.mark0 === null ? c.price0 : c.price0.times(mark).div(c.mark0);
}

export interface Bucket {
  readonly kind: 'cross' | 'isolated';
  /** Cross: wallet balance + haircut collateral; isolated: the position's isolated margin. Excludes uPnL. */
  base: Dec;
  upnl: Dec;
  maintenance: Dec;
  fee: Dec;
  initial: Dec;
  readonly positions: PositionState[];
  /** Positions of one symbol move together when its mark moves (hedge legs share one LP). */
  readonly groups: Map<string, PositionState[]>;
}

export interface PositionState {
  readonly index: number;
  readonly position: Position;
  readonly sign: 1 | -1;
  readonly inverse: boolean;
  /** Absolute size in contracts. */
  readonly size: Dec;
  /** size × contractSize: base units (linear) or quote currency (inverse). */
  readonly qty: Dec;
  /** qty as a double, for the solver's filtered tier lookups only (never a figure). */
  readonly qtyApprox: number;
  readonly entry: Dec;
  /** Position value at entry: qty·EP (linear) or qty/EP (inverse). */
  readonly entryValue: Dec;
  readonly leverage: Dec;
  readonly feeRate: Dec;
  readonly valueAt: 'mark' | 'entry';
  readonly bucket: Bucket;
  /** Options: the underlying index the margins are taken at (moves in underlying scans), else null. */
  underlying: Dec | null;
  /** Options: years to expiry and the volatility to reprice at when the underlying moves, else null. */
  readonly optionModel: OptionModel | null;
  /** Base asset of the symbol (BTC for BTC-PERPETUAL and BTC options), for underlying moves. */
  readonly currency: string | null;
  /** Contracts of other positions counted with this one for the tier (OKX cross underlying), else 0. */
  tierContractsOthers: Dec;
  /** size + tierContractsOthers: the contracts the tier is looked up by (computed once, not per lookup). */
  tierContracts: Dec;
  mark: Dec;
  notional: Dec;
  upnl: Dec;
  initial: Dec;
  terms: MaintenanceTerms;
  maintenance: Dec;
  fee: Dec;
}

export interface OptionModel {
  readonly years: number;
  readonly iv: number;
}

export interface EngineState {
  readonly snapshot: AccountSnapshot;
  readonly rulebook: Rulebook;
  readonly cross: Bucket;
  readonly isolated: Bucket[];
  readonly positions: PositionState[];
  readonly bySymbol: Map<string, PositionState[]>;
  /** Collateral entries (all in the cross bucket's base). */
  readonly collateral: CollateralState[];
  /** Deribit portfolio margin of the cross book (marginModel "portfolio"), recomputed on every move. */
  portfolio: PmResult | null;
  readonly warnings: Set<string>;
  readonly warn: (message: string) => void;
  /**
   * The reference path: every decision the engine could take on doubles (tier filters, sign filters,
   * printing from approximations) is taken on the exact decimals instead. Same report, slower; the
   * property tests compare the two.
   */
  readonly exactOnly: boolean;
}

/** Absolute position value at `price` in the settle asset (linear: quote; inverse: coin). */
export function notionalAt(p: PositionState, price: Dec): Dec {
  return p.inverse ? p.qty.div(price) : p.qty.times(price);
}

/**
 * Unrealised PnL given the notional at `price`: linear side·qty·(P − EP) = side·(notional − qty·EP);
 * inverse side·qty·(1/EP − 1/P) = side·(qty/EP − notional) (BN-CM-FIELDS). Entry values are precomputed.
 */
function pnlFromNotional(p: PositionState, notional: Dec): Dec {
  const move = p.inverse ? p.entryValue.minus(notional) : notional.minus(p.entryValue);
  return p.sign === 1 ? move : move.neg();
}

/** The value maintenance is computed on: at the mark, or fixed at entry (Bybit classic isolated). */
export function maintenanceValueAt(p: PositionState, price: Dec): Dec {
  return p.valueAt === 'entry' ? p.entryValue : notionalAt(p, price);
}

export { silent };

/** A price the solver tries: a double close to it (≈1e-15 relative) and the exact value, made on demand. */
export interface CandidatePrice {
  readonly approx: number;
  exact(): Dec;
  /** Within QUOTIENT_ERROR (relative) of exact(), for printing (printApprox); null when unknown. */
  dd(): DD | null;
}

/** An exactly known price as a candidate (scanned prices): its double from its digits. */
export function exactPrice(value: Dec | null): CandidatePrice | null {
  return value === null ? null : { approx: approxNumber(value), exact: () => value, dd: () => ddOf(value) };
}

/**
 * Tier lookup input at a candidate price whose exact value is computed only if the rulebook reads it:
 * table lookups decide on `approxNotional` when no floor is near (tiers.ts), and OKX tiers go by
 * contracts, so most solver lookups need no 34-digit product (inverse: no division) at all.
 */
class LookupAtPrice implements TierLookupInput {
  private value: Dec | null = null;
  constructor(
    private readonly p: PositionState,
    private readonly price: CandidatePrice,
    private readonly exactOnly: boolean,
  ) {}
  get position(): Position {
    return this.p.position;
  }
  get contracts(): Dec {
    return this.p.tierContracts;
  }
  get notional(): Dec {
    this.value ??= maintenanceValueAt(this.p, this.price.exact());
    return this.value;
  }
  get approxNotional(): number | undefined {
    // Entry-valued maintenance (Bybit classic isolated) has its exact value precomputed already.
    if (this.p.valueAt === 'entry' || this.exactOnly) return undefined;
    const price = this.price.approx;
    return this.p.inverse ? this.p.qtyApprox / price : this.p.qtyApprox * price;
  }
}

/** Terms at a candidate price (solver): table warnings only matter at the mark, so none here. */
export function termsAt(state: EngineState, p: PositionState, price: CandidatePrice): MaintenanceTerms {
  return state.rulebook.maintenanceTerms(new LookupAtPrice(p, price, state.exactOnly), silent);
}

/** MM = value × rate − amount, never below zero (a table whose first floor is above 0 could go negative). */
export function maintenanceOf(value: Dec, terms: MaintenanceTerms): Dec {
  const mm = value.times(terms.rate).minus(terms.amount);
  return mm.isNegative() ? ZERO : mm;
}

function newBucket(kind: Bucket['kind'], base: Dec): Bucket {
  return {
    kind,
    base,
    upnl: ZERO,
    maintenance: ZERO,
    fee: ZERO,
    initial: ZERO,
    positions: [],
    groups: new Map(),
  };
}

/** Values one position at `price` (its mark) and stores the results on it. */
function valuePosition(state: EngineState, p: PositionState, price: Dec): void {
  if (p.position.option) {
    valueOption(p, price);
    return;
  }
  p.mark = price;
  p.notional = notionalAt(p, price);
  p.upnl = pnlFromNotional(p, p.notional);
  p.initial = p.notional.div(p.leverage);
  const value = p.valueAt === 'entry' ? p.entryValue : p.notional;
  p.terms = state.rulebook.maintenanceTerms(
    { position: p.position, notional: value, contracts: p.tierContracts },
    state.warn,
  );
  p.maintenance = maintenanceOf(value, p.terms);
  // value ≥ 0, so value × 0 is exactly ZERO: skip the multiplication on venues without a fee.
  p.fee = p.feeRate.isZero() ? ZERO : value.times(p.feeRate);
}

/**
 * Options (Deribit, DRB-OPT-STD): mark and entry are premiums in coin per unit of underlying; value =
 * qty × premium, uPnL = side × qty × (mark − entry), margins per unit of underlying × qty. The report's
 * maintenanceRate is then MM per unit of underlying (amount 0).
 */
function valueOption(p: PositionState, price: Dec): void {
  const option = p.position.option!;
  const margins = optionMargins(option, p.position.side, price, p.underlying ?? undefined);
  p.mark = price;
  p.notional = p.qty.times(price);
  const move = p.qty.times(price.minus(p.entry));
  p.upnl = p.sign === 1 ? move : move.neg();
  p.initial = p.qty.times(margins.initial);
  p.terms = { rate: margins.maintenance, amount: ZERO, maxLeverage: null, key: 'option' };
  p.maintenance = p.qty.times(margins.maintenance);
  p.fee = ZERO;
}

function addToBucket(p: PositionState, direction: 1 | -1): void {
  const b = p.bucket;
  // A fee of ZERO (venues without one) changes nothing: b.fee starts at +0 and only ever holds sums of
  // non-negative fees, so b.fee ± 0 is b.fee itself (no −0 to turn into +0).
  const fee = p.fee !== ZERO;
  if (direction === 1) {
    b.upnl = b.upnl.plus(p.upnl);
    b.maintenance = b.maintenance.plus(p.maintenance);
    if (fee) b.fee = b.fee.plus(p.fee);
    b.initial = b.initial.plus(p.initial);
  } else {
    b.upnl = b.upnl.minus(p.upnl);
    b.maintenance = b.maintenance.minus(p.maintenance);
    if (fee) b.fee = b.fee.minus(p.fee);
    b.initial = b.initial.minus(p.initial);
  }
}

function buildCollateral(snapshot: AccountSnapshot): CollateralState[] {
  return (snapshot.collateral ?? []).map((entry, index) => {
    const linkedSymbol = linkedSymbolOf(entry, snapshot.positions);
    const linked =
      linkedSymbol === null ? undefined : snapshot.positions.find((p) => p.symbol === linkedSymbol);
    const rule = collateralRule(entry);
    const price0 = dec(entry.price);
    return {
      index,
      rule,
      linkedSymbol,
      price0,
      mark0: linked ? dec(linked.markPrice) : null,
      price: price0,
      value: collateralValueAt(rule, price0),
    };
  });
}

export function buildState(snapshot: AccountSnapshot, exactOnly = false): EngineState {
  const rulebook = rulebookFor(snapshot.venue);
  const warnings = new Set<string>();
  const warn = (message: string): void => {
    warnings.add(message);
  };
  const collateral = buildCollateral(snapshot);
  let base = dec(snapshot.crossWalletBalance);
  for (const c of collateral) base = base.plus(c.value);
  const cross = newBucket('cross', base);
  const state: EngineState = {
    snapshot,
    rulebook,
    cross,
    isolated: [],
    positions: [],
    bySymbol: new Map(),
    collateral,
    portfolio: null,
    warnings,
    warn,
    exactOnly,
  };

  snapshot.positions.forEach((position, index) => {
    if (!rulebook.contractTypes.includes(position.contractType)) {
      warn(
        `${position.symbol}: ${snapshot.venue} does not list ${position.contractType} contracts; computed with the ${position.contractType} formulas`,
      );
    }
    if (rulebook.feeInTrigger && position.takerFeeRate === undefined) {
      warn(
        `${position.symbol}: takerFeeRate missing; ${snapshot.venue}'s liquidation trigger includes the closing fee, computed without it`,
      );
    }
    let bucket = cross;
    if (position.marginMode === 'isolated') {
      if (position.isolatedMargin === undefined)
        warn(`${position.symbol}: isolated position without isolatedMargin; used 0`);
      bucket = newBucket('isolated', dec(position.isolatedMargin ?? '0'));
      state.isolated.push(bucket);
    }
    // Size and entry repeat from one snapshot of an account to the next (only marks move): read once.
    const size = sharedDec(position.size);
    const qty = sharedResult('times', size, sharedDec(position.contractSize));
    const entry = sharedDec(position.entryPrice);
    const inverse = position.contractType === 'inverse';
    const p: PositionState = {
      index,
      position,
      sign: position.side === 'long' ? 1 : -1,
      inverse,
      size,
      qty,
      qtyApprox: approxNumber(qty),
      entry,
      entryValue: sharedResult(inverse ? 'div' : 'times', qty, entry),
      leverage: sharedDec(position.leverage),
      feeRate: rulebook.feeRate(position),
      valueAt: rulebook.maintenanceValueAt(position),
      bucket,
      underlying: position.option ? dec(position.option.underlyingPrice) : null,
      optionModel: position.option ? optionModelOf(snapshot, position, warn) : null,
      currency: baseAssetOf(position.symbol),
      tierContractsOthers: ZERO,
      tierContracts: size,
      mark: ZERO,
      notional: ZERO,
      upnl: ZERO,
      initial: ZERO,
      terms: { rate: ZERO, amount: ZERO, maxLeverage: null, key: '' },
      maintenance: ZERO,
      fee: ZERO,
    };
    bucket.positions.push(p);
    const group = bucket.groups.get(position.symbol);
    if (group) group.push(p);
    else bucket.groups.set(position.symbol, [p]);
    const same = state.bySymbol.get(position.symbol);
    if (same) same.push(p);
    else state.bySymbol.set(position.symbol, [p]);
    state.positions.push(p);
  });
  sumTierContracts(state);
  if (state.positions.some((p) => p.position.option && p.position.marginMode === 'cross')) {
    warn(
      'options: trigger and liquidation prices of option books are found by scanning the underlying (futures and options of the currency move together, options repriced with Black-76); an option position reports them as underlying index prices',
    );
  }
  for (const p of state.positions) {
    valuePosition(state, p, dec(p.position.markPrice));
    addToBucket(p, 1);
  }
  applyPortfolio(state);
  return state;
}

/** Years to expiry and the volatility (given, or implied from the mark premium) of one option. */
function optionModelOf(
  snapshot: AccountSnapshot,
  position: Position,
  warn: (m: string) => void,
): OptionModel {
  const option = position.option!;
  const asOf = Date.parse(snapshot.asOf);
  const expiry = option.expiry === undefined ? Number.NaN : Date.parse(option.expiry);
  const years = Number.isFinite(expiry) ? Math.max(0, (expiry - asOf) / (365 * 86_400_000)) : 0;
  if (option.expiry === undefined)
    warn(`${position.symbol}: option expiry missing; repriced at intrinsic value when the underlying moves`);
  const underlying = Number(option.underlyingPrice);
  const iv =
    option.markIv !== undefined
      ? Number(option.markIv)
      : impliedVol(
          option.type,
          underlying,
          Number(option.strike),
          years,
          Number(position.markPrice) * underlying,
        );
  return { years, iv };
}

/**
 * Deribit portfolio margin (marginModel "portfolio"): the cross bucket's maintenance and initial
 * margin are the portfolio's, not the sum of the positions' standard figures (which stay on the
 * positions for display).
 */
function applyPortfolio(state: EngineState): void {
  if (state.snapshot.marginModel !== 'portfolio') return;
  const book: PmPosition[] = [];
  let underlying: Dec | null = null;
  for (const p of state.cross.positions) {
    if (!p.inverse) continue;
    if (p.position.option) {
      underlying ??= p.underlying;
      const option = p.position.option;
      book.push({
        kind: 'option',
        sign: p.sign,
        qty: p.qty,
        type: option.type,
        strike: dec(option.strike),
        years: p.optionModel!.years,
        iv: p.optionModel!.iv,
        expiry: option.expiry ?? '',
      });
    } else {
      book.push({ kind: 'future', sign: p.sign, usd: p.qty, mark: p.mark });
    }
  }
  underlying ??= state.cross.positions.find((p) => p.inverse)?.mark ?? null;
  if (underlying === null) return;
  const pm = portfolioMargin(book, underlying);
  state.portfolio = pm;
  state.cross.maintenance = pm.maintenance;
  state.cross.initial = pm.initial;
  state.cross.fee = ZERO;
}

/**
 * Moves the underlying of `currency` to `price` (relative to `from`): futures marks move in proportion,
 * options are repriced (Black-76 at their volatility) and margined at the new underlying.
 */
export function moveUnderlying(state: EngineState, currency: string, from: Dec, price: Dec): void {
  const factor = price.div(from);
  for (const p of state.positions) {
    if (p.currency !== currency || !p.inverse) continue;
    addToBucket(p, -1);
    if (p.position.option) {
      const model = p.optionModel!;
      const usd = black76(
        p.position.option.type,
        price.toNumber(),
        Number(p.position.option.strike),
        model.years,
        model.iv,
      );
      p.underlying = price;
      valuePosition(state, p, new Dec((usd / price.toNumber()).toPrecision(15)));
    } else {
      valuePosition(state, p, dec(p.position.markPrice).times(factor));
    }
    addToBucket(p, 1);
  }
  applyPortfolio(state);
}

/** OKX cross tiers count all cross positions of one underlying together (MARGIN-FORMULAS.md §4.3). */
function sumTierContracts(state: EngineState): void {
  const keyOf = state.rulebook.crossTierGroup;
  if (!keyOf) return;
  const totals = new Map<string, Dec>();
  for (const p of state.cross.positions) {
    const key = keyOf(p.position);
    totals.set(key, (totals.get(key) ?? ZERO).plus(p.size));
  }
  for (const p of state.cross.positions) {
    p.tierContractsOthers = totals.get(keyOf(p.position))!.minus(p.size);
    p.tierContracts = p.size.plus(p.tierContractsOthers);
  }
}

/** Moves one symbol's mark and updates only the buckets it touches: O(positions of that symbol). */
export function moveMark(state: EngineState, symbol: string, price: Dec): boolean {
  const affected = state.bySymbol.get(symbol);
  if (!affected) return false;
  for (const p of affected) {
    addToBucket(p, -1);
    valuePosition(state, p, price);
    addToBucket(p, 1);
  }
  applyPortfolio(state);
  for (const c of state.collateral) {
    if (c.linkedSymbol !== symbol) continue;
    c.price = collateralPriceAt(c, price);
    const value = collateralValueAt(c.rule, c.price);
    state.cross.base = state.cross.base.minus(c.value).plus(value);
    c.value = value;
  }
  return true;
}

/** Collateral entries whose price follows `symbol`'s mark. */
export function collateralLinkedTo(state: EngineState, symbol: string): CollateralState[] {
  return state.collateral.filter((c) => c.linkedSymbol === symbol);
}

export function allBuckets(state: EngineState): Bucket[] {
  return state.cross.positions.length > 0 ? [state.cross, ...state.isolated] : state.isolated;
}

/** A bucket's margin balance and requirement, computed once per report and shared by every position. */
export interface BucketTotals {
  readonly balance: Dec;
  readonly requirement: Dec;
}

export function bucketTotals(b: Bucket): BucketTotals {
  return { balance: marginBalanceOf(b), requirement: requirementOf(b) };
}

export function marginBalanceOf(b: Bucket): Dec {
  return b.base.plus(b.upnl);
}

/** What the bucket must keep to avoid liquidation: maintenance plus any liquidation fee. */
export function requirementOf(b: Bucket): Dec {
  return b.maintenance.plus(b.fee);
}
