// The one interface every venue's rulebook implements. The engine (report.ts, solve.ts) is venue-free:
// it asks the rulebook for the maintenance terms that apply at a given position value and for how the
// venue prints and compares numbers.
import type { Position, Tier, VenueId } from '../contracts';
import type { Dec, PrintRule } from './decimal';

/**
 * Maintenance requirement of one position at a position value:
 *   requirement = basisNotional × (rate + feeRate) − amount
 * `rate`/`amount` come from the tier (bracket) that applies; `feeRate` is the liquidation/close fee
 * that venues such as OKX and Gate add to the trigger (0 elsewhere).
 */
export interface MaintenanceTerms {
  readonly rate: Dec;
  readonly amount: Dec;
  readonly maxLeverage: Dec | null;
  /** Identifies the tier, so the liquidation-price iteration can tell when it is stable. */
  readonly key: string;
}

export interface TierLookupInput {
  readonly position: Position;
  /** Absolute position value in the settle asset (linear: quote; inverse: coin). */
  readonly notional: Dec;
  /** Absolute size in contracts. */
  readonly contracts: Dec;
  /**
   * A double close to `notional` (≈1e-15 relative) that the solver offers for its lookups at
   * hypothetical prices, so a table lookup may skip the exact value when no tier floor is near it.
   */
  readonly approxNotional?: number;
}

export interface Rulebook {
  readonly venue: VenueId;
  /** How the venue prints position/account figures (Binance truncates at 8 dp, Bybit rounds half-up). */
  readonly print: PrintRule;
  /** Maintenance terms at a position value; `warn` collects user-facing warnings (missing tables...). */
  maintenanceTerms(input: TierLookupInput, warn: (message: string) => void): MaintenanceTerms;
  /** Fee rate added to the maintenance requirement (liquidation fee). */
  feeRate(position: Position): Dec;
  /** True when the venue's trigger includes a fee, so a snapshot without `takerFeeRate` earns a warning. */
  readonly feeInTrigger: boolean;
  /**
   * Which price the maintenance requirement is computed at. Bybit's classic isolated formulas fix MM
   * on the entry value; everywhere else it moves with the mark.
   */
  maintenanceValueAt(position: Position): 'mark' | 'entry';
  /** The venue's own margin-ratio definition when it differs from requirement / margin balance. */
  venueMarginRatio(totals: { marginBalance: Dec; maintenanceMargin: Dec; fee: Dec }): Dec | null;
  /**
   * Venues whose cross tiers count several positions together (OKX: all cross positions of one
   * underlying) return the grouping key; absent elsewhere.
   */
  crossTierGroup?(position: Position): string;
  /** Contract types this venue lists. */
  readonly contractTypes: ReadonlyArray<Position['contractType']>;
}

export type { Tier };

/** Pass as `warn` for lookups at hypothetical prices (solver, actions): their warnings never matter. */
export const silent = (): void => {};
