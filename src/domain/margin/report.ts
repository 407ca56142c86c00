// AccountSnapshot → MarginReport. Venue-free: every venue rule comes from the snapshot's rulebook.
import type {
  AccountReport,
  AccountSnapshot,
  EngineOptions,
  MarginReport,
  PositionReport,
  TriggerPrice,
} from '../contracts';
import { REPORT_SCHEMA } from '../contracts';
import { type BucketTarget, bucketTarget, reduceToTargetFor, topUpFor } from './actions';
import { Dec, ONE, type PrintRule, ZERO, printWith } from './decimal';
import { ddAdd, ddDiv, ddNeg, ddOf } from './doubleDouble';
import { QUOTIENT_ERROR, printApprox } from './printApprox';
import { findDiscrepancy } from './discrepancy';
import type { MaintenanceTerms } from './rulebook';
import { type ResolvedOptions, resolveOptions } from './options';
import { collateralReport } from './collateralReport';
import { measureAt, scanLevels } from './scan';
import { bankruptcyPrice, prepareGroup, priceAtLevel } from './solve';
import {
  type Bucket,
  type BucketTotals,
  type CandidatePrice,
  type EngineState,
  type PositionState,
  allBuckets,
  buildState,
  bucketTotals,
  collateralLinkedTo,
  exactPrice,
  marginBalanceOf,
  moveMark,
  moveUnderlying,
} from './state';

/**
 * Normalised ratios saturate here (100,000 %). A margin balance ≤ 0 has no finite ratio; reporting the
 * cap instead of null keeps "ratio ≥ level" comparisons working for every consumer (never NaN/∞).
 */
export const MAX_MARGIN_RATIO = new Dec(1000);

/** Normalised ratio of one bucket: requirement / margin balance, saturating at MAX_MARGIN_RATIO. */
export function bucketRatio(b: Bucket): Dec {
  return ratioOf(bucketTotals(b));
}

function ratioOf({ requirement, balance }: BucketTotals): Dec {
  if (requirement.isZero()) return ZERO;
  if (!balance.isPositive() || balance.isZero()) return MAX_MARGIN_RATIO;
  const ratio = requirement.div(balance);
  return ratio.gt(MAX_MARGIN_RATIO) ? MAX_MARGIN_RATIO : ratio;
}

interface GroupResult {
  liquidation: CandidatePrice | null;
  /** Printed once per symbol group (hedge legs share them; a level-1 trigger is the liquidation price). */
  liquidationText: string | null;
  bankruptcyText: string | null;
  triggerPrices: TriggerPrice[];
}

/** What every position of one bucket shares, computed once per report. */
interface BucketContext {
  readonly totals: BucketTotals;
  readonly atTarget: BucketTarget;
  readonly ratioText: string;
}

function bucketContext(state: EngineState, bucket: Bucket, opts: ResolvedOptions): BucketContext {
  const totals = bucketTotals(bucket);
  return {
    totals,
    atTarget: bucketTarget(totals, opts.target),
    ratioText: printWith(state.rulebook.print, ratioOf(totals)),
  };
}

function printOrNull(rule: PrintRule, value: Dec | null): string | null {
  return value === null ? null : printWith(rule, value);
}

/**
 * A price that is printed and used for nothing else: from its double-double when that decides the text
 * (printApprox), else from the exact 34-digit value, as the reference path always does.
 */
function printPrice(state: EngineState, price: CandidatePrice | null): string | null {
  if (price === null) return null;
  const rule = state.rulebook.print;
  const value = state.exactOnly ? null : price.dd();
  const text = value === null ? null : printApprox(rule, value, Math.abs(value.hi) * QUOTIENT_ERROR);
  return text ?? printWith(rule, price.exact());
}

/**
 * (liquidation − mark) / mark, printed. On double-doubles: the liquidation price within QUOTIENT_ERROR,
 * the mark as read (a few 2^-104), so the difference is off by at most QUOTIENT_ERROR·(|L| + |M|), the
 * quotient by that over |M|, plus its own roundings (QUOTIENT_ERROR·|d| covers them).
 */
function printDistance(state: EngineState, liquidation: CandidatePrice | null, mark: Dec): string | null {
  if (liquidation === null) return null;
  const rule = state.rulebook.print;
  const l = state.exactOnly ? null : liquidation.dd();
  const m = l === null ? null : ddOf(mark);
  if (l !== null && m !== null) {
    const d = ddDiv(ddAdd(l, ddNeg(m)), m);
    const error = QUOTIENT_ERROR * ((Math.abs(l.hi) + Math.abs(m.hi)) / Math.abs(m.hi) + Math.abs(d.hi));
    const text = printApprox(rule, d, error);
    if (text !== null) return text;
  }
  return printWith(rule, liquidation.exact().minus(mark).div(mark));
}

