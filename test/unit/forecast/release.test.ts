// Release bands of the backtest's alert rules (FORECAST.md §8.18): an open episode is held while the
// figure stays inside the band, as the app's danger levels are (docs/ALERTS.md "Hysteresis").
import { describe, expect, it } from 'vitest';
import { V3_MODEL_SIGMA, type AlertRelease } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, episodes, runBacktestFile } from '../../../src/backtest/run';
import { DEFAULT_DANGER_POLICY } from '../../../src/domain/danger';
import { syntheticSeries } from './synthetic';

const minute = (j: number): number => j * 60_000;

describe('episodes with a hold predicate', () => {
  // P per bar; threshold 0.4, band 0.6 × 0.4 = 0.24.
  const p = [0.1, 0.5, 0.3, 0.3, 0.3, 0.45, 0.5];
  const on = (j: number): boolean => p[j]! >= 0.4;
  const hold = (j: number): boolean => p[j]! >= 0.24;
  const breachAt = minute(p.length);

  it('without a band a dip below the threshold ends the episode and the warning restarts late', () => {
    const r = episodes(p.length, on, minute, breachAt, 2);
    expect(r.falseEpisodes).toBe(1);
    expect(r.leadMin).toBe(2); // from bar 5
    expect(r.onBars).toBe(3);
  });

  it('with the band the dip is held: one episode, warned from its first bar', () => {
    const r = episodes(p.length, on, minute, breachAt, 2, hold);
    expect(r.falseEpisodes).toBe(0);
    expect(r.leadMin).toBe(6); // from bar 1
    expect(r.onBars).toBe(6);
  });

  it('the band never opens an episode by itself', () => {
    const q = [0.3, 0.3, 0.3];
    const r = episodes(q.length, (j) => q[j]! >= 0.4, minute, null, 2, (j) => q[j]! >= 0.24);
    expect(r).toEqual({ falseEpisodes: 0, leadMin: null, onBars: 0 });
  });
});

describe('release bands in the backtest', () => {
  const series = syntheticSeries();
  const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
  const book = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA, fixedCalibration: calibration };
  const run = (release?: AlertRelease) => {
    const totals = new BacktestTotals();
    runBacktestFile({ series, book: { ...book, ...(release ? { release } : {}) } }, totals);
    return buildJson(totals, false);
  };
  const plain = run();
  const app = run({ probabilityFactor: DEFAULT_DANGER_POLICY.releaseProbabilityFactor });
  const all = run({ probabilityFactor: 0.6, baselineDistanceFactor: 1.3, baselineRatioBelow: 0.05 });

  it('a band of 1× is no band: the JSON is identical', () => {
    expect(run({ probabilityFactor: 1, baselineDistanceFactor: 1, baselineRatioBelow: 0 })).toEqual(plain);
  });

  it("the app's probability band merges the model's episodes: never more false alerts, never later warnings", () => {
    const a = app.rules.model.operatingPoints;
    const b = plain.rules.model.operatingPoints;
    let fewer = 0;
    a.forEach((pt, i) => {
      expect(pt.falseEpisodes).toBeLessThanOrEqual(b[i]!.falseEpisodes);
      expect(pt.recall15m ?? 0).toBeGreaterThanOrEqual(b[i]!.recall15m ?? 0);
      if (pt.falseEpisodes < b[i]!.falseEpisodes) fewer++;
    });
    expect(fewer).toBeGreaterThan(0);
    // The baselines keep their plain thresholds unless asked.
    expect(app.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(app.rules.volScaled).toEqual(plain.rules.volScaled);
    expect(app.rules.mr80).toEqual(plain.rules.mr80);
  });

  it('baseline bands act on the baselines only', () => {
    expect(all.rules.model).toEqual(app.rules.model);
    for (const rule of ['fixedDistance', 'volScaled', 'mr80'] as const)
      all.rules[rule].operatingPoints.forEach((pt, i) => expect(pt.falseEpisodes).toBeLessThanOrEqual(plain.rules[rule].operatingPoints[i]!.falseEpisodes));
    expect(all.rules.fixedDistance).not.toEqual(plain.rules.fixedDistance);
  });
});
