// Volume activity as a short-term volatility signal (FORECAST.md §8.24), scored opt-in
// (`forecast-eval --volume-activity`).
import { describe, expect, it } from 'vitest';
import { V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, runBacktestFile } from '../../../src/backtest/run';
import { activitySamples } from '../../../src/backtest/volumeActivity';
import { normCdf, Xoshiro128 } from '../../../src/domain/forecast';
import {
  ACTIVITY_CLAMP,
  ACTIVITY_EVENT_Z,
  activityRatios,
  activityVarianceMultiplier,
  fitActivityBeta,
  type ActivitySample,
} from '../../../src/domain/forecast/volumeActivity';
import { parseCandleCsv } from '../../../src/backtest/candles';
import { syntheticSeries } from './synthetic';

describe('activity ratio', () => {
  it('is 1 for steady volume and during the first hour, jumps with a burst and decays after it, within the clamp', () => {
    const volume = new Float64Array(240).fill(10);
    for (let t = 120; t < 125; t++) volume[t] = 60;
    const a = activityRatios(volume, 1);
    expect(a[30]).toBe(1); // warm-up
    expect(a[100]).toBeCloseTo(1, 12);
    expect(a[124]!).toBeGreaterThan(2);
    expect(a[124]!).toBeLessThanOrEqual(ACTIVITY_CLAMP);
    expect(a[140]!).toBeLessThan(a[124]!);
    expect(a[200]!).toBeLessThan(1); // the long average still remembers the burst
    const silent = activityRatios(new Float64Array(120), 1);
    expect([...silent].every((v) => v === 1)).toBe(true);
    const dead = new Float64Array(200).fill(10);
    for (let t = 100; t < 200; t++) dead[t] = 0;
    expect(activityRatios(dead, 1)[150]).toBe(1 / ACTIVITY_CLAMP);
  });

  it('scales the variance by a^β now and decays to 1 over long horizons; β = 0 is no change', () => {
    expect(activityVarianceMultiplier(3, 0, 60)).toBe(1);
    expect(activityVarianceMultiplier(3, 0.5, 0)).toBeCloseTo(Math.sqrt(3), 12);
    expect(activityVarianceMultiplier(3, 0.5, 1440)).toBeLessThan(1.01);
    expect(activityVarianceMultiplier(0.25, 1, 15)).toBeLessThan(1);
    expect(activityVarianceMultiplier(Number.NaN, 1, 15)).toBe(1);
  });
});

describe('activity exponent fit', () => {
  const simulate = (beta: number, c: number, n: number, seed: number): ActivitySample[] => {
    const rng = new Xoshiro128(seed);
    return Array.from({ length: n }, () => {
      const a = Math.exp(0.6 * rng.nextNormal());
      const p = Math.min(1, c * 4 * (1 - normCdf(ACTIVITY_EVENT_Z / Math.sqrt(Math.pow(a, beta)))));
      return { a, hit: rng.nextFloat() < p };
    });
  };

  it('recovers the exponent and level of simulated samples, and finds none where activity adds nothing', () => {
    const fit = fitActivityBeta(simulate(0.4, 1.5, 40_000, 3));
    expect(fit.beta).toBeGreaterThanOrEqual(0.3);
    expect(fit.beta).toBeLessThanOrEqual(0.5);
    expect(fit.c).toBeGreaterThan(1.2);
    expect(fit.c).toBeLessThan(1.8);
    expect(fitActivityBeta(simulate(0, 1.5, 40_000, 4)).beta).toBeLessThanOrEqual(0.1);
  });

  it('samples a candle file with volume every 15 minutes after a day, and refuses one without', () => {
    const rows = ['timestamp_ms,open,high,low,close,volume'];
    for (let i = 0; i < 3000; i++) {
      const [o, c] = [100 + (i % 5), 100 + ((i + 1) % 5)];
      rows.push(`${i * 60_000},${o},${Math.max(o, c) + 0.5},${Math.min(o, c) - 0.5},${c},${10 + (i % 7)}`);
    }
    const series = parseCandleCsv(rows.join('\n'), 'v.csv');
    const samples = activitySamples(series);
    expect(samples.length).toBe(Math.floor((3000 - 15 - 1440 - 1) / 15) + 1);
    expect(() => activitySamples(syntheticSeries())).toThrow(/no volume/);
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,5\n60000,1,1,1,1,-1\n', 'n.csv')).toThrow(/n.csv:3: volume/);
  });
});

describe('volume activity in the backtest', () => {
  const base = syntheticSeries();
  const volume = new Float64Array(base.time.length).map((_, i) => 100 * (1 + 2 * Math.abs(Math.sin(i / 37))));
  const series = { ...base, volume };
  const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
  const run = (activityBeta?: number) => {
    const totals = new BacktestTotals();
    const modelSigma = activityBeta === undefined ? V3_MODEL_SIGMA : { ...V3_MODEL_SIGMA, activityBeta };
    runBacktestFile({ series, book: { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma, fixedCalibration: calibration } }, totals);
    return buildJson(totals, false);
  };

  it('β = 0 is the plain model; β > 0 changes the model only', () => {
    const plain = run();
    expect(run(0)).toEqual(plain);
    const active = run(0.5);
    expect(active.rules.model).not.toEqual(plain.rules.model);
    expect(active.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(active.rules.volScaled).toEqual(plain.rules.volScaled);
  }, 90_000); // three backtest runs: slow on a loaded 2-core machine
});