/** Liquidation, trigger and bankruptcy prices of one symbol group, before printing. */
interface GroupPrices {
  liquidation: CandidatePrice | null;
  triggers: (CandidatePrice | null)[];
  bankruptcy: CandidatePrice | null;
}

function closedFormPrices(
  state: EngineState,
  totals: BucketTotals,
  group: PositionState[],
  opts: ResolvedOptions,
  linked: ReturnType<typeof collateralLinkedTo>,
): GroupPrices {
  const prepared = prepareGroup(totals, group, linked, state.exactOnly);
  const liquidation = priceAtLevel(state, prepared, ONE);
  const triggers = opts.levels.map((level) =>
    level.isLiquidation ? liquidation : priceAtLevel(state, prepared, level.value),
  );
  return { liquidation, triggers, bankruptcy: bankruptcyPrice(prepared) };
}

/**
 * Inverse contracts whose cross collateral follows the same coin: MB = wallet + c·P + f(1/P) is not
 * linear in 1/P, so the levels are found by scanning the mark (scan.ts).
 */
function scannedPrices(state: EngineState, group: PositionState[], opts: ResolvedOptions): GroupPrices {
  const first = group[0]!;
  const symbol = first.position.symbol;
  const bucket = first.bucket;
  const at = <T>(price: Dec, measure: () => T): T =>
    measureAt(state, state.bySymbol.get(symbol)!, (quiet, p) => moveMark(quiet, symbol, p), price, measure);
  const levels = [ONE, ...opts.levels.map((l) => l.value)];
  const [liquidation, ...triggers] = scanLevels((p) => at(p, () => bucketRatio(bucket)), first.mark, levels).map(
    exactPrice,
  );
  const [bankruptcy] = scanLevels((p) => at(p, () => marginBalanceOf(bucket)), first.mark, [ZERO]).map(exactPrice);
  return { liquidation: liquidation ?? null, triggers, bankruptcy: bankruptcy ?? null };
}

/** The underlying's price in the snapshot: an option's index price, else the future's own mark. */
function snapshotUnderlying(state: EngineState, currency: string): Dec | null {
  let future: Dec | null = null;
  for (const p of state.positions) {
    if (p.currency !== currency || !p.inverse) continue;
    if (p.position.option) return new Dec(p.position.option.underlyingPrice);
    future ??= new Dec(p.position.markPrice);
  }
  return future;
}

/** Deribit cross books with options or under portfolio margin: one underlying moves every leg. */
function scansUnderlying(state: EngineState, first: PositionState): boolean {
  if (state.snapshot.venue !== 'deribit' || first.bucket.kind !== 'cross' || !first.inverse) return false;
  if (state.portfolio !== null) return true;
  return state.positions.some(
    (p) => p.position.option && p.currency === first.currency && p.bucket === first.bucket,
  );
}

/**
 * Option books (standard or portfolio margin): the underlying is scanned with every future and option
 * of the currency moved together (options repriced, Black-76). A future's prices are its own mark at
 * that underlying; an option's are the underlying (index) price itself.
 */
function underlyingPrices(
  state: EngineState,
  group: PositionState[],
  opts: ResolvedOptions,
): GroupPrices | null {
  const first = group[0]!;
  const currency = first.currency;
  const from = currency === null ? null : snapshotUnderlying(state, currency);
  if (currency === null || from === null) return null;
  const moved = state.positions.filter((p) => p.currency === currency && p.inverse);
  const at = <T>(price: Dec, measure: () => T): T =>
    measureAt(state, moved, (quiet, u) => moveUnderlying(quiet, currency, from, u), price, measure);
  const bucket = first.bucket;
  const levels = [ONE, ...opts.levels.map((l) => l.value)];
  const current = first.position.option ? (first.underlying ?? from) : from;
  const found = scanLevels((u) => at(u, () => bucketRatio(bucket)), current, levels);
  const [bankrupt] = scanLevels((u) => at(u, () => marginBalanceOf(bucket)), current, [ZERO]);
  // Underlying → this position's own price scale (futures: mark ∝ underlying).
  const scale = first.position.option ? null : new Dec(first.position.markPrice).div(from);
  const own = (u: Dec | null | undefined): CandidatePrice | null =>
    exactPrice(u == null ? null : scale ? u.times(scale) : u);
  const [liquidation, ...triggers] = found.map(own);
  return { liquidation: liquidation ?? null, triggers, bankruptcy: own(bankrupt) };
}

