// AccountSnapshot — "marginwatch.snapshot/1" (docs/CONTRACTS.md).
// The engine's input. Every number is a decimal string; unknown fields are rejected.
// Fields beyond CONTRACTS.md are optional and additive (documented in docs/CONTRACTS.md).
import { z } from 'zod';
import { type DecimalSign, decimalInputProblem } from './decimalBounds';

export const SNAPSHOT_SCHEMA = 'marginwatch.snapshot/1' as const;

export const VENUES = [
  'binance-usdm',
  'binance-coinm',
  'bybit',
  'okx',
  'hyperliquid',
  'deribit',
  'gate',
] as const;
export type VenueId = (typeof VENUES)[number];

const DECIMAL_RE = /^-?(?:\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** A finite decimal number written as a JSON string ("123.45"), never a JSON number. */
export const decimalString = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a decimal string') })
  .regex(DECIMAL_RE, { error: 'must be a decimal string such as "123.45"' });

/**
 * A decimal input inside the range the engine computes exactly (docs/CONTRACTS.md "Number range"), with
 * its sign rule. Format, range and sign are one check (decimalInputProblem): the same first message as
 * the format regex, range and sign refinements would give one after the other, at a third of zod's
 * per-check cost on the ~1,000 numbers of a 100-position snapshot.
 */
const inputDecimal = (sign: DecimalSign) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a decimal string') })
    .check((ctx) => {
      const problem = decimalInputProblem(ctx.value, sign);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    });

const boundedDecimal = inputDecimal('any');
const nonNegativeDecimal = inputDecimal('nonNegative');
const positiveDecimal = inputDecimal('positive');

export const tierSchema = z.strictObject({
  floor: nonNegativeDecimal,
  cap: positiveDecimal,
  maintenanceRate: nonNegativeDecimal,
  maintenanceAmount: boundedDecimal,
  maxLeverage: positiveDecimal,
});
export type Tier = z.infer<typeof tierSchema>;

export const reportedFiguresSchema = z.strictObject({
  liquidationPrice: boundedDecimal.optional(),
  maintenanceMargin: boundedDecimal.optional(),
  marginRatio: boundedDecimal.optional(),
  unrealizedPnl: boundedDecimal.optional(),
  initialMargin: boundedDecimal.optional(),
});
export type ReportedFigures = z.infer<typeof reportedFiguresSchema>;

/** Deribit inverse option (additive, optional): premium-quoted position, margined on the underlying. */
export const optionSchema = z.strictObject({
  type: z.enum(['call', 'put']),
  strike: positiveDecimal,
  /** Underlying (index) price in the quote currency, e.g. USD. */
  underlyingPrice: positiveDecimal,
  /**
   * Additive, optional: expiry (ISO time), used to reprice the option when the underlying moves
   * (portfolio margin scenarios, trigger scan). The volatility is implied from markPrice unless
   * `markIv` (a fraction: Deribit's mark_iv / 100) is given.
   */
  expiry: z.iso.datetime({ offset: true }).optional(),
  markIv: positiveDecimal.optional(),
});
export type OptionTerms = z.infer<typeof optionSchema>;

export const positionSchema = z.strictObject({
  symbol: z.string().min(1, { error: 'must not be empty' }),
  contractType: z.enum(['linear', 'inverse']),
  marginMode: z.enum(['cross', 'isolated']),
  positionSide: z.enum(['both', 'long', 'short']),
  side: z.enum(['long', 'short']),
  size: positiveDecimal,
  contractSize: positiveDecimal,
  entryPrice: positiveDecimal,
  markPrice: positiveDecimal,
  leverage: positiveDecimal,
  isolatedMargin: nonNegativeDecimal.optional(),
  takerFeeRate: nonNegativeDecimal.optional(),
  tiers: z.array(tierSchema).optional(),
  reported: reportedFiguresSchema.optional(),
  // Additive, optional: funding for the forecast, tick/lot for display.
  fundingRate: boundedDecimal.optional(),
  nextFundingTime: z.iso.datetime({ offset: true }).optional(),
  tickSize: positiveDecimal.optional(),
  lotSize: positiveDecimal.optional(),
  // Additive, optional: an option position (Deribit); markPrice/entryPrice are then premiums in settleAsset.
  option: optionSchema.optional(),
});
export type Position = z.infer<typeof positionSchema>;

/**
 * One slice of a tiered collateral ratio (Bybit UTA collateral-value ratio, OKX discount rate): the part
 * of the holding between `floor` and `cap` counts at `ratio` (progressive, like tax brackets). `cap`
 * absent = no upper limit. Floors/caps are coin amounts or settle-asset values per `tierBasis`.
 */
export const collateralTierSchema = z.strictObject({
  floor: nonNegativeDecimal,
  cap: positiveDecimal.optional(),
  ratio: nonNegativeDecimal,
});
export type CollateralTier = z.infer<typeof collateralTierSchema>;

export const collateralSchema = z.strictObject({
  asset: z.string().min(1),
  amount: boundedDecimal,
  /** Price of one unit in the settle asset (Binance Multi-Assets: the asset index). */
  price: positiveDecimal,
  /** Flat haircut: value = amount × price × (1 − haircut). Ignored for the part `tiers` cover. */
  haircut: nonNegativeDecimal,
  // Additive, optional (docs/CONTRACTS.md): tiered ratios, the venue's collateral switch, and the
  // position symbol whose mark the asset's price moves with (wrong-way risk; inferred when absent).
  tiers: z.array(collateralTierSchema).optional(),
  tierBasis: z.enum(['amount', 'value']).optional(),
  collateralSwitch: z.boolean().optional(),
  priceSymbol: z.string().min(1).optional(),
});
export type Collateral = z.infer<typeof collateralSchema>;

export const accountSnapshotSchema = z.strictObject({
  schema: z.literal(SNAPSHOT_SCHEMA),
  venue: z.enum(VENUES),
  asOf: z.iso.datetime({ offset: true }),
  positionMode: z.enum(['oneway', 'hedge']),
  settleAsset: z.string().min(1),
  crossWalletBalance: boundedDecimal,
  collateral: z.array(collateralSchema).optional(),
  /** Additive, optional: Deribit portfolio margin (S:PM) instead of the standard per-position rules. */
  marginModel: z.enum(['standard', 'portfolio']).optional(),
  positions: z.array(positionSchema),
});
export type AccountSnapshot = z.infer<typeof accountSnapshotSchema>;
