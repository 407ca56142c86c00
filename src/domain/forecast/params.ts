// Parameters of the v1 model: what scripts/fit-forecast.ts writes to resources/forecast/params.json
// and what the backtest fits walk-forward. Validated with zod when loaded from disk.
import { z } from 'zod';
import type { CalibrationMap } from './calibration';
import type { JumpTail } from './tail';
import { FORECAST_HORIZONS_MIN } from './types';

export interface SymbolParams {
  /** Per-minute σ floor (10th percentile of the historical σ). */
  volFloorPerMin: number;
  /** Adverse moves down (hurt longs) and up (hurt shorts). */
  tailDown: JumpTail;
  tailUp: JumpTail;
  /** Key into ForecastParams.classCalibration ("majors", "alts"); absent = the pooled maps. */
  calibrationClass?: string;
}

export interface ForecastParams {
  fastHalfLifeMin: number;
  slowHalfLifeMin: number;
  minReturns: number;
  /** σ used (with a warning) for a symbol without history yet: conservative on purpose. */
  fallbackSigmaPerMin: number;
  /** Correlation assumed between two symbols without common history (with a warning). */
  fallbackCorrelation: number;
  /** Funding interval assumed after nextFundingTime (the snapshot does not carry it). */
  fundingIntervalMin: number;
  symbols: Record<string, SymbolParams>;
  defaults: SymbolParams;
  /** Isotonic maps keyed by horizon in minutes ("15", "60", "240", "1440"); absent = raw. */
  calibration: Record<string, CalibrationMap>;
  /**
   * Isotonic maps per calibration class (issue 12: one pooled map over-predicts on alts and
   * under-predicts on BTC/ETH). A symbol uses its class's maps; `calibration` stays the pooled fallback.
   */
  classCalibration?: Record<string, Record<string, CalibrationMap>>;
  /** Where the numbers came from (file names, dates), for docs and the UI's "about". */
  provenance: string;
  /** Isolated positions use the horizon σ term structure (horizonSigmaPerMin) instead of max(fast, slow). */
  sigmaTermStructure?: boolean;
  /**
   * Per-position forecasts shrink σ's excess over the symbol's floor: σ' = floor·(σ/floor)^α
   * (shrinkTowardFloor, FORECAST.md §8.19); absent = α 1, the plain σ. The cross-book reduction keeps σ.
   */
  sigmaShrink?: number;
}

// 1e-4/√min ≈ 7% annualised: a deliberately low floor; fitted values replace it.
const DEFAULT_TAIL: JumpTail = { ratePerMin: 1.5e-5, x0: 0.02, alpha: 3 };

export const DEFAULT_PARAMS: ForecastParams = {
  fastHalfLifeMin: 30,
  slowHalfLifeMin: 1440,
  minReturns: 30,
  // ≈ 150% annualised per √minute: an unknown symbol is treated as volatile, not as safe.
  fallbackSigmaPerMin: 1.5 / Math.sqrt(525_600),
  fallbackCorrelation: 0.8,
  fundingIntervalMin: 480,
  symbols: {},
  defaults: { volFloorPerMin: 1e-4, tailDown: DEFAULT_TAIL, tailUp: DEFAULT_TAIL },
  calibration: {},
  provenance: 'built-in defaults (no fitted parameters loaded)',
};

const finitePositive = z.number().finite().positive();
const tailSchema = z.strictObject({ ratePerMin: z.number().finite().nonnegative(), x0: finitePositive, alpha: finitePositive });
const symbolSchema = z.strictObject({ volFloorPerMin: z.number().finite().nonnegative(), tailDown: tailSchema, tailUp: tailSchema, calibrationClass: z.string().min(1).optional() });
const mapSchema = z
  .strictObject({ x: z.array(z.number().finite().min(0).max(1)), y: z.array(z.number().finite().min(0).max(1)) })
  .refine((m) => m.x.length === m.y.length && m.x.length > 0, { error: 'x and y must have the same non-zero length' })
  .refine((m) => m.x.every((v, i) => i === 0 || v > m.x[i - 1]!) && m.y.every((v, i) => i === 0 || v >= m.y[i - 1]!), {
    error: 'x must increase and y must not decrease',
  });

const horizonMaps = z.record(z.enum(FORECAST_HORIZONS_MIN.map(String) as [string, ...string[]]), mapSchema);

export const forecastParamsSchema = z.strictObject({
  fastHalfLifeMin: finitePositive,
  slowHalfLifeMin: finitePositive,
  minReturns: z.number().int().nonnegative(),
  fallbackSigmaPerMin: finitePositive,
  fallbackCorrelation: z.number().finite().min(-1).max(1),
  fundingIntervalMin: finitePositive,
  symbols: z.record(z.string(), symbolSchema),
  defaults: symbolSchema,
  calibration: horizonMaps,
  classCalibration: z.record(z.string().min(1), horizonMaps).optional(),
  provenance: z.string(),
  sigmaTermStructure: z.boolean().optional(),
  sigmaShrink: z.number().finite().min(0).max(1).optional(),
});

export function symbolParams(params: ForecastParams, symbol: string): SymbolParams {
  return params.symbols[symbol] ?? params.symbols[baseAssetKey(symbol)] ?? params.defaults;
}

/**
 * Calibration maps for a forecast over these symbols: their class's maps when they all share one
 * class that has maps, otherwise (mixed cross book, no class) the pooled maps.
 */
export function calibrationFor(params: ForecastParams, symbols: readonly string[]): Record<string, CalibrationMap> {
  const classes = new Set(symbols.map((s) => symbolParams(params, s).calibrationClass));
  if (classes.size !== 1) return params.calibration;
  const cls = [...classes][0];
  return (cls !== undefined ? params.classCalibration?.[cls] : undefined) ?? params.calibration;
}

/** "BTCUSDT", "BTC/USDT:USDT", "BTC-USDT-SWAP" → "BTC": fitted tails are per base asset. */
export function baseAssetKey(symbol: string): string {
  const s = symbol.toUpperCase();
  const m = /^([A-Z0-9]+?)(?:[-/_:]|USDT|USDC|USD|BUSD|PERP|$)/.exec(s);
  return m?.[1] ?? s;
}
