// The placebo σ factor (FORECAST.md §8.25): a persistent random factor on the model's σ that carries no
// information, to measure how far the scored figures move by chance.
import { describe, expect, it } from 'vitest';
import { placeboLogMultipliers, V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, runBacktestFile } from '../../../src/backtest/run';
import { syntheticSeries } from './synthetic';

describe('placebo σ factor', () => {
  it('is a stationary log-AR(1) with the asked sd and the fast half-life, fixed by its seed', () => {
    const x = placeboLogMultipliers(200_000, 1, 30, { sd: 0.05, seed: 7 });
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    let lag30 = 0;
    for (let t = 30; t < x.length; t++) lag30 += (x[t]! - mean) * (x[t - 30]! - mean);
    expect(sd).toBeGreaterThan(0.045);
    expect(sd).toBeLessThan(0.055);
    expect(lag30 / (x.length - 30) / sd ** 2).toBeCloseTo(0.5, 1); // half-life 30 bars
    expect(placeboLogMultipliers(100, 1, 30, { sd: 0.05, seed: 7 })).toEqual(x.subarray(0, 100));
    expect(placeboLogMultipliers(100, 1, 30, { sd: 0.05, seed: 8 })).not.toEqual(x.subarray(0, 100));
  });

  it('changes the model only, and differently for another seed', () => {
    const series = syntheticSeries();
    const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
    const run = (placebo?: { sd: number; seed: number }) => {
      const totals = new BacktestTotals();
      const modelSigma = placebo ? { ...V3_MODEL_SIGMA, placebo } : V3_MODEL_SIGMA;
      runBacktestFile({ series, book: { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma, fixedCalibration: calibration } }, totals);
      return buildJson(totals, false);
    };
    const plain = run();
    const one = run({ sd: 0.2, seed: 1 });
    expect(one.rules.model).not.toEqual(plain.rules.model);
    expect(one.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(run({ sd: 0.2, seed: 2 }).rules.model).not.toEqual(one.rules.model);
  }, 90_000); // three backtest runs: slow on a loaded 2-core machine
});
