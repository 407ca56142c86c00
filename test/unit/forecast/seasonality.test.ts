// Intraday seasonality of volatility (FORECAST.md §8.22), scored opt-in (`forecast-eval --seasonality`).
import { describe, expect, it } from 'vitest';
import { V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, runBacktestFile } from '../../../src/backtest/run';
import { Xoshiro128 } from '../../../src/domain/forecast';
import {
  averageProfiles,
  fitIntradayProfile,
  isIntradayProfile,
  meanSeasonalFactor,
  normaliseProfile,
  seasonalFactorAt,
} from '../../../src/domain/forecast/seasonality';
import { syntheticSeries } from './synthetic';

const DAY0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
/** Factor 2 in the UTC hours 13–16, 0.5 elsewhere before normalising. */
const raw = Array.from({ length: 24 }, (_, h) => (h >= 13 && h < 17 ? 2 : 0.5));

describe('intraday profile', () => {
  it('normalises to mean 1 and rejects anything but 24 positive factors', () => {
    const p = normaliseProfile(raw)!;
    expect(p.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 12);
    expect(p[14]! / p[3]!).toBeCloseTo(4, 12);
    expect(isIntradayProfile(p)).toBe(true);
    expect(normaliseProfile(raw.slice(1))).toBeNull();
    expect(normaliseProfile([...raw.slice(1), 0])).toBeNull();
    expect(isIntradayProfile([...raw.slice(1), Number.NaN])).toBe(false);
  });

  it('reads the factor of the hour that contains a time, and the minute-weighted mean over a horizon', () => {
    const p = normaliseProfile(raw)!;
    expect(seasonalFactorAt(p, DAY0 + 14 * HOUR + 59 * 60_000)).toBe(p[14]);
    expect(seasonalFactorAt(p, DAY0 + 17 * HOUR)).toBe(p[17]);
    // 12:30 + 60 min: half an hour at hour 12, half at hour 13
    expect(meanSeasonalFactor(p, DAY0 + 12.5 * HOUR, 60)).toBeCloseTo((p[12]! + p[13]!) / 2, 12);
    // a whole day is the profile's mean
    expect(meanSeasonalFactor(p, DAY0 + 5.25 * HOUR, 1440)).toBeCloseTo(1, 12);
    expect(meanSeasonalFactor(p, DAY0 + 3 * HOUR, 0)).toBe(p[3]);
  });

  it('averages the training files’ profiles and renormalises', () => {
    const a = normaliseProfile(raw)!;
    const b = normaliseProfile(raw.map((v, h) => (h === 0 ? 3 : v)))!;
    const m = averageProfiles([a, b])!;
    expect(m.reduce((x, y) => x + y, 0) / 24).toBeCloseTo(1, 12);
    expect(m[0]!).toBeGreaterThan(a[0]!);
    expect(averageProfiles([])).toBeNull();
  });

  it('recovers a session pattern from a simulated price series, and a single crash minute cannot dominate', () => {
    const rng = new Xoshiro128(11);
    const n = 20 * 1440;
    const time = new Float64Array(n);
    const close = new Float64Array(n);
    let px = 100;
    for (let i = 0; i < n; i++) {
      time[i] = DAY0 + i * 60_000;
      const h = new Date(time[i]!).getUTCHours();
      const sd = 0.001 * Math.sqrt(raw[h]!);
      px *= Math.exp(sd * rng.nextNormal());
      if (i === 5 * 1440 + 4 * 60) px *= 0.7; // a −30 % minute at 04:00
      close[i] = px;
    }
    const p = fitIntradayProfile(time, close, 1)!;
    expect(p).not.toBeNull();
    expect(p[14]! / p[3]!).toBeGreaterThan(3.3);
    expect(p[14]! / p[3]!).toBeLessThan(4.7);
    expect(p[4]!).toBeLessThan(p[14]! / 2);
    // too little data per hour: no profile
    expect(fitIntradayProfile(time.subarray(0, 600), close.subarray(0, 600), 1)).toBeNull();
  });
});

describe('seasonality in the backtest', () => {
  const series = syntheticSeries();
  const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
  const run = (seasonality?: readonly number[]) => {
    const totals = new BacktestTotals();
    const modelSigma = seasonality ? { ...V3_MODEL_SIGMA, seasonality } : V3_MODEL_SIGMA;
    runBacktestFile({ series, book: { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma, fixedCalibration: calibration } }, totals);
    return buildJson(totals, false);
  };

  it('a flat profile is the plain model; a session profile changes the model only', () => {
    const plain = run();
    expect(run(new Array(24).fill(1))).toEqual(plain);
    const seasonal = run(normaliseProfile(raw)!);
    expect(seasonal.rules.model).not.toEqual(plain.rules.model);
    expect(seasonal.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(seasonal.rules.volScaled).toEqual(plain.rules.volScaled);
  }, 90_000); // backtest runs: slow on a loaded 2-core machine
});
