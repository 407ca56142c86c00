// Builds a Monte Carlo job from snapshot + report + market (pure), and turns the kernel's survival
// curves back into LevelForecasts.
import type { AccountSnapshot, MarginReport } from '../contracts';
import type { MarketView } from './account';
import { fundingTimes } from './account';
import { clampProbability } from './firstPassage';
import { choleskyRepaired, defaultStepGrid, type MonteCarloJob, type MonteCarloResult } from './monteCarlo';
import { calibrationFor, symbolParams, type ForecastParams } from './params';
import type { CalibrationMap } from './calibration';
import { calibratedProbabilities } from './barrier';
import type { LevelForecast } from './types';

export interface MonteCarloInput {
  snapshot: AccountSnapshot;
  report: MarginReport;
  market: MarketView;
  params: ForecastParams;
  levels: readonly string[];
  nowMs: number;
}

const num = (s: string | null | undefined): number => {
  const v = Number(s ?? NaN);
  return Number.isFinite(v) ? v : 0;
};

/** The cross book as one job (assets aggregated per symbol), or null when there is none. */
export function buildMonteCarloJob(
  input: MonteCarloInput,
  paths: number,
  seed: number,
  nu = 4,
): { job: MonteCarloJob | null; levels: string[]; warnings: string[]; calibration: Record<string, CalibrationMap> } {
  const { snapshot, report, market, params, nowMs } = input;
  const warnings: string[] = [];
  const symbols: string[] = [];
  const exposure: number[] = [];
  const mmSens: number[] = [];
  let equity = num(report.account.marginBalance);
  let maintenance = num(report.account.maintenanceMargin);
  const stepEnds = defaultStepGrid();
  const fundingLossByStep = new Array<number>(stepEnds.length).fill(0);
  snapshot.positions.forEach((p, idx) => {
    const pr = report.positions[idx];
    if (!pr) return;
    if (p.marginMode === 'isolated') {
      equity -= num(p.isolatedMargin) + num(pr.unrealizedPnl);
      maintenance -= num(pr.maintenanceMargin);
      return;
    }
    const q = num(p.size) * num(p.contractSize) * (p.side === 'long' ? 1 : -1);
    const s = num(p.markPrice);
    let i = symbols.indexOf(p.symbol);
    if (i < 0) {
      i = symbols.push(p.symbol) - 1;
      exposure.push(0);
      mmSens.push(0);
    }
    exposure[i]! += q * s;
    mmSens[i]! += num(pr.maintenanceRate) * Math.abs(q) * s;
    const rate = num(p.fundingRate);
    for (const offset of fundingTimes(p, nowMs, params.fundingIntervalMin)) {
      const step = stepEnds.findIndex((t) => t >= offset);
      if (step >= 0) fundingLossByStep[step]! += rate * q * s;
    }
  });
  const levels = input.levels.filter((l) => Number(l) > 0);
  if (symbols.length === 0) return { job: null, levels, warnings, calibration: {} };
  const n = symbols.length;
  const sigma = new Float64Array(n);
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const s = market.sigma(symbols[i]!);
    if (s === null || !(s > 0)) warnings.push(`no price history for ${symbols[i]} yet: using the conservative default volatility`);
    // Never below the symbol's floor, as v1's cross-book reduction (a quiet hour is not a quiet day).
    sigma[i] = s !== null && s > 0 ? Math.max(s, symbolParams(params, symbols[i]!).volFloorPerMin) : params.fallbackSigmaPerMin;
    for (let j = 0; j < n; j++) {
      if (i === j) corr[i * n + j] = 1;
      else {
        const c = market.correlation(symbols[i]!, symbols[j]!);
        if (c === null && i < j) warnings.push(`no common history for ${symbols[i]} and ${symbols[j]}: assuming correlation ${params.fallbackCorrelation}`);
        corr[i * n + j] = c ?? params.fallbackCorrelation;
      }
    }
  }
  const chol = choleskyRepaired(sigma, corr, n);
  const job: MonteCarloJob = {
    paths,
    seed,
    nu,
    n,
    chol: Array.from(chol),
    exposure,
    mmSens,
    equity,
    maintenance,
    ks: levels.map((l) => 1 / Number(l)),
    stepEndsMin: stepEnds,
    fundingLossByStep,
  };
  // The alert thresholds are calibrated probabilities: the book's maps, as v1's reduction uses them.
  return { job, levels, warnings, calibration: calibrationFor(params, symbols) };
}

/**
 * P(H) = 1 − mean survival at H, through the calibration map of H and kept monotone across horizons
 * (as forecastBarrier); quantiles by linear interpolation of the averaged raw curve.
 */
export function levelsFromSurvival(result: MonteCarloResult, job: MonteCarloJob, levels: readonly string[], calibration: Record<string, CalibrationMap> = {}): LevelForecast[] {
  const { steps } = result;
  return levels.map((level, k) => {
    const hit = (j: number): number => clampProbability(1 - result.survival[k * steps + j]!);
    const probabilities = calibratedProbabilities((horizonMin) => {
      const j = job.stepEndsMin.indexOf(horizonMin);
      return j >= 0 ? hit(j) : 0;
    }, calibration);
    const start = job.equity - job.ks[k]! * job.maintenance;
    const quantile = (q: number): number | null => {
      if (!(start > 0)) return 0;
      let tPrev = 0;
      let pPrev = 0;
      for (let j = 0; j < steps; j++) {
        const p = hit(j);
        const t = job.stepEndsMin[j]!;
        if (p >= q) return Math.round((tPrev + ((q - pPrev) / Math.max(p - pPrev, 1e-12)) * (t - tPrev)) * 100) / 100;
        tPrev = t;
        pPrev = p;
      }
      return null;
    };
    return { level, probabilities, medianMinutes: quantile(0.5), q10Minutes: quantile(0.1) };
  });
}
