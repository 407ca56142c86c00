// The reduce alternative to a top-up: how much of the cross book's most endangered position to close
// at mark so the book's distance to liquidation reaches the advice's target distance. Found with the
// margin engine itself (bisection on the number of size steps), so tiers, fees and every other leg
// count exactly as the engine counts them.
//
// Only for the cross book. On Binance-style venues closing part of an isolated position releases its
// isolated margin pro rata, so the liquidation price does not move: reducing never restores an
// isolated position's distance, and advising it would be wrong.
import Decimal from 'decimal.js';
import type { AccountSnapshot, MarginReport, Position } from '../contracts';
import { computeMarginReport } from '../margin';
import { displayDecimals, restoreTarget, targetDistanceText, type DangerAction } from './advice';
import type { SubjectDanger } from './assess';
import type { DangerPolicy } from './policy';

/** The snapshot after closing `qty` contracts of position `index` at mark (PnL and taker fee realised into the cross wallet). */
export function closeAtMark(snapshot: AccountSnapshot, index: number, qty: Decimal): AccountSnapshot {
  const p = snapshot.positions[index]!;
  const size = new Decimal(p.size);
  const closed = Decimal.min(qty, size);
  const units = closed.times(p.contractSize);
  const mark = new Decimal(p.markPrice);
  const entry = new Decimal(p.entryPrice);
  const sign = p.side === 'long' ? 1 : -1;
  // Linear PnL in the quote asset; inverse PnL in the coin (contracts are worth contractSize quote each).
  const pnl = p.contractType === 'linear' ? units.times(mark.minus(entry)).times(sign) : units.times(new Decimal(1).div(entry).minus(new Decimal(1).div(mark))).times(sign);
  const value = p.contractType === 'linear' ? units.times(mark) : units.div(mark);
  const fee = value.times(p.takerFeeRate ?? 0);
  const rest = size.minus(closed);
  const positions = snapshot.positions.flatMap((q, i) => (i !== index ? [q] : rest.isPositive() ? [{ ...q, size: rest.toString() }] : []));
  return { ...snapshot, positions, crossWalletBalance: new Decimal(snapshot.crossWalletBalance).plus(pnl).minus(fee).toString() };
}

/** The cross book's distance to liquidation (fraction of mark) as the verdict measures it: its nearest leg; Infinity without cross legs. */
export function crossBookDistance(snapshot: AccountSnapshot): number {
  return reportedBookDistance(snapshot, computeMarginReport(snapshot));
}

/** crossBookDistance from an engine report already computed for `snapshot`. */
function reportedBookDistance(snapshot: AccountSnapshot, report: MarginReport): number {
  const ratio = report.account.marginRatio;
  if (ratio !== null && new Decimal(ratio).gte(1)) return 0;
  let nearest = Number.POSITIVE_INFINITY;
  report.positions.forEach((r, i) => {
    if (snapshot.positions[i]?.marginMode !== 'cross' || r.distanceToLiquidation === null) return;
    nearest = Math.min(nearest, Math.abs(Number(r.distanceToLiquidation)));
  });
  return nearest;
}

/** Display precision of a coin amount (displayDecimals of a non-stable asset). */
const COIN_DECIMALS = displayDecimals('ETH');

/** Size step of a position in contracts: the venue's lot size, else 1 contract (inverse) or 10⁻⁶ of the base asset (linear). */
export function sizeStep(p: Position): Decimal {
  if (p.lotSize) return new Decimal(p.lotSize);
  return p.contractType === 'inverse' ? new Decimal(1) : new Decimal(10).pow(-COIN_DECIMALS).div(p.contractSize);
}

/** Base asset of a linear symbol ("ETHUSDT" → "ETH"), the symbol itself when the settle asset is not its suffix. */
function baseAsset(symbol: string, settleAsset: string): string {
  return symbol.endsWith(settleAsset) && symbol.length > settleAsset.length ? symbol.slice(0, -settleAsset.length) : symbol;
}

/** The cross position the subject's trigger belongs to: its symbol, on the side the adverse move hurts. */
function endangeredIndex(s: SubjectDanger, snapshot: AccountSnapshot): number {
  const side = s.adverse === 'down' ? 'long' : 'short';
  return snapshot.positions.findIndex((p) => p.marginMode === 'cross' && !p.option && p.symbol === s.symbol && p.side === side);
}

/**
 * Closed-form guess of the size steps to close (linear legs only). Along the leg's symbol, the cross
 * book's balance less maintenance falls at the rate k = |q_net − Σ m_i·|q_i|| (its same-symbol cross
 * legs, other prices held) and is zero at the leg's liquidation price L. Closing x at mark releases
 * m·x·M of maintenance, pays the taker fee f·x·M and lowers the rate by x(1 ∓ m), so the new
 * liquidation is t·M away when x = k·(t·M − ±(M − L)) / (M·(m − f + t(1 ∓ m))) (− for a long, + for a
 * short). One leg without fee: the hand-worked formula in test/unit/danger/reduce.test.ts. Ignores
 * tier steps: it only places the bracket the engine then confirms. Null when it cannot be formed.
 */
