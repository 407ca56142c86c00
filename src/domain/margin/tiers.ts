// Tier (bracket) lookup over the account's own tier table, shared by the rulebooks.
import type { Tier } from '../contracts';
import { Dec, dec } from './decimal';
import type { MaintenanceTerms } from './rulebook';

interface ParsedTier {
  floor: Dec;
  cap: Dec;
  rate: Dec;
  amount: Dec;
  maxLeverage: Dec;
  terms: MaintenanceTerms;
}

// Tier tables are shared by reference across snapshots of the same account; parse each table once.
const parsedCache = new WeakMap<readonly Tier[], ParsedTier[]>();

export function parseTiers(tiers: readonly Tier[]): ParsedTier[] {
  let parsed = parsedCache.get(tiers);
  if (!parsed) {
    parsed = tiers.map((t, i) => {
      const rate = dec(t.maintenanceRate);
      const amount = dec(t.maintenanceAmount);
      const maxLeverage = dec(t.maxLeverage);
      return {
        floor: dec(t.floor),
        cap: dec(t.cap),
        rate,
        amount,
        maxLeverage,
        terms: { rate, amount, maxLeverage, key: String(i) },
      };
    });
    parsedCache.set(tiers, parsed);
  }
  return parsed;
}

/**
 * The tier whose range holds `value`: the last tier with value ≥ floor (Binance BN-UM-BRACKET edge
 * convention, freqtrade test_binance.py:780). Because the maintenance amount keeps MM continuous across
 * edges, the convention only matters for max leverage. Values above the last cap use the last tier
 * (`beyondLastCap` says so; it is a separate call because the solver's lookups never warn).
 */
export function tierAt(tiers: readonly Tier[], value: Dec): MaintenanceTerms {
  const parsed = parseTiers(tiers);
  if (parsed.length === 0) throw new Error('empty tier table');
  // Binary search for the last tier with value ≥ floor (tables are validated ascending).
  let lo = 0;
  let hi = parsed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (value.gte(parsed[mid]!.floor)) lo = mid;
    else hi = mid - 1;
  }
  return parsed[lo]!.terms;
}

/** True when `value` lies above the last tier's cap (the last tier is then used, with a warning). */
export function beyondLastCap(tiers: readonly Tier[], value: Dec): boolean {
  const parsed = parseTiers(tiers);
  return parsed.length > 0 && value.gt(parsed[parsed.length - 1]!.cap);
}

/** Conservative stand-in when a venue sent no tier table: MMR = half the initial margin rate at the
 * position's own leverage (exchanges set MMR at most at half the IM rate of the tier's max leverage). */
export function fallbackTerms(leverage: Dec): MaintenanceTerms {
  return {
    rate: new Dec(1).div(leverage).div(2),
    amount: new Dec(0),
    maxLeverage: leverage,
    key: 'fallback',
  };
}
