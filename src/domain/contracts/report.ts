// MarginReport — "marginwatch.report/1" (docs/CONTRACTS.md).
// The engine's output. Every number is a decimal string; absent values are null, never "0" or NaN.
import { z } from 'zod';
import { decimalString, VENUES } from './snapshot';

export const REPORT_SCHEMA = 'marginwatch.report/1' as const;

export const discrepancySchema = z.strictObject({
  field: z.string(),
  ours: decimalString.nullable(),
  venue: decimalString,
  relative: decimalString.nullable(),
});
export type Discrepancy = z.infer<typeof discrepancySchema>;

/** Mark price at which the account's normalised margin ratio reaches `level`, other prices held. */
export const triggerPriceSchema = z.strictObject({
  level: decimalString,
  price: decimalString.nullable(),
});
export type TriggerPrice = z.infer<typeof triggerPriceSchema>;

export const positionReportSchema = z.strictObject({
  symbol: z.string(),
  positionSide: z.enum(['both', 'long', 'short']),
  marginMode: z.enum(['cross', 'isolated']),
  notional: decimalString,
  unrealizedPnl: decimalString,
  initialMargin: decimalString,
  maintenanceRate: decimalString,
  maintenanceAmount: decimalString,
  maintenanceMargin: decimalString,
  liquidationPrice: decimalString.nullable(),
  bankruptcyPrice: decimalString.nullable(),
  distanceToLiquidation: decimalString.nullable(),
  reduceToTarget: decimalString.nullable(),
  triggerPrices: z.array(triggerPriceSchema),
  discrepancy: discrepancySchema.nullable(),
  /**
   * Additive, optional: normalised ratio of the margin this position draws on — the cross account, or
   * its own isolated margin (1 = liquidation). Lets alerts watch isolated positions in a cross account.
   */
  marginRatio: decimalString.optional(),
});
export type PositionReport = z.infer<typeof positionReportSchema>;

/** One collateral entry as the engine counted it (additive; present when the snapshot has collateral). */
export const collateralValuationSchema = z.strictObject({
  asset: z.string(),
  amount: decimalString,
  /** Price of one unit in the settle asset, at the report's marks (linked entries follow their symbol). */
  price: decimalString,
  /** What the venue counts: after the haircut or the tiered ratios, in the settle asset. */
  value: decimalString,
  /** Effective haircut 1 − value / (amount × price); "0" for a liability. */
  haircut: decimalString,
  /** Position symbol whose mark this asset's price follows (wrong-way risk), null when held fixed. */
  linkedSymbol: z.string().nullable(),
});
export type CollateralValuation = z.infer<typeof collateralValuationSchema>;

/**
 * Why collateral moves the account's risk (additive): for the danger strip and advice. `wrong-way`:
 * the collateral falls with a cross position that loses as the same asset falls.
 */
export const collateralRiskSchema = z.strictObject({
  asset: z.string(),
  symbol: z.string(),
  kind: z.enum(['wrong-way', 'collateral-moves']),
  /** Change of the counted value if the asset falls 1 %, settle asset (negative: covers less). */
  valuePerPercentFall: decimalString,
  /** Plain sentence, e.g. "your BTC collateral covers less as BTC falls". */
  reason: z.string(),
});
export type CollateralRisk = z.infer<typeof collateralRiskSchema>;

export const accountReportSchema = z.strictObject({
  walletBalance: decimalString,
  unrealizedPnl: decimalString,
  marginBalance: decimalString,
  initialMargin: decimalString,
  maintenanceMargin: decimalString,
  availableBalance: decimalString,
  marginRatio: decimalString.nullable(),
  venueMarginRatio: decimalString.nullable(),
  topUpToTarget: decimalString,
  collateral: z.array(collateralValuationSchema).optional(),
  collateralRisk: z.array(collateralRiskSchema).optional(),
});
export type AccountReport = z.infer<typeof accountReportSchema>;

export const marginReportSchema = z.strictObject({
  schema: z.literal(REPORT_SCHEMA),
  venue: z.enum(VENUES),
  asOf: z.iso.datetime({ offset: true }),
  settleAsset: z.string(),
  account: accountReportSchema,
  positions: z.array(positionReportSchema),
  warnings: z.array(z.string()),
});
export type MarginReport = z.infer<typeof marginReportSchema>;

export interface EngineOptions {
  /** Normalised margin ratio the top-up / reduce numbers aim for (default "0.5"). */
  targetMarginRatio?: string;
  /** Normalised margin-ratio levels to compute trigger prices for (default ["0.7","0.8","1"]). */
  triggerLevels?: readonly string[];
}
