// What-if: the same account after relative mark-price shocks and some hours of funding. Pure; the
// service runs computeMarginReport on the result.
import type { AccountSnapshot, Collateral, Position } from '../contracts';
import { ContractError } from '../contracts';
import { STABLE_ASSETS, linkedSymbolOf } from './collateral';
import { Dec, ONE, ZERO, dec, plain } from './decimal';

export interface ShockSpec {
  /**
   * Relative mark moves per symbol, e.g. { BTCUSDT: "-0.1" }; "*" applies to every other symbol.
   * Collateral moves by its asset's key ({ BTC: "-0.1" }), else by its linked symbol's shock, else by
   * "*" unless it is a stablecoin (wrong-way risk: BTC collateral falls with the BTC shock).
   */
  shocks: Record<string, string>;
  /** Hours of funding to accrue at each position's `fundingRate` (per 8 h). */
  fundingHours: number;
}

const FUNDING_INTERVAL_HOURS = 8;

function shockFor(spec: ShockSpec, symbol: string): Dec {
  const key = symbol in spec.shocks ? symbol : '*';
  return parseShock(spec, key);
}

function parseShock(spec: ShockSpec, key: string): Dec {
  const text = spec.shocks[key];
  if (text === undefined) return ZERO;
  let value: Dec;
  try {
    value = dec(text);
  } catch {
    throw new ContractError(`shocks.${key}`, 'must be a decimal string such as "-0.1"');
  }
  if (!value.isFinite() || value.lte(-1))
    throw new ContractError(`shocks.${key}`, 'must be greater than -1 (a relative move)');
  return value;
}

/**
 * Funding paid by the position over `hours` at the shocked mark, in the settle asset:
 * notional × rate × hours / 8, positive rate → longs pay, shorts receive. Returns the signed change to
 * the position's margin (negative = paid).
 */
function fundingChange(position: Position, mark: Dec, hours: number): Dec {
  if (position.fundingRate === undefined || hours === 0) return ZERO;
  const qty = dec(position.size).times(position.contractSize);
  const notional = position.contractType === 'inverse' ? qty.div(mark) : qty.times(mark);
  const paid = notional.times(position.fundingRate).times(hours).div(FUNDING_INTERVAL_HOURS);
  return position.side === 'long' ? paid.neg() : paid;
}

export function shockSnapshot(snapshot: AccountSnapshot, spec: ShockSpec): AccountSnapshot {
  if (!Number.isFinite(spec.fundingHours) || spec.fundingHours < 0)
    throw new ContractError('fundingHours', 'must be a finite number ≥ 0');
  let crossWallet = dec(snapshot.crossWalletBalance);
  const positions = snapshot.positions.map((position) => {
    const mark = dec(position.markPrice).times(ONE.plus(shockFor(spec, position.symbol)));
    const funding = fundingChange(position, mark, spec.fundingHours);
    const next: Position = { ...position, markPrice: plain(mark) };
    if (position.marginMode === 'isolated') {
      // Isolated margin cannot go below zero: the position would have been liquidated first.
      const margin = dec(position.isolatedMargin ?? '0').plus(funding);
      next.isolatedMargin = plain(margin.isNegative() ? ZERO : margin);
    } else {
      crossWallet = crossWallet.plus(funding);
    }
    return next;
  });
  const collateral = snapshot.collateral?.map((c) => shockCollateral(spec, c, snapshot.positions));
  return {
    ...snapshot,
    crossWalletBalance: plain(crossWallet),
    positions,
    ...(collateral ? { collateral } : {}),
  };
}

function collateralShock(spec: ShockSpec, entry: Collateral, positions: readonly Position[]): Dec {
  if (entry.asset in spec.shocks) return parseShock(spec, entry.asset);
  const linked = linkedSymbolOf(entry, positions);
  if (linked !== null) return shockFor(spec, linked);
  return STABLE_ASSETS.has(entry.asset.toUpperCase()) ? ZERO : parseShock(spec, '*');
}

function shockCollateral(spec: ShockSpec, entry: Collateral, positions: readonly Position[]): Collateral {
  const shock = collateralShock(spec, entry, positions);
  if (shock.isZero()) return entry;
  return { ...entry, price: plain(dec(entry.price).times(ONE.plus(shock))) };
}
