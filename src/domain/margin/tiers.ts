// Tier (bracket) lookup over the account's own tier table, shared by the rulebooks.
import type { Tier } from '../contracts';
import { Dec, dec } from './decimal';
import type { MaintenanceTerms } from './rulebook';

interface ParsedTier {
  floor: Dec;
  /** The floor as a double, for the filtered lookup (tierAtApprox). */
  floorApprox: number;
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
        floorApprox: Number(t.floor),
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

/**
 * How far (relative) an approximate value must be from every floor that decides its tier for the
 * approximate decision to be the exact one. The approximation is within ~1e-15 and the engine's value
 * within 1e-33 of the true product, so 1e-9 leaves six orders of magnitude to spare.
 */
const DECISION_MARGIN = 1e-9;

/**
 * tierAt for a value known only approximately (`approx`, within ~1e-15 relative): the same tier
 * tierAt would return for the exact value when no deciding floor is within DECISION_MARGIN of it, else
 * null (the caller then computes the exact value). The tier is the last with value ≥ floor; with floors
 * ascending, it is decided by two comparisons only — against its own floor and the next one — so if
 * both are far from `approx` the exact comparisons agree and the exact binary search lands on it too.
 */
export function tierAtApprox(tiers: readonly Tier[], approx: number): MaintenanceTerms | null {
  const index = tierIndexAtApprox(tiers, approx);
  return index === null ? null : parseTiers(tiers)[index]!.terms;
}

/** tierAtApprox as an index into the table (venues that derive their own terms per tier, Hyperliquid). */
export function tierIndexAtApprox(tiers: readonly Tier[], approx: number): number | null {
  // Far from the double range's ends, where relative precision holds (no subnormals, no overflow).
  if (!(approx > 1e-200 && approx < 1e200)) return null;
  const parsed = parseTiers(tiers);
  if (parsed.length === 0) return null;
  let lo = 0;
  let hi = parsed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (approx >= parsed[mid]!.floorApprox) lo = mid;
    else hi = mid - 1;
  }
  if (!farFrom(approx, parsed[lo]!.floorApprox)) return null;
  const next = parsed[lo + 1];
  if (next && !farFrom(approx, next.floorApprox)) return null;
  // Floors must be ascending for the two-comparison argument (the contract validates it; re-checked
  // here because the engine may be handed an unvalidated snapshot).
  if (!ascending(parsed)) return null;
  return lo;
}

function farFrom(approx: number, floor: number): boolean {
  if (!Number.isFinite(floor)) return false;
  if (floor === 0) return true; // value > 0 ≥ 0: decided whatever the approximation
  return Math.abs(approx - floor) > DECISION_MARGIN * Math.abs(floor);
}

const ascendingCache = new WeakMap<ParsedTier[], boolean>();

function ascending(parsed: ParsedTier[]): boolean {
  let known = ascendingCache.get(parsed);
  if (known === undefined) {
    known = parsed.every((t, i) => i === 0 || t.floor.gte(parsed[i - 1]!.floor));
    ascendingCache.set(parsed, known);
  }
  return known;
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