export function estimateReduceSteps(snapshot: AccountSnapshot, report: MarginReport, index: number, target: number): number | null {
  const p = snapshot.positions[index]!;
  const r = report.positions[index];
  if (p.contractType !== 'linear' || !r || r.liquidationPrice === null) return null;
  const sign = p.side === 'long' ? 1 : -1;
  let rate = 0;
  snapshot.positions.forEach((q, i) => {
    const mr = report.positions[i];
    if (q.marginMode !== 'cross' || q.symbol !== p.symbol || q.contractType !== 'linear' || !mr) return;
    const units = Number(q.size) * Number(q.contractSize);
    // Exposure in the closed leg's direction, less the maintenance that grows with the adverse move.
    rate += (q.side === p.side ? units : -units) - sign * Number(mr.maintenanceRate) * units;
  });
  const m = Number(r.maintenanceRate);
  const M = Number(p.markPrice);
  // Signed: a book already past its liquidation price has a negative gap to make up.
  const gap = sign * (M - Number(r.liquidationPrice));
  const fee = Number(p.takerFeeRate ?? 0);
  const units = (rate * (target * M - gap)) / (M * (m - fee + target * (1 - sign * m)));
  const steps = Math.ceil(units / Number(p.contractSize) / sizeStep(p).toNumber());
  return Number.isFinite(steps) ? steps : null;
}

/** Counts margin-engine calls of one search (the bench and the tests read it). */
export interface ReduceSearchStats {
  engineCalls: number;
}

/**
 * Contracts of position `index` to close so the cross book's distance is at least `target`: the
 * smallest whole number of size steps that does it (capped at the position), or null when the book is
 * already there or no size up to the whole position gets there. The closed-form estimate places the
 * bracket and the engine confirms it (3 engine calls when the estimate is right: the book now, the
 * estimate, one step less), galloping outwards when it is off and bisecting inside the bracket. A
 * hedged book's distance can peak before the whole leg is closed; a size the engine confirms near the
 * estimate is advised even when closing everything would not reach the target.
 */
export function reduceSizeFor(snapshot: AccountSnapshot, index: number, target: number, stats: ReduceSearchStats = { engineCalls: 0 }): Decimal | null {
  const p = snapshot.positions[index]!;
  const size = new Decimal(p.size);
  const step = sizeStep(p);
  const reaches = (k: number) => {
    stats.engineCalls++;
    return crossBookDistance(closeAtMark(snapshot, index, Decimal.min(size, step.times(k)))) >= target;
  };
  const all = size.div(step).ceil().toNumber();
  stats.engineCalls++;
  const now = computeMarginReport(snapshot);
  if (reportedBookDistance(snapshot, now) >= target) return null;
  let lo = 0; // does not reach
  let hi = all; // reaches, once checked
  const guess = estimateReduceSteps(snapshot, now, index, target);
  if (guess === null) {
    if (!reaches(all)) return null;
  } else {
    const e = Math.min(all, Math.max(1, guess));
    if (reaches(e)) {
      hi = e;
      // Gallop down until a size that does not reach: usually the very next step.
      for (let d = 1; hi - d > lo; d *= 2) {
        if (!reaches(hi - d)) {
          lo = hi - d;
          break;
        }
        hi -= d;
      }
    } else {
      if (e === all) return null;
      lo = e;
      for (let d = 1; ; d *= 2) {
        const probe = Math.min(all, lo + d);
        if (reaches(probe)) {
          hi = probe;
          break;
        }
        if (probe === all) return null;
        lo = probe;
      }
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return Decimal.min(size, step.times(hi));
}

/** "reduce ETHUSDT by 3.2 ETH" for an endangered cross book; null for isolated positions (see top) or when reducing cannot restore it. */
export function adviseReduce(s: SubjectDanger, snapshot: AccountSnapshot, policy: DangerPolicy): DangerAction | null {
  if (s.subject.type !== 'cross') return null;
  const target = restoreTarget(s, policy);
  if (target === null) return null;
  const index = endangeredIndex(s, snapshot);
  if (index < 0) return null;
  const contracts = reduceSizeFor(snapshot, index, target);
  if (contracts === null) return null;
  const p = snapshot.positions[index]!;
  // Linear: base-asset units (contracts × contract size); inverse: contracts, as the venue sizes them.
  const linear = p.contractType === 'linear';
  const amount = (linear ? contracts.times(p.contractSize) : contracts).toDecimalPlaces(12).toFixed();
  const asset = linear ? baseAsset(p.symbol, snapshot.settleAsset) : 'contracts';
  return { kind: 'reduce', amount, asset, targetDistance: targetDistanceText(target), text: `reduce ${p.symbol} by ${amount} ${asset}` };
}
