// Collateral valuation (issue 16): what each non-settle asset in a cross account counts for, per the
// venue's own rule, and how that value moves with the mark of the position symbol it is linked to
// (wrong-way risk: BTC posted as margin for a BTC long falls with the long).
//
// Rules (docs/ENGINE.md "Collateral", sources there):
// - flat haircut (Binance Multi-Assets: price = asset index, haircut = bidBuffer, so value = amount ×
//   bidRate): value = amount × price × (1 − haircut);
// - tiered ratio (Bybit UTA collateral-value ratio, OKX discount rate): the holding is cut into slices
//   [floor, cap) and each slice counts at its tier's ratio (progressive), by coin amount or by value;
// - a negative balance (a liability) counts in full: amount × price (Bybit: "negative balance defaults
//   to a 100 % collateral value ratio");
// - `collateralSwitch: false` (Bybit UTA: the coin is not used as collateral) counts 0 for a positive
//   balance.
import type { AccountSnapshot, Collateral, CollateralTier, Position } from '../contracts';
import { Dec, ONE, ZERO, dec } from './decimal';

/** Stablecoins: never linked to a position's mark, and a '*' what-if shock leaves them alone. */
export const STABLE_ASSETS: ReadonlySet<string> = new Set([
  'USD',
  'USDT',
  'USDC',
  'BUSD',
  'FDUSD',
  'DAI',
  'TUSD',
  'USDE',
  'PYUSD',
  'USDP',
]);

const QUOTE_SUFFIX = /^([A-Z0-9]+?)(USDT|USDC|BUSD|FDUSD|USD)(?:[_-].*)?$/;

/**
 * Base asset of a venue symbol: BTCUSDT, BTCUSD_PERP → BTC; BTC-USDT-SWAP, BTC-PERPETUAL,
 * BTC-27DEC24-60000-C → BTC; Hyperliquid's plain "BTC" → BTC. null when it cannot be told.
 */
export function baseAssetOf(symbol: string): string | null {
  const upper = symbol.toUpperCase();
  if (upper.includes('-')) return upper.split('-')[0] || null;
  const m = QUOTE_SUFFIX.exec(upper);
  if (m) return m[1]!;
  return /^[A-Z0-9]+$/.test(upper) ? upper : null;
}

interface ParsedTier {
  floor: Dec;
  cap: Dec | null;
  ratio: Dec;
}

function parseTiers(tiers: readonly CollateralTier[]): ParsedTier[] {
  return tiers.map((t) => ({
    floor: dec(t.floor),
    cap: t.cap === undefined ? null : dec(t.cap),
    ratio: dec(t.ratio),
  }));
}

/** Σ over slices of (part of x in [floor, cap)) × ratio; beyond the last cap counts 0. */
function tieredSum(tiers: readonly ParsedTier[], x: Dec): Dec {
  let total = ZERO;
  for (const t of tiers) {
    if (x.lte(t.floor)) break;
    const top = t.cap === null || x.lt(t.cap) ? x : t.cap;
    total = total.plus(top.minus(t.floor).times(t.ratio));
  }
  return total;
}

/** Index of the tier x falls in (the last tier for x ≥ every cap: the slope there is 0). */
function tierIndexAt(tiers: readonly ParsedTier[], x: Dec): number {
  for (let k = 0; k < tiers.length; k++) {
    const cap = tiers[k]!.cap;
    if (cap === null || x.lt(cap)) return k;
  }
  return tiers.length;
}

/** The rule of one collateral entry, parsed once. */
export interface CollateralRule {
  readonly entry: Collateral;
  readonly amount: Dec;
  readonly haircut: Dec;
  readonly tiers: readonly ParsedTier[] | null;
  readonly basis: 'amount' | 'value';
  readonly counts: boolean;
}

export function collateralRule(entry: Collateral): CollateralRule {
  return {
    entry,
    amount: dec(entry.amount),
    haircut: dec(entry.haircut),
    tiers: entry.tiers && entry.tiers.length > 0 ? parseTiers(entry.tiers) : null,
    basis: entry.tierBasis ?? 'amount',
    counts: entry.collateralSwitch !== false,
  };
}

