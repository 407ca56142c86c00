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
import { reduceToTargetFor, topUpFor } from './actions';
import { Dec, ONE, ZERO, printWith } from './decimal';
import { findDiscrepancy } from './discrepancy';
import { type ResolvedOptions, resolveOptions } from './options';
import { bankruptcyPrice, prepareGroup, priceAtLevel } from './solve';
import {
  type Bucket,
  type EngineState,
  type PositionState,
  allBuckets,
  buildState,
  marginBalanceOf,
  requirementOf,
} from './state';

/** Normalised ratio of one bucket: requirement / margin balance; null when the balance is ≤ 0. */
export function bucketRatio(b: Bucket): Dec | null {
  const balance = marginBalanceOf(b);
  if (!balance.isPositive() || balance.isZero()) return requirementOf(b).isZero() ? ZERO : null;
  return requirementOf(b).div(balance);
}

interface GroupResult {
  liquidation: Dec | null;
  bankruptcy: Dec | null;
  triggers: (Dec | null)[];
}

function solveGroup(
  state: EngineState,
  bucket: Bucket,
  group: PositionState[],
  opts: ResolvedOptions,
): GroupResult {
  const prepared = prepareGroup(bucket, group);
  const liquidation = priceAtLevel(state, prepared, ONE);
  const triggers = opts.levels.map((level) =>
    level.value.eq(ONE) ? liquidation : priceAtLevel(state, prepared, level.value),
  );
  return { liquidation, bankruptcy: bankruptcyPrice(prepared), triggers };
}

/** The bucket that is closest to liquidation decides the account's ratio (1 = something is liquidated). */
function worstBucket(state: EngineState): { bucket: Bucket | null; ratio: Dec | null } {
  let worst: Bucket | null = null;
  let worstRatio: Dec | null = ZERO;
  for (const b of allBuckets(state)) {
    const r = bucketRatio(b);
    if (r === null) {
      state.warn(
        `margin balance ${b.kind === 'cross' ? 'of the cross account' : `of isolated ${b.positions[0]?.position.symbol ?? ''}`} is zero or negative: past liquidation`,
      );
      return { bucket: b, ratio: null };
    }
    if (worst === null || (worstRatio !== null && r.gt(worstRatio))) {
      worst = b;
      worstRatio = r;
    }
  }
  return { bucket: worst, ratio: worstRatio };
}

export function accountReport(state: EngineState, opts: ResolvedOptions): AccountReport {
  const print = (d: Dec): string => printWith(state.rulebook.print, d);
  let wallet = state.cross.base;
  let upnl = state.cross.upnl;
  let initial = state.cross.initial;
  let maintenance = state.cross.maintenance;
  let topUp = state.cross.positions.length > 0 ? topUpFor(state.cross, opts.target) : ZERO;
  for (const b of state.isolated) {
    wallet = wallet.plus(b.base);
    upnl = upnl.plus(b.upnl);
    initial = initial.plus(b.initial);
    maintenance = maintenance.plus(b.maintenance);
    topUp = topUp.plus(topUpFor(b, opts.target));
  }
  const available = marginBalanceOf(state.cross).minus(state.cross.initial);
  const { bucket, ratio } = worstBucket(state);
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
    marginRatio: ratio === null ? null : print(ratio),
    venueMarginRatio: venueRatio === null ? null : print(venueRatio),
    topUpToTarget: print(topUp),
  };
}

function positionReport(
  state: EngineState,
  p: PositionState,
  group: GroupResult,
  opts: ResolvedOptions,
): PositionReport {
  const rule = state.rulebook.print;
  const print = (d: Dec): string => printWith(rule, d);
  const printOrNull = (d: Dec | null): string | null => (d === null ? null : print(d));
  const liquidation = group.liquidation;
  const distance = liquidation === null ? null : liquidation.minus(p.mark).div(p.mark);
  // The bucket's ratio is only needed to cross-check a reported one (divisions are the dear part).
  const reportedRatio = p.position.reported?.marginRatio !== undefined;
  const venueRatio = reportedRatio
    ? state.rulebook.venueMarginRatio({
        marginBalance: marginBalanceOf(p.bucket),
        maintenanceMargin: p.bucket.maintenance,
        fee: p.bucket.fee,
      })
    : null;
  const ratio = reportedRatio && venueRatio === null ? bucketRatio(p.bucket) : null;
  const triggerPrices: TriggerPrice[] = opts.levels.map((level, i) => ({
    level: level.text,
    price: printOrNull(group.triggers[i] ?? null),
  }));
  return {
    symbol: p.position.symbol,
    positionSide: p.position.positionSide,
    marginMode: p.position.marginMode,
    notional: print(p.notional),
    unrealizedPnl: print(p.upnl),
    initialMargin: print(p.initial),
    maintenanceRate: print(p.terms.rate),
    maintenanceAmount: print(p.terms.amount),
    maintenanceMargin: print(p.maintenance),
    liquidationPrice: printOrNull(liquidation),
    bankruptcyPrice: printOrNull(group.bankruptcy),
    distanceToLiquidation: printOrNull(distance),
    reduceToTarget: printOrNull(reduceToTargetFor(state, p, opts.target)),
    triggerPrices,
    discrepancy: findDiscrepancy(
      p.position.reported,
      {
        liquidationPrice: liquidation,
        maintenanceMargin: p.maintenance,
        marginRatio: venueRatio ?? ratio,
        unrealizedPnl: p.upnl,
        initialMargin: p.initial,
      },
      rule,
    ),
  };
}

/** Full report from an engine state (shared by computeMarginReport and the incremental engine). */
export function reportFromState(state: EngineState, opts: ResolvedOptions): MarginReport {
  const results = new Map<PositionState[], GroupResult>();
  const positions = state.positions.map((p) => {
    const group = p.bucket.groups.get(p.position.symbol)!;
    let result = results.get(group);
    if (!result) {
      result = solveGroup(state, p.bucket, group, opts);
      results.set(group, result);
    }
    return positionReport(state, p, result, opts);
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
