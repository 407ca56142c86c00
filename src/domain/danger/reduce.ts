// The reduce alternative to a top-up: how much of the cross book's most endangered position to close
// at mark so the book's distance to liquidation reaches the advice's target distance. Found with the
// margin engine itself (bisection on the number of size steps), so tiers, fees and every other leg
// count exactly as the engine counts them.
//
// Only for the cross book. On Binance-style venues closing part of an isolated position releases its
// isolated margin pro rata, so the liquidation price does not move: reducing never restores an
// isolated position's distance, and advising it would be wrong.
import Decimal from 'decimal.js';
import type { AccountSnapshot, Position } from '../contracts';
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
  const report = computeMarginReport(snapshot);
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
 * Contracts of position `index` to close so the cross book's distance is at least `target`: the
 * smallest whole number of size steps that does it (capped at the position), or null when the book is
 * already there or even closing all of it would not get there.
 */
export function reduceSizeFor(snapshot: AccountSnapshot, index: number, target: number): Decimal | null {
  const p = snapshot.positions[index]!;
  const size = new Decimal(p.size);
  const step = sizeStep(p);
  const reaches = (k: number) => crossBookDistance(closeAtMark(snapshot, index, Decimal.min(size, step.times(k)))) >= target;
  const all = size.div(step).ceil().toNumber();
  if (reaches(0) || !reaches(all)) return null;
  let lo = 0; // does not reach
  let hi = all; // reaches
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