/** Collateral value in the settle asset at `price` (one unit of the asset, in the settle asset). */
export function collateralValueAt(rule: CollateralRule, price: Dec): Dec {
  const { amount } = rule;
  if (amount.isNegative()) return amount.times(price);
  if (!rule.counts || amount.isZero()) return ZERO;
  if (rule.tiers === null) return amount.times(price).times(ONE.minus(rule.haircut));
  if (rule.basis === 'amount') return tieredSum(rule.tiers, amount).times(price);
  return tieredSum(rule.tiers, amount.times(price));
}

/**
 * The value as a line in the asset's price near `price`: value = slope·price + intercept, exact
 * within the tier `key` names (value-based tiers bend the line at each floor; every other rule is a
 * line through 0). The solver uses it to keep the liquidation price in closed form.
 */
export interface CollateralLine {
  readonly slope: Dec;
  readonly intercept: Dec;
  readonly key: number;
}

export function collateralLineAt(rule: CollateralRule, price: Dec): CollateralLine {
  const { amount } = rule;
  if (amount.isNegative()) return { slope: amount, intercept: ZERO, key: -1 };
  if (!rule.counts || amount.isZero()) return { slope: ZERO, intercept: ZERO, key: -1 };
  if (rule.tiers === null) return { slope: amount.times(ONE.minus(rule.haircut)), intercept: ZERO, key: -1 };
  if (rule.basis === 'amount') return { slope: tieredSum(rule.tiers, amount), intercept: ZERO, key: -1 };
  const x = amount.times(price);
  const k = tierIndexAt(rule.tiers, x);
  if (k >= rule.tiers.length) return { slope: ZERO, intercept: tieredSum(rule.tiers, x), key: k };
  const tier = rule.tiers[k]!;
  // F(x) = ratio_k·x + (F(floor_k) − ratio_k·floor_k) inside tier k; x = amount·price.
  const intercept = tieredSum(rule.tiers, tier.floor).minus(tier.ratio.times(tier.floor));
  return { slope: amount.times(tier.ratio), intercept, key: k };
}

/** Effective haircut at `price`: 1 − value / (amount × price); 0 for a liability or nothing held. */
export function effectiveHaircut(rule: CollateralRule, price: Dec, value: Dec): Dec {
  const gross = rule.amount.times(price);
  if (!gross.isPositive() || gross.isZero()) return ZERO;
  return ONE.minus(value.div(gross));
}

/**
 * The position symbol whose mark the collateral's price follows: `priceSymbol` when a position has
 * it, else the first linear position (cross first) whose base asset is the collateral asset.
 * Stablecoins are never linked. null = the price is held fixed when marks move.
 */
export function linkedSymbolOf(entry: Collateral, positions: readonly Position[]): string | null {
  if (entry.priceSymbol !== undefined)
    return positions.some((p) => p.symbol === entry.priceSymbol) ? entry.priceSymbol : null;
  const asset = entry.asset.toUpperCase();
  if (STABLE_ASSETS.has(asset)) return null;
  // Linear contracts only: an inverse contract's price is the coin's price in USD while the account
  // values collateral in its settle asset, so an inverse link must be stated with `priceSymbol`.
  const candidates = positions.filter(
    (p) => !p.option && p.contractType === 'linear' && baseAssetOf(p.symbol) === asset,
  );
  const cross = candidates.find((p) => p.marginMode === 'cross');
  return (cross ?? candidates[0])?.symbol ?? null;
}

/** Total collateral value of a snapshot at its own prices (no link needed). */
export function snapshotCollateralValue(snapshot: AccountSnapshot): Dec {
  let total = ZERO;
  for (const entry of snapshot.collateral ?? []) {
    total = total.plus(collateralValueAt(collateralRule(entry), dec(entry.price)));
  }
  return total;
}
