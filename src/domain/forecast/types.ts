// What the forecast hands to the alert reducer, the store and the UI.
// Probabilities are plain numbers in [0, 1] (statistics, not money); never NaN.

export const FORECAST_HORIZONS_MIN = [15, 60, 240, 1440] as const;
export type ForecastHorizonMin = (typeof FORECAST_HORIZONS_MIN)[number];

export interface LevelForecast {
  /** Normalised margin-ratio level this forecast is about ("1" = liquidation). */
  level: string;
  /** P(trigger within horizon), calibrated, one entry per FORECAST_HORIZONS_MIN. */
  probabilities: { horizonMin: ForecastHorizonMin; probability: number }[];
  /** Minutes until the trigger is reached with 50% / 10% probability; null when beyond 24 h. */
  medianMinutes: number | null;
  q10Minutes: number | null;
}

export interface PositionForecast {
  symbol: string;
  positionSide: 'both' | 'long' | 'short';
  levels: LevelForecast[];
}

export interface AccountForecast {
  asOf: string;
  model: 'v1-closed-form' | 'v2-monte-carlo';
  /** Account-level (cross) forecast per level; isolated-only accounts use the worst position. */
  levels: LevelForecast[];
  positions: PositionForecast[];
  /** Why a number could not be computed (e.g. "no price history for ETHUSDT yet"). */
  warnings: string[];
}
