// Calibration conditioned on the σ/floor regime (src/domain/forecast/regimeCalibration.ts, FORECAST.md
// §8.17): buckets and their fallback, folds fitted on training files only, and a backtest that is
// unchanged while the option is off.
import { describe, expect, it } from 'vitest';
import { buildFolds, contributionOf, fitPooledRegime, foldFor, poolBookFor, type FileContribution } from '../../../src/backtest/pooled';
import { V3_MODEL_SIGMA, type BookOptions } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, calibrationPass, replayContext, runBacktestFile } from '../../../src/backtest/run';
import {
  CalibrationAccumulator,
  fitRegimeMaps,
  MIN_BUCKET_EVENTS,
  REGIME_BUCKETS,
  regimeBucket,
  regimeMapFor,
  regimeRatio,
  type CalibrationMap,
} from '../../../src/domain/forecast';
import { walk } from './synthetic';

describe('regime buckets', () => {
  it('splits σ/floor at 1 and 2, unknown without a floor', () => {
    expect(REGIME_BUCKETS).toBe(3);
    expect([0.4, 1, 1.0001, 2, 2.5, 40].map(regimeBucket)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(regimeRatio(0.002, 0)).toBeNaN();
    expect(regimeBucket(regimeRatio(0.002, 0))).toBe(-1);
    expect(regimeBucket(regimeRatio(0.003, 0.001))).toBe(2);
  });

  it('fits a bucket only with enough events and falls back to the class map otherwise', () => {
    const acc = (events: number, n: number, rawP: number): CalibrationAccumulator => {
      const a = new CalibrationAccumulator();
      for (let i = 0; i < n; i++) a.add(rawP, i < events);
      return a;
    };
    const thin = [acc(MIN_BUCKET_EVENTS - 1, 2000, 0.05)];
    const rich = [acc(400, 2000, 0.05)];
    const maps = fitRegimeMaps([thin, rich], ['60']);
    expect(maps[0]).toEqual({});
    expect(maps[1]!['60']).toBeDefined();
    const classMaps: Record<string, CalibrationMap> = { '60': { x: [0.05], y: [0.04] } };
    expect(regimeMapFor(classMaps, maps, '60', 0)).toBe(classMaps['60']);
    expect(regimeMapFor(classMaps, maps, '60', -1)).toBe(classMaps['60']);
    expect(regimeMapFor(classMaps, maps, '15', 1)).toBeNull();
    // 400 events in 2000 pairs at 5 %: the bucket's map moves well above the raw 5 %.
    expect(regimeMapFor(classMaps, maps, '60', 1)!.y[0]!).toBeGreaterThan(0.15);
  });
});

const book: Partial<BookOptions> = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA };
const series = walk(4 * 1440, 1, 4242, 0.0012, [Math.round(3 * 1440), 90, -0.0012]);

describe('regime pairs of one file', () => {
  it('file every pair with a known regime under exactly one bucket', () => {
    const ctx = replayContext({ series, book });
    const { modelAcc, regimeAcc } = calibrationPass(ctx);
    const total = (a: CalibrationAccumulator): number => a.total();
    for (let hi = 0; hi < modelAcc.length; hi++) {
      const all = modelAcc[hi]!.reduce((s, a) => s + total(a), 0);
      const inBuckets = regimeAcc.reduce((s, perH) => s + total(perH[hi]!), 0);
      expect(inBuckets).toBeGreaterThan(0);
      // Pairs of the first block have no floor yet: they are in the class pool only.
      expect(inBuckets).toBeLessThan(all);
    }
  });
});

describe('regime folds', () => {
  const bins = (pos: number) => [0, 1, 2, 3].map(() => ({ count: [0, 1000, 1000], positives: [0, pos, pos * 2], sumX: [0, 10, 40] }));
  const contrib = (file: string, pos: number): FileContribution => ({
    file,
    calibration: bins(pos),
    regime: [bins(pos * 2), bins(pos), bins(pos * 9)],
    windowsDown: [0.01, 0.03, 0.05],
    windowsUp: [0.01, 0.02, 0.04],
  });
  const files = [
    contrib('binance_um_FILUSDT_perp_1m_202306.csv.gz', 5),
    contrib('binance_um_NEARUSDT_perp_1m_202308.csv.gz', 30),
    contrib('binance_um_AVAXUSDT_perp_1m_202502.csv.gz', 60),
    contrib('binance_spot_BTCUSDT_1m_20210505-20210520.csv', 12),
    contrib('binance_spot_ETHUSDT_1m_20210505-20210520.csv', 40),
  ];
  const prior = { ratePerMin: 2e-5, x0: 0.02, alpha: 3 };

  it('are fitted on the fold training files of the class only, never on the scored file', () => {
    const p = buildFolds('leave-one-asset-out', files, 0.02, prior, true, true);
    const fil = foldFor(p, 'binance_um_FILUSDT_perp_1m_202306.csv.gz');
    expect(fil.regimeCalibration).toEqual(fitPooledRegime([files[1]!, files[2]!]));
    expect(fil.regimeCalibration).not.toEqual(fitPooledRegime(files.slice(0, 3)));
    const btc = foldFor(p, 'binance_spot_BTCUSDT_1m_20210505-20210520.csv');
    expect(btc.regimeCalibration).toEqual(fitPooledRegime([files[4]!]));
    expect(poolBookFor(p, 'binance_um_FILUSDT_perp_1m_202306.csv.gz').regimeCalibration).toBe(fil.regimeCalibration);
  });

  it('are absent by default, and an old contribution without regime bins is an error', () => {
    const off = buildFolds('leave-one-asset-out', files, 0.02, prior, true);
    for (const f of off.folds) expect(f.regimeCalibration).toBeUndefined();
    expect('regimeCalibration' in poolBookFor(off, 'binance_um_FILUSDT_perp_1m_202306.csv.gz')).toBe(false);
    const old = [...files];
    old[1] = { ...files[1]!, regime: undefined };
    expect(() => buildFolds('leave-one-asset-out', old, 0.02, prior, true, true)).toThrow(/NEARUSDT.*no regime bins/);
  });
});

describe('backtest with the option off', () => {
  const own = contributionOf('walk', replayContext({ series, book }));
  const fixed = buildFolds('leave-one-crash-out', [own, { ...own, file: 'other' }], 0.02, { ratePerMin: 2e-5, x0: 0.02, alpha: 3 }).folds[0]!.calibration;
  const run = (extra: Partial<BookOptions>): ReturnType<typeof buildJson> => {
    const totals = new BacktestTotals();
    runBacktestFile({ series, book: { ...book, fixedCalibration: fixed, ...extra } }, totals);
    return buildJson(totals, true);
  };
  const off = run({});

  it('is identical without regime maps and with every bucket empty (all fall back)', () => {
    expect(run({ regimeCalibration: [{}, {}, {}] })).toEqual(off);
  }, 90_000); // backtest runs: slow on a loaded 2-core machine

  it('changes only the model when a bucket map applies', () => {
    const shrink: Record<string, CalibrationMap> = {};
    for (const [h, m] of Object.entries(fixed)) shrink[h] = { x: m.x, y: m.y.map((y) => y * 0.5) };
    const on = run({ regimeCalibration: [shrink, shrink, shrink] });
    expect(on.scores.model).not.toEqual(off.scores.model);
    expect(on.rules.fixedDistance).toEqual(off.rules.fixedDistance);
    expect(on.rules.volScaled).toEqual(off.rules.volScaled);
    expect(Object.keys(on)).toEqual(Object.keys(off));
  }, 90_000); // backtest runs: slow on a loaded 2-core machine
});
