// One barrier (a trigger level for a position or a cross account) → LevelForecast.
import { applyCalibration, type CalibrationMap } from './calibration';
import { clampProbability, firstPassageProbability, quantileByBisection } from './firstPassage';
import { withJumpFloor } from './tail';
import { FORECAST_HORIZONS_MIN, type LevelForecast } from './types';

/** A funding settlement inside the forecast window: `loss` is distance lost (negative = gained). */
export interface FundingEvent {
  offsetMin: number;
  loss: number;
}

export interface BarrierInput {
  /** Distance to the trigger (log units for a price barrier, money for D_k). ≤ 0: already reached. */
  distance: number;
  /** Diffusion per √minute in the same units as `distance`. */
  sigmaPerMin: number;
  funding: FundingEvent[];
  /** Jumps per minute large enough to cover `distance` alone (tail floor). */
  jumpsPerMin: number;
  /**
   * Horizon-average σ for a window of tMin minutes (the σ term structure, horizonSigmaPerMin); when
   * absent every horizon uses `sigmaPerMin`. σ(t)²·t must not decrease in t (it does not for the term
   * structure), so the CDF used for the time-to-trigger quantiles stays monotone.
   */
  sigmaAtHorizon?: (tMin: number) => number;
}

export const MAX_HORIZON_MIN = 1440;

export function fundingLossBy(funding: readonly FundingEvent[], tMin: number): number {
  let loss = 0;
  for (const f of funding) if (f.offsetMin <= tMin) loss += f.loss;
  return loss;
}

/**
 * Raw (uncalibrated) P(trigger within tMin). Funding is carried as a deterministic drift equal to
 * the settlements falling inside the window, spread over it (FORECAST.md §1.2 "funding carry").
 */
export function rawHitProbability(input: BarrierInput, tMin: number): number {
  if (!(input.distance > 0)) return 1;
  if (!(tMin > 0)) return 0;
  const mu = fundingLossBy(input.funding, tMin) / tMin;
  const sigma = input.sigmaAtHorizon ? input.sigmaAtHorizon(tMin) : input.sigmaPerMin;
  const pGauss = firstPassageProbability(input.distance, Number.isFinite(sigma) && sigma > 0 ? sigma : input.sigmaPerMin, mu, tMin);
  return withJumpFloor(pGauss, input.jumpsPerMin, tMin);
}

/**
 * Calibrated P per forecast horizon from raw ones, each through its horizon's map; a longer horizon is
 * never less likely, so the numbers are kept monotone across horizons. Shared by v1 and v2.
 */
export function calibratedProbabilities(raw: (horizonMin: number) => number, calibration: Record<string, CalibrationMap>): LevelForecast['probabilities'] {
  let previous = 0;
  return FORECAST_HORIZONS_MIN.map((horizonMin) => {
    const p = Math.max(previous, clampProbability(applyCalibration(calibration[String(horizonMin)], raw(horizonMin))));
    previous = p;
    return { horizonMin, probability: p };
  });
}

export function forecastBarrier(level: string, input: BarrierInput, calibration: Record<string, CalibrationMap>): LevelForecast {
  const probabilities = calibratedProbabilities((h) => rawHitProbability(input, h), calibration);
  const cdf = (t: number): number => rawHitProbability(input, t);
  const alreadyThere = !(input.distance > 0);
  return {
    level,
    probabilities,
    medianMinutes: alreadyThere ? 0 : roundMinutes(quantileByBisection(cdf, 0.5, MAX_HORIZON_MIN)),
    q10Minutes: alreadyThere ? 0 : roundMinutes(quantileByBisection(cdf, 0.1, MAX_HORIZON_MIN)),
  };
}

function roundMinutes(t: number | null): number | null {
  return t === null || !Number.isFinite(t) ? null : Math.round(t * 100) / 100;
}

/** Worst of several forecasts of the same level: max probability, earliest times. */
export function worstOf(level: string, forecasts: readonly LevelForecast[]): LevelForecast | null {
  if (forecasts.length === 0) return null;
  const probabilities = FORECAST_HORIZONS_MIN.map((horizonMin) => ({
    horizonMin,
    probability: Math.max(...forecasts.map((f) => f.probabilities.find((p) => p.horizonMin === horizonMin)?.probability ?? 0)),
  }));
  const earliest = (pick: (f: LevelForecast) => number | null): number | null => {
    let best: number | null = null;
    for (const f of forecasts) {
      const v = pick(f);
      if (v !== null && (best === null || v < best)) best = v;
    }
    return best;
  };
  return { level, probabilities, medianMinutes: earliest((f) => f.medianMinutes), q10Minutes: earliest((f) => f.q10Minutes) };
}