function solveGroup(
  state: EngineState,
  totals: BucketTotals,
  group: PositionState[],
  opts: ResolvedOptions,
): GroupResult {
  const first = group[0]!;
  const linked = first.bucket.kind === 'cross' ? collateralLinkedTo(state, first.position.symbol) : [];
  const scanned = scansUnderlying(state, first) ? underlyingPrices(state, group, opts) : null;
  const { liquidation, triggers, bankruptcy } =
    scanned ??
    (linked.length > 0 && first.inverse && !first.position.option
      ? scannedPrices(state, group, opts)
      : closedFormPrices(state, totals, group, opts, linked));
  const liquidationText = printPrice(state, liquidation);
  const triggerPrices: TriggerPrice[] = [];
  for (let i = 0; i < opts.levels.length; i++) {
    const price = triggers[i] ?? null;
    triggerPrices.push({
      level: opts.levels[i]!.text,
      price: price === liquidation ? liquidationText : printPrice(state, price),
    });
  }
  return {
    liquidation,
    liquidationText,
    bankruptcyText: printPrice(state, bankruptcy),
    triggerPrices,
  };
}

/**
 * The bucket the account figures describe: the cross account when it holds positions (what the
 * forecast and the alerts watch), otherwise the isolated position closest to liquidation. Isolated
 * positions in a cross account are watched through their own liquidation/trigger prices.
 */
function headlineBucket(state: EngineState): Bucket | null {
  if (state.cross.positions.length > 0) return state.cross;
  let worst: Bucket | null = null;
  let worstRatio = ZERO;
  for (const b of state.isolated) {
    const r = bucketRatio(b);
    if (worst === null || r.gt(worstRatio)) {
      worst = b;
      worstRatio = r;
    }
  }
  return worst;
}

function warnPastLiquidation(state: EngineState): void {
  for (const b of allBuckets(state)) {
    const balance = marginBalanceOf(b);
    if (balance.isPositive() && !balance.isZero()) continue;
    const where =
      b.kind === 'cross' ? 'the cross account' : `isolated ${b.positions[0]?.position.symbol ?? ''}`;
    state.warn(
      `margin balance of ${where} is zero or negative: past liquidation (ratio reported as ${MAX_MARGIN_RATIO.toFixed()})`,
    );
  }
}

export function accountReport(state: EngineState, opts: ResolvedOptions): AccountReport {
  const print = (d: Dec): string => printWith(state.rulebook.print, d);
  let wallet = state.cross.base;
  let upnl = state.cross.upnl;
  let initial = state.cross.initial;
  let maintenance = state.cross.maintenance;
  for (const b of state.isolated) {
    wallet = wallet.plus(b.base);
    upnl = upnl.plus(b.upnl);
    initial = initial.plus(b.initial);
    maintenance = maintenance.plus(b.maintenance);
  }
  const available = marginBalanceOf(state.cross).minus(state.cross.initial);
  warnPastLiquidation(state);
  const bucket = headlineBucket(state);
  const ratio = bucket ? bucketRatio(bucket) : ZERO;
  const topUp = bucket ? topUpFor(bucket, opts.target) : ZERO;
  const venueRatio = bucket
    ? state.rulebook.venueMarginRatio({
        marginBalance: marginBalanceOf(bucket),
        maintenanceMargin: bucket.maintenance,
        fee: bucket.fee,
      })
    : null;
  return {
    walletBalance: print(wallet),
    unrealizedPnl: print(upnl),
    marginBalance: print(wallet.plus(upnl)),
    initialMargin: print(initial),
    maintenanceMargin: print(maintenance),
    availableBalance: print(available.isPositive() ? available : ZERO),
    marginRatio: print(ratio),
    venueMarginRatio: venueRatio === null ? null : print(venueRatio),
    topUpToTarget: print(topUp),
    ...collateralReport(state),
  };
}

/** Tier terms are shared by every position in the same tier: print each tier's rate and amount once. */
type PrintedTerms = Map<MaintenanceTerms, { rate: string; amount: string }>;

