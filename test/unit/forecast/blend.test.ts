// Blend rule grid (src/backtest/blend.ts): its pure cells must reproduce the backtest's model and
// fixed-distance operating points, and the sweep is chosen under the training budget only.
import { describe, expect, it } from 'vitest';
import { blendCell, blendGridOfFile, blendPointOn, BLEND_D, BLEND_P, selectBlendSweep, type BlendGrid } from '../../../src/backtest/blend';
import { V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, runBacktestFile } from '../../../src/backtest/run';
import { syntheticSeries } from './synthetic';

const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
const book = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA, fixedCalibration: calibration };

describe('blend grid (P ≥ p OR distance ≤ d)', () => {
  const series = syntheticSeries();
  const grid = blendGridOfFile({ series, book }, 'synthetic');
  const totals = new BacktestTotals();
  runBacktestFile({ series, book }, totals);
  const json = buildJson(totals, false);

  it('has breaches and false alerts to count', () => {
    expect(grid.breaches).toBeGreaterThan(5);
    expect(grid.breaches).toBe(json.rules.model.operatingPoints[0]!.breaches);
    expect(grid.positionDays).toBeCloseTo(json.positionDays, 1);
  });

  it('its model-only and distance-only cells equal the backtest model and fixed-distance rules', () => {
    BLEND_P.forEach((_, pi) => {
      const op = json.rules.model.operatingPoints[pi]!;
      expect(grid.falseEpisodes[blendCell(pi, -1)]).toBe(op.falseEpisodes);
      expect(blendPointOn(grid, pi, -1).recall[2]).toBeCloseTo(op.recall15m ?? 0, 5);
    });
    BLEND_D.forEach((_, di) => {
      const op = json.rules.fixedDistance.operatingPoints[di]!;
      expect(grid.falseEpisodes[blendCell(-1, di)]).toBe(op.falseEpisodes);
      expect(blendPointOn(grid, -1, di).recall[1]).toBeCloseTo(op.recall5m ?? 0, 5);
    });
  });

  it('an OR alerts at least as often and warns at least as early as either part', () => {
    for (let pi = 0; pi < BLEND_P.length; pi += 4)
      for (let di = 0; di < BLEND_D.length; di += 3) {
        const both = blendPointOn(grid, pi, di);
        for (const part of [blendPointOn(grid, pi, -1), blendPointOn(grid, -1, di)]) {
          expect(both.share).toBeGreaterThanOrEqual(part.share);
          both.recall.forEach((r, k) => expect(r).toBeGreaterThanOrEqual(part.recall[k]!));
        }
      }
  });

  it('chooses each point within its training budget, never an always-on cell, and is loosening', () => {
    const other: BlendGrid = { ...grid, file: 'other' };
    for (const objective of ['pooled', 'per-file'] as const) {
      const sweep = selectBlendSweep([grid, other], 0.9, objective);
      expect(sweep.length).toBeGreaterThan(3);
      for (const s of sweep) {
        expect(s.trainFa).toBeLessThanOrEqual(s.budget);
        // Two copies of one grid: pooled and per-file readings are the grid's own point.
        expect(s.trainFa).toBeCloseTo(blendPointOn(grid, s.pi, s.di).fa, 5);
        expect(blendPointOn(grid, s.pi, s.di).share).toBeLessThan(0.9);
      }
      for (let i = 1; i < sweep.length; i++) expect(sweep[i]!.trainRecall15m).toBeGreaterThanOrEqual(sweep[i - 1]!.trainRecall15m);
    }
  });

  it('refuses to run without out-of-sample calibration maps', () => {
    expect(() => blendGridOfFile({ series, book: { ...book, fixedCalibration: undefined } }, 'x')).toThrow(/pooled calibration/);
  });
});
