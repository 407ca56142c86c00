// Online recalibration (FORECAST.md §8.26): a second walk-forward map, fitted on the scored file's own
// earlier blocks, over the fixed (pooled) calibration maps.
import { describe, expect, it } from 'vitest';
import { V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, calibrationPass, replayContext, runBacktestFile } from '../../../src/backtest/run';
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

/** Fixed maps that say four times the raw probability: the pooled maps of a class that does not fit. */
const FOUR_TIMES = Object.fromEntries(
  ['15', '60', '240', '1440'].map((h) => [h, { x: [1e-6, 0.001, 0.01, 0.05, 0.1, 0.25, 1], y: [4e-6, 0.004, 0.04, 0.2, 0.4, 1, 1] }]),
);

describe('online recalibration', () => {
  const series: CandleSeries = { ...walk(8 * 1440, 1, 777, 0.0015), name: 'steady' };
  const book = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA, fixedCalibration: FOUR_TIMES };
  const run = (onlineRecalibration: boolean) => {
    const totals = new BacktestTotals();
    runBacktestFile({ series, book: { ...book, onlineRecalibration } }, totals);
    return buildJson(totals, false);
  };

  it('learns from the file’s past blocks that the fixed maps over-predict, and corrects it', () => {
    const plain = run(false);
    const online = run(true);
    // On a steady walk the raw model is close to calibrated, so ×4 maps over-predict about fourfold.
    expect(overPrediction(plain)).toBeGreaterThan(2.5);
    // The second stage sees that from block 1 on, pulled toward the fixed maps by its prior (30 expected
    // events per bin) while the file's own events are few: a partial correction (3.1 → 1.9 here).
    expect(overPrediction(online)).toBeLessThan(0.7 * overPrediction(plain));
    expect(online.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(online.scores.fixedDistance).toEqual(plain.scores.fixedDistance);
  }, 90_000);

  it('files each pair under the block its outcome resolved in, so a block’s map never sees its own or later prices', () => {
    const ctx = replayContext({ series, book: { ...book, onlineRecalibration: true } });
    const k = 3;
    const cut = ctx.blockStarts[k]!;
    // Same prices before block k, a −30 % slide from its start: only pairs resolved in block k or later may differ.
    const close = Float64Array.from(series.close, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const low = Float64Array.from(series.low, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const high = Float64Array.from(series.high, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const open = Float64Array.from(series.open, (c, i) => (series.time[i]! >= cut ? c * 0.7 : c));
    const shocked = replayContext({ series: { ...series, close, low, high, open }, book: { ...book, onlineRecalibration: true } });
    const a = calibrationPass(ctx).onlineAcc!;
    const b = calibrationPass(shocked).onlineAcc!;
    for (let hi = 0; hi < a.length; hi++) {
      for (let blk = 0; blk < k; blk++) expect(b[hi]![blk]!.positives).toEqual(a[hi]![blk]!.positives);
      expect(b[hi]![k]!.positives).not.toEqual(a[hi]![k]!.positives);
    }
  }, 90_000);

  it('needs fixed maps (it is a second stage over pooled calibration)', () => {
    const { fixedCalibration: _unused, ...walkForward } = book;
    expect(() => runBacktestFile({ series, book: { ...walkForward, onlineRecalibration: true } }, new BacktestTotals())).toThrow(/fixedCalibration/);
  });
});