function printedTerms(
  printed: PrintedTerms,
  rule: PrintRule,
  terms: MaintenanceTerms,
): { rate: string; amount: string } {
  let text = printed.get(terms);
  if (!text) {
    text = { rate: printWith(rule, terms.rate), amount: printWith(rule, terms.amount) };
    printed.set(terms, text);
  }
  return text;
}

function positionReport(
  state: EngineState,
  p: PositionState,
  group: GroupResult,
  opts: ResolvedOptions,
  bucket: BucketContext,
  printed: PrintedTerms,
): PositionReport {
  const rule = state.rulebook.print;
  const liquidation = group.liquidation;
  // The bucket's ratio is only needed to cross-check a reported one (divisions are the dear part).
  const reportedRatio = p.position.reported?.marginRatio !== undefined;
  const venueRatio = reportedRatio
    ? state.rulebook.venueMarginRatio({
        marginBalance: bucket.totals.balance,
        maintenanceMargin: p.bucket.maintenance,
        fee: p.bucket.fee,
      })
    : null;
  const ratio = reportedRatio && venueRatio === null ? ratioOf(bucket.totals) : null;
  return {
    symbol: p.position.symbol,
    positionSide: p.position.positionSide,
    marginMode: p.position.marginMode,
    notional: printWith(rule, p.notional),
    unrealizedPnl: printWith(rule, p.upnl),
    initialMargin: printWith(rule, p.initial),
    maintenanceRate: printedTerms(printed, rule, p.terms).rate,
    maintenanceAmount: printedTerms(printed, rule, p.terms).amount,
    maintenanceMargin: printWith(rule, p.maintenance),
    liquidationPrice: group.liquidationText,
    bankruptcyPrice: group.bankruptcyText,
    distanceToLiquidation: printDistance(state, liquidation, p.mark),
    reduceToTarget: printOrNull(rule, reduceToTargetFor(state, p, opts.target, bucket.atTarget)),
    // A fresh array per position: consumers may hold on to one position's list.
    triggerPrices: group.triggerPrices.map((t) => ({ ...t })),
    discrepancy: findDiscrepancy(
      p.position.reported,
      {
        // Exact only when there is a reported figure to compare with (findDiscrepancy reads nothing else).
        liquidationPrice: p.position.reported && liquidation ? liquidation.exact() : null,
        maintenanceMargin: p.maintenance,
        marginRatio: venueRatio ?? ratio,
        unrealizedPnl: p.upnl,
        initialMargin: p.initial,
      },
      rule,
    ),
    marginRatio: bucket.ratioText,
  };
}

/** Full report from an engine state (shared by computeMarginReport and the incremental engine). */
export function reportFromState(state: EngineState, opts: ResolvedOptions): MarginReport {
  const results = new Map<PositionState[], GroupResult>();
  const buckets = new Map<Bucket, BucketContext>();
  const printed: PrintedTerms = new Map();
  const positions = state.positions.map((p) => {
    let bucket = buckets.get(p.bucket);
    if (bucket === undefined) {
      bucket = bucketContext(state, p.bucket, opts);
      buckets.set(p.bucket, bucket);
    }
    const group = p.bucket.groups.get(p.position.symbol)!;
    let result = results.get(group);
    if (!result) {
      result = solveGroup(state, bucket.totals, group, opts);
      results.set(group, result);
    }
    return positionReport(state, p, result, opts, bucket, printed);
  });
  const account = accountReport(state, opts);
  return {
    schema: REPORT_SCHEMA,
    venue: state.snapshot.venue,
    asOf: state.snapshot.asOf,
    settleAsset: state.snapshot.settleAsset,
    account,
    positions,
    warnings: [...state.warnings],
  };
}

/**
 * The margin engine: an AccountSnapshot (already validated by parseSnapshot) in, a MarginReport out.
 * Pure and deterministic; all numbers decimal, printed as the venue prints them.
 */
export function computeMarginReport(snapshot: AccountSnapshot, options?: EngineOptions): MarginReport {
  const opts = resolveOptions(options);
  return reportFromState(buildState(snapshot), opts);
}

/**
 * The reference path of computeMarginReport: every decision the fast path takes on doubles is taken on
 * the exact decimals. Byte-identical reports by construction; test/unit/margin/fast-vs-exact.test.ts
 * checks it on random accounts.
 */
export function computeMarginReportExact(snapshot: AccountSnapshot, options?: EngineOptions): MarginReport {
  return reportFromState(buildState(snapshot, true), resolveOptions(options));
}
