// MarginReport — "marginwatch.report/1" (../../shared/design/CONTRACTS.md).
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
