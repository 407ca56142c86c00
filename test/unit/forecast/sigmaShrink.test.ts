// σ shrunk toward the asset's floor (FORECAST.md §8.19): σ' = floor·(σ/floor)^α, scored opt-in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blendFloor, V3_MODEL_SIGMA } from '../../../src/backtest/replay';
import { forecastAccountV1, forecastParamsSchema, shrinkTowardFloor, type ForecastParams, type MarketView } from '../../../src/domain/forecast';
import { BacktestTotals, buildJson, runBacktestFile } from '../../../src/backtest/run';
import { nestedChoice } from '../../../scripts/forecast-nested';
import type { FileResult } from '../../../scripts/forecast-eval';
import { bareParams, market, position, positionReport, report, snapshot } from './fixtures';
import { syntheticSeries } from './synthetic';

describe('shrinkTowardFloor', () => {
  it('is σ at α = 1 or without α, the floor at α = 0, the geometric mean at α = ½', () => {
    expect(shrinkTowardFloor(4e-3, 1e-3, undefined)).toBe(4e-3);
    expect(shrinkTowardFloor(4e-3, 1e-3, 1)).toBe(4e-3);
    expect(shrinkTowardFloor(4e-3, 1e-3, 0)).toBe(1e-3);
    expect(shrinkTowardFloor(4e-3, 1e-3, 0.5)).toBeCloseTo(2e-3, 15);
  });

  it('leaves σ at or below the floor, and any σ without a positive floor, unchanged', () => {
    expect(shrinkTowardFloor(1e-3, 1e-3, 0.5)).toBe(1e-3);
    expect(shrinkTowardFloor(5e-4, 1e-3, 0)).toBe(5e-4);
    expect(shrinkTowardFloor(4e-3, 0, 0.5)).toBe(4e-3);
    expect(shrinkTowardFloor(4e-3, Number.NaN, 0.5)).toBe(4e-3);
  });

  it('is monotone in σ and in α, and stays finite', () => {
    let prev = 0;
    for (const s of [1e-3, 2e-3, 5e-3, 1e-2, 1]) {
      const v = shrinkTowardFloor(s, 1e-3, 0.3);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    expect(shrinkTowardFloor(5e-3, 1e-3, 0.25)).toBeLessThan(shrinkTowardFloor(5e-3, 1e-3, 0.75));
  });
});

describe('σ shrink in the backtest', () => {
  const series = syntheticSeries();
  const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
  const run = (shrink?: number) => {
    const totals = new BacktestTotals();
    const modelSigma = shrink === undefined ? V3_MODEL_SIGMA : { ...V3_MODEL_SIGMA, shrink };
    runBacktestFile({ series, book: { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma, fixedCalibration: calibration } }, totals);
    return buildJson(totals, false);
  };
  const plain = run();

  it('α = 1 is the plain model; α < 1 changes the model only', () => {
    expect(run(1)).toEqual(plain);
    const shrunk = run(0.25);
    expect(shrunk.rules.model).not.toEqual(plain.rules.model);
    expect(shrunk.rules.fixedDistance).toEqual(plain.rules.fixedDistance);
    expect(shrunk.rules.volScaled).toEqual(plain.rules.volScaled);
  });
});

describe('nested choice among variants (scripts/forecast-nested.ts)', () => {
  const files = ['binance_um_FILUSDT_perp_1m_202306.csv.gz', 'binance_um_FILUSDT_perp_1m_202404.csv.gz', 'binance_um_NEARUSDT_perp_1m_202406.csv.gz', 'binance_um_ALGOUSDT_perp_1m_202409.csv.gz'];
  const result = (file: string, model: number) =>
    ({ file, population: 'all', atBudget: { model, fixedDistance: 0.5, volScaled: 0.4, mr80: 0.5 } }) as unknown as FileResult;
  const variant = (label: string, recall: (f: string) => number) => ({ label, byFile: new Map(files.map((f) => [f, result(f, recall(f))])) });

  it('chooses on the other assets only (LOAO) or the other files (LOCO), never on the scored file', () => {
    const a = variant('a', () => 0.6);
    // b is better only on FIL: scoring FIL (LOAO) must not see it; scoring NEAR/ALGO must.
    const b = variant('b', (f) => (f.includes('FIL') ? 0.9 : 0.55));
    const loao = nestedChoice([a, b], 'loao');
    expect(loao.map((r) => r.chosen)).toEqual(['a', 'a', 'b', 'b']);
    expect(loao[0]!.atBudget.model).toBe(0.6);
    expect(loao[2]!.atBudget.model).toBe(0.55);
    // LOCO: scoring one FIL month sees the other one ((0.9 + 0.55 + 0.55) / 3 > 0.6), so b everywhere.
    expect(nestedChoice([a, b], 'loco').map((r) => r.chosen)).toEqual(['b', 'b', 'b', 'b']);
  });

  it('keeps the first-listed variant on ties and refuses a variant missing a file', () => {
    expect(nestedChoice([variant('a', () => 0.6), variant('b', () => 0.6)], 'loao').every((r) => r.chosen === 'a')).toBe(true);
    const short = { label: 'c', byFile: new Map([[files[0]!, result(files[0]!, 0.7)]]) };
    expect(() => nestedChoice([variant('a', () => 0.6), short], 'loao')).toThrow(/no result/);
  });
});

describe('the app forecast with params.sigmaShrink', () => {
  const noTail = { ratePerMin: 0, x0: 0.02, alpha: 3 };
  const floor = 1e-3;
  const withFloor = (over: Partial<ForecastParams>) => bareParams({ defaults: { volFloorPerMin: floor, tailDown: noTail, tailUp: noTail }, ...over });
  const pr = positionReport({ liquidationPrice: (50000 * Math.exp(-0.03)).toFixed(8) });
  const p60 = (sigma: number, params: ForecastParams, sigmaAt?: MarketView['sigmaAt']) => {
    const m = market({ BTCUSDT: sigma });
    const f = forecastAccountV1({ snapshot: snapshot([position()]), report: report([pr]), market: sigmaAt ? { ...m, sigmaAt } : m, params, levels: ['1'], nowMs: 0 });
    return f.levels[0]!.probabilities.find((x) => x.horizonMin === 60)!.probability;
  };

  it('equals the plain σ forecast at σ\' = floor·(σ/floor)^α, and is unchanged at or below the floor', () => {
    const shrunk = p60(4e-3, withFloor({ sigmaShrink: 0.5 }));
    expect(shrunk).toBeCloseTo(p60(2e-3, withFloor({})), 12);
    expect(shrunk).toBeLessThan(p60(4e-3, withFloor({})));
    expect(p60(5e-4, withFloor({ sigmaShrink: 0.5 }))).toBe(p60(5e-4, withFloor({})));
  });

  it('never shrinks the conservative fallback σ of a symbol without price history', () => {
    const run = (params: ForecastParams) =>
      forecastAccountV1({ snapshot: snapshot([position()]), report: report([pr]), market: market({}), params, levels: ['1'], nowMs: 0 });
    const plain = run(withFloor({}));
    const shrunk = run(withFloor({ sigmaShrink: 0.5 }));
    expect(shrunk.warnings.some((w) => w.includes('no price history'))).toBe(true);
    expect(shrunk.levels).toEqual(plain.levels);
  });

  it('shrinks the term-structure σ too, and old params (no sigmaShrink) load and behave as before', () => {
    const at: MarketView['sigmaAt'] = (_s, t) => (t <= 60 ? 4e-3 : 2e-3);
    const term = (over: Partial<ForecastParams>) => withFloor({ sigmaTermStructure: true, ...over });
    expect(p60(4e-3, term({ sigmaShrink: 0.5 }), at)).toBeCloseTo(p60(2e-3, term({}), (_s, t) => (t <= 60 ? 2e-3 : Math.sqrt(2) * 1e-3)), 12);
    const shipped = JSON.parse(readFileSync(join(__dirname, '../../../resources/forecast/params.json'), 'utf8')) as Record<string, unknown>;
    const { sigmaShrink: _, ...old } = shipped;
    expect(forecastParamsSchema.safeParse(old).success).toBe(true);
    expect(forecastParamsSchema.safeParse({ ...old, sigmaShrink: 0.5 }).success).toBe(true);
    expect(forecastParamsSchema.safeParse({ ...old, sigmaShrink: 1.5 }).success).toBe(false);
  });
});

describe('floor with a class prior (blendFloor, §8.20)', () => {
  const prior = { perMin: 4e-3, days: 30 };
  it('is the prior without own history, the own floor without a prior, the geometric blend in between', () => {
    expect(blendFloor(0, 0, prior)).toBe(4e-3);
    expect(blendFloor(1e-3, 0, prior)).toBe(4e-3);
    expect(blendFloor(1e-3, 10, { perMin: 0, days: 30 })).toBe(1e-3);
    // 30 days of own history against 30 of prior: the geometric mean.
    expect(blendFloor(1e-3, 30, prior)).toBeCloseTo(2e-3, 15);
    // More own history moves it toward the own floor, monotonically.
    expect(blendFloor(1e-3, 90, prior)).toBeLessThan(blendFloor(1e-3, 30, prior));
    expect(blendFloor(1e-3, 90, prior)).toBeGreaterThan(1e-3);
  });
});
