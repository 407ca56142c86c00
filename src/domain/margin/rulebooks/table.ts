// Shared building block: a rulebook whose maintenance terms come from the account's own tier table.
import type { Position } from '../../contracts';
import { Dec, ZERO, sharedDec } from '../decimal';
import { type MaintenanceTerms, type Rulebook, type TierLookupInput, silent } from '../rulebook';
import { beyondLastCap, fallbackTerms, tierAt, tierAtApprox } from '../tiers';

export type TierBasis = 'notional' | 'contracts';

/** Looks the tier up by position value (Binance, Bybit, Gate, Hyperliquid) or by contracts (OKX). */
export function tableTerms(
  input: TierLookupInput,
  basis: TierBasis,
  warn: (message: string) => void,
): MaintenanceTerms {
  const { position } = input;
  if (!position.tiers || position.tiers.length === 0) {
    warn(`tier table missing for ${position.symbol}: used MMR = 1/(2 × leverage) as a conservative stand-in`);
    return fallbackTerms(new Dec(position.leverage));
  }
  if (basis === 'notional' && warn === silent && input.approxNotional !== undefined) {
    // Filtered lookup: the exact value (a 34-digit product, or a division for inverse contracts) is
    // only needed when the approximation is near a tier floor; the tier is identical either way.
    const terms = tierAtApprox(position.tiers, input.approxNotional);
    if (terms) return terms;
  }
  const value = basis === 'notional' ? input.notional : input.contracts;
  const terms = tierAt(position.tiers, value);
  // The solver's hypothetical-price lookups pass `silent`: skip a check whose only effect is a warning.
  if (warn !== silent && beyondLastCap(position.tiers, value))
    warn(`${position.symbol}: position value beyond the last tier's cap; used the last tier`);
  return terms;
}

export const noFee = (): Dec => ZERO;
export const atMark = (): 'mark' => 'mark';
export const sameRatio = (): null => null;

/** Taker fee rate from the snapshot; venues whose trigger includes the closing fee need it. */
export function takerFee(position: Position): Dec {
  return position.takerFeeRate === undefined ? ZERO : sharedDec(position.takerFeeRate);
}

export type { Rulebook };
