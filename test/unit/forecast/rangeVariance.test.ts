// Range-based variance for the model's σ (FORECAST.md §8.21): each candle's Garman–Klass variance fed to
// the EWMA instead of its squared return, scored opt-in (`forecast-eval --range-variance`).
import { describe, expect, it } from 'vitest';
import { V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, runBacktestFile } from '../../../src/backtest/run';
import {
  DEFAULT_VOL_CONFIG,
  garmanKlassVariance,
  newVolState,
  sigmaPerMin,
  updateVol,
  updateVolVariance,
  Xoshiro128,
} from '../../../src/domain/forecast';
import { syntheticSeries } from './synthetic';

/** Bars of a driftless Brownian path sampled `steps` times per bar: per-bar variance sigma². */
function brownianBars(bars: number, steps: number, sigma: number, seed: number) {
  const rng = new Xoshiro128(seed);
  const out: { prevClose: number; open: number; high: number; low: number; close: number }[] = [];
  let logPx = Math.log(100);
  for (let b = 0; b < bars; b++) {
    const prevClose = Math.exp(logPx);
    let hi = logPx;
    let lo = logPx;
    for (let s = 0; s < steps; s++) {
      logPx += sigma * Math.sqrt(1 / steps) * rng.nextNormal();
      hi = Math.max(hi, logPx);
      lo = Math.min(lo, logPx);
    }
    out.push({ prevClose, open: prevClose, high: Math.exp(hi), low: Math.exp(lo), close: Math.exp(logPx) });
  }
  return out;
}

describe('garmanKlassVariance', () => {
  it('weighs a bar whose range is its own move at 0.114 of the squared move, and adds the gap from the previous close', () => {
    // high/low equal to open/close: 0.5·h² − 0.386·h² = 0.114·h² of the move, plus the gap²
    const r = Math.log(101 / 100);
    expect(garmanKlassVariance(100, 100, 101, 100, 101)).toBeCloseTo((0.5 - (2 * Math.LN2 - 1)) * r * r, 15);
    expect(garmanKlassVariance(99, 100, 100, 100, 100)).toBeCloseTo(Math.log(100 / 99) ** 2, 15);
  });

  it('is never negative, and NaN for a malformed candle (which the EWMA ignores)', () => {
    for (const c of [99, 100, 101, 102]) expect(garmanKlassVariance(100, 100, 102, 99, c)).toBeGreaterThanOrEqual(0);
    expect(garmanKlassVariance(100, 100, 99, 101, 100)).toBeNaN();
    expect(garmanKlassVariance(0, 100, 101, 99, 100)).toBeNaN();
    const state = newVolState();
    updateVolVariance(state, Number.NaN, 1, DEFAULT_VOL_CONFIG);
    updateVolVariance(state, -1e-6, 1, DEFAULT_VOL_CONFIG);
    expect(state.count).toBe(0);
  });

  it('measures the same variance as the squared return, with far less noise (Brownian bars)', () => {
    const sigma = 0.002;
    const bars = brownianBars(4000, 400, sigma, 7);
    const gk = bars.map((b) => garmanKlassVariance(b.prevClose, b.open, b.high, b.low, b.close));
    const r2 = bars.map((b) => Math.log(b.close / b.prevClose) ** 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs: number[]) => mean(xs.map((x) => (x - mean(xs)) ** 2));
    // A path sampled 400 times per bar misses a little of its true range: GK reads a few % low.
    expect(mean(gk) / (sigma * sigma)).toBeGreaterThan(0.9);
    expect(mean(gk) / (sigma * sigma)).toBeLessThan(1.05);
    expect(mean(r2) / (sigma * sigma)).toBeGreaterThan(0.9);
    // Efficiency: about 1/7 of the squared return's variance in theory.
    expect(variance(gk) / variance(r2)).toBeLessThan(0.25);
  });
});

describe('updateVolVariance', () => {
  it('is updateVol fed a squared return', () => {
    const a = newVolState();
    const b = newVolState();
    for (const r of [0.001, -0.003, 0.002, 0.0005]) {
      updateVol(a, r, 1, DEFAULT_VOL_CONFIG);
      updateVolVariance(b, r * r, 1, DEFAULT_VOL_CONFIG);
    }
    expect(b).toEqual(a);
    expect(sigmaPerMin(b, DEFAULT_VOL_CONFIG)).toBe(sigmaPerMin(a, DEFAULT_VOL_CONFIG));
  });
});

describe('range variance in the backtest', () => {
  const series = syntheticSeries();
  const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
  const run = (rangeVariance: boolean) => {
    const totals = new BacktestTotals();
    const modelSigma = rangeVariance ? { ...V3_MODEL_SIGMA, rangeVariance } : V3_MODEL_SIGMA;
    runBacktestFile({ series, book: { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma, fixedCalibration: calibration } }, totals);
    return buildJson(totals, false);
  };

  it('changes the model only; the baselines keep their close-to-close σ', () => {
    const plain = run(false);
    const ranged = run(true);
    expect(ranged.rules.model).not.toEqual(plain.rules.model);
    expect(ranged.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(ranged.rules.volScaled).toEqual(plain.rules.volScaled);
    expect(ranged.rules.mr80).toEqual(plain.rules.mr80);
  });
});
