// Online recalibration (FORECAST.md §8.26): a second walk-forward map, fitted on the scored file's own
// earlier blocks, over the fixed (pooled) calibration maps.
import { describe, expect, it } from 'vitest';
import { V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, calibrationPass, replayContext, runBacktestFile, scaleOdds, walkForwardOddsMultipliers } from '../../../src/backtest/run';
import { CalibrationAccumulator } from '../../../src/domain/forecast';
import type { CandleSeries } from '../../../src/backtest/candles';
import { walk } from './synthetic';

/** Predicted over observed events of the model's 1 h probabilities (all reliability bins). */
function overPrediction(json: ReturnType<typeof buildJson>): number {
  let predicted = 0;
  let observed = 0;
  for (const b of json.scores.model!.reliability) {
    predicted += (b.predicted ?? 0) * b.count;
    observed += b.events;
  }
  return predicted / observed;
}

/** Fixed maps that triple the raw odds: the pooled maps of a class that does not fit this file. */
const xs = [1e-6, 1e-5, 1e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.4, 0.7, 1];
const TRIPLE_ODDS = Object.fromEntries(['15', '60', '240', '1440'].map((h) => [h, { x: xs, y: xs.map((p) => (p < 1 ? (3 * p) / (1 + 2 * p) : 1)) }]));

describe('online recalibration', () => {
  const series: CandleSeries = { ...walk(8 * 1440, 1, 777, 0.0015), name: 'steady' };
  const book = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA, fixedCalibration: TRIPLE_ODDS };
  const run = (onlineRecalibration?: 'isotonic' | 'odds') => {
    const totals = new BacktestTotals();
    runBacktestFile({ series, book: { ...book, ...(onlineRecalibration ? { onlineRecalibration } : {}) } }, totals);
    return buildJson(totals, false);
  };

  it('learns from the file’s past blocks that the fixed maps over-predict, and corrects it (both stages)', () => {
    const plain = run();
    const isotonic = run('isotonic');
    const odds = run('odds');
    console.log(`predicted/observed events: fixed maps ${overPrediction(plain).toFixed(2)}, isotonic stage ${overPrediction(isotonic).toFixed(2)}, odds stage ${overPrediction(odds).toFixed(2)}`);
    // The raw model is close to calibrated on a steady walk, so maps that triple the odds over-predict (2.0 here).
    expect(overPrediction(plain)).toBeGreaterThan(1.7);
    // The isotonic stage is held toward the fixed maps by its prior (30 expected events per bin) while the
    // file's own events per bin are few: a partial correction (1.6 here).
    expect(overPrediction(isotonic)).toBeLessThan(0.9 * overPrediction(plain));
    // One multiplier has every bin's events behind it: it corrects most of the excess (1.1), never past it.
    expect(overPrediction(odds)).toBeLessThan(overPrediction(isotonic));
    expect(overPrediction(odds)).toBeLessThan(1.3);
    expect(overPrediction(odds)).toBeGreaterThan(0.85);
    for (const online of [isotonic, odds]) {
      expect(online.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
      expect(online.scores.fixedDistance).toEqual(plain.scores.fixedDistance);
    }
  }, 90_000);

  it('the odds multiplier of a block counts only earlier blocks, with a 30-event prior and a ×4 clamp', () => {
    const block = (pred: number, events: number): CalibrationAccumulator => {
      const acc = new CalibrationAccumulator();
      for (let i = 0; i < 1000; i++) acc.add(pred / 1000, i < events);
      return acc;
    };
    const m = walkForwardOddsMultipliers([block(100, 40), block(5, 800), block(10, 0)]);
    expect(m[0]).toBe(1);
    // After block 0 (1000 pairs at P 0.1, 40 events): the shift that predicts (40 + 30)/(100 + 30) of 100
    // events, i.e. P 0.1 → 0.0538: odds 0.0569/0.1111.
    const p1 = 0.1 * (40 + 30) / (100 + 30);
    expect(m[1]).toBeCloseTo(p1 / (1 - p1) / (0.1 / 0.9), 6);
    expect(m[2]).toBe(4); // (840 + 30)/(105 + 30) ≈ 6.4 times the events: clamped
    expect(walkForwardOddsMultipliers([block(900, 0), block(1, 1)])[1]).toBe(0.25); // 30/930 of the events, clamped
    expect(scaleOdds(0.5, 3)).toBeCloseTo(0.75, 12);
    expect(scaleOdds(0.2, 0.25)).toBeCloseTo(0.0588235294, 9);
    expect([scaleOdds(0, 4), scaleOdds(1, 0.25)]).toEqual([0, 1]);
  });

  it('files each pair under the block its outcome resolved in, so a block’s map never sees its own or later prices', () => {
    const ctx = replayContext({ series, book: { ...book, onlineRecalibration: 'isotonic' } });
    const k = 3;
    const cut = ctx.blockStarts[k]!;
    // Same prices before block k, a −30 % slide from its start: only pairs resolved in block k or later may differ.
    const close = Float64Array.from(series.close, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const low = Float64Array.from(series.low, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const high = Float64Array.from(series.high, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const open = Float64Array.from(series.open, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const shocked = replayContext({ series: { ...series, close, low, high, open }, book: { ...book, onlineRecalibration: 'isotonic' } });
    const a = calibrationPass(ctx).onlineAcc!;
    const b = calibrationPass(shocked).onlineAcc!;
    for (let hi = 0; hi < a.length; hi++) {
      for (let blk = 0; blk < k; blk++) expect(b[hi]![blk]!.positives).toEqual(a[hi]![blk]!.positives);
      expect(b[hi]![k]!.positives).not.toEqual(a[hi]![k]!.positives);
    }
  }, 90_000);

  it('needs fixed maps (it is a second stage over pooled calibration)', () => {
    const { fixedCalibration: _unused, ...walkForward } = book;
    expect(() => runBacktestFile({ series, book: { ...walkForward, onlineRecalibration: 'odds' } }, new BacktestTotals())).toThrow(/fixedCalibration/);
  });
});
