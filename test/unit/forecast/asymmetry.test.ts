// Asymmetric volatility (FORECAST.md §8.16): the multiplier's shape and direction, its fit (training
// samples only, shrinkage), and the backtest option (off = identical output; on = model only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asymFolds } from '../../../src/backtest/asymFolds';
import { asymSamples, hourZSeries } from '../../../src/backtest/asymmetry';
import { parseCandleCsv } from '../../../src/backtest/candles';
import { replay, V3_MODEL_SIGMA, type ReplayPosition } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, replayContext, runBacktestFile } from '../../../src/backtest/run';
import {
  ASYM_KNOTS,
  asymMultiplier,
  asymMultiplierAt,
  fitAsymmetry,
  identityAsym,
  impliedVarianceRatio,
  pastHourZ,
  type AsymParams,
  type AsymSample,
} from '../../../src/domain/forecast/asymmetry';
import { syntheticSeries } from './synthetic';

const FIXTURE = join(__dirname, '../../fixtures/forecast/FILUSDT_perp_1m_20230610T0000-0800.csv');

/** Seeded samples where a fall (z < −1) is followed by a 2σ fall 12 % of the time, otherwise 4 %. */
function skewedSamples(n: number, seed = 7): AsymSample[] {
  let s = seed;
  const u = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, () => {
    const z = (u() - 0.5) * 6;
    const pDown = z < -1 ? 0.12 : 0.04;
    return { z, downHit: u() < pDown, upHit: u() < 0.04 };
  });
}

describe('asymmetry multiplier (pure)', () => {
  const params: AsymParams = { ...identityAsym(), long: [1.5, 1.4, 1.1, 0.9, 0.9, 1], short: [1, 0.95, 0.95, 1, 1.2, 1.3] };

  it('interpolates linearly between knots and is flat outside them', () => {
    expect(asymMultiplier(params, 1, -1.5)).toBeCloseTo(1.4, 12);
    expect(asymMultiplier(params, 1, -1)).toBeCloseTo(1.25, 12);
    expect(asymMultiplier(params, 1, -9)).toBe(1.5);
    expect(asymMultiplier(params, -1, 9)).toBe(1.3);
    expect(asymMultiplier(params, 1, Number.NaN)).toBe(1);
    for (const z of [-4, -1.7, 0, 0.3, 2.2, 5]) {
      expect(asymMultiplier(identityAsym(), 1, z)).toBe(1);
      expect(asymMultiplier(identityAsym(), -1, z)).toBe(1);
    }
  });

  it('the excess is diluted beyond an hour', () => {
    expect(asymMultiplierAt(1.4, 15)).toBe(1.4);
    expect(asymMultiplierAt(1.4, 60)).toBe(1.4);
    expect(asymMultiplierAt(1.4, 240)).toBeCloseTo(1.1, 12);
    expect(asymMultiplierAt(0.8, 1440)).toBeCloseTo(1 - 0.2 / 24, 12);
  });

  it('implied variance ratio: 1 at the reference frequency, > 1 above it, finite at the edges', () => {
    expect(impliedVarianceRatio(0.05, 0.05)).toBeCloseTo(1, 9);
    expect(impliedVarianceRatio(0.1, 0.05)).toBeGreaterThan(1);
    expect(impliedVarianceRatio(0.02, 0.05)).toBeLessThan(1);
    expect(impliedVarianceRatio(0, 0.05)).toBe(1);
    // Gaussian check: P(hit 2σ barrier) = 2Φ(−2/√m); with m = 2 that is 2Φ(−1.414) = 0.1573.
    expect(impliedVarianceRatio(0.1573, 2 * 0.02275)).toBeCloseTo(2, 2);
  });

  it('past-hour z is 0 without σ and signed with the move', () => {
    expect(pastHourZ(-0.02, 0)).toBe(0);
    expect(pastHourZ(-0.02, 0.001)).toBeCloseTo(-0.02 / (0.001 * Math.sqrt(60)), 12);
  });
});

describe('fitAsymmetry', () => {
  const samples = skewedSamples(20_000);

  it('raises the hazard of a long after falls, not of a short; shrink 0 is the identity', () => {
    const p = fitAsymmetry(samples, 1);
    const after = (side: 1 | -1): number => asymMultiplier(p, side, -1.5);
    expect(after(1)).toBeGreaterThan(1.2);
    expect(after(1)).toBeGreaterThan(after(-1));
    expect(Math.abs(after(-1) - 1)).toBeLessThan(0.15);
    expect(asymMultiplier(p, 1, 0.5)).toBeLessThan(1);
    const id = fitAsymmetry(samples, 0);
    expect(id.long.every((m) => m === 1) && id.short.every((m) => m === 1)).toBe(true);
  });

  it('shrinks towards 1 (half the shrink, about half the log-multiplier)', () => {
    const full = fitAsymmetry(samples, 1);
    const half = fitAsymmetry(samples, 0.5);
    const i = ASYM_KNOTS.indexOf(-1.5);
    expect(Math.log(half.long[i]!)).toBeCloseTo(Math.log(full.long[i]!) / 2, 9);
    expect(() => fitAsymmetry(samples, 1.5)).toThrow(/shrink/);
  });

  it('raise-only keeps the multipliers above 1 and floors the others at 1', () => {
    const full = fitAsymmetry(samples, 1);
    const raise = fitAsymmetry(samples, 1, undefined, true);
    expect(full.long.some((m) => m < 1)).toBe(true);
    expect(raise.long).toEqual(full.long.map((m) => Math.max(1, m)));
    expect(raise.short).toEqual(full.short.map((m) => Math.max(1, m)));
  });

  it('folds never see the scored asset (leave-one-asset-out) or file (leave-one-crash-out)', () => {
    const byFile: Record<string, AsymSample[]> = {
      'binance_um_FILUSDT_perp_1m_202306.csv.gz': skewedSamples(3000, 1),
      'binance_um_FILUSDT_perp_1m_202404.csv.gz': skewedSamples(3000, 2),
      'binance_um_NEARUSDT_perp_1m_202308.csv.gz': skewedSamples(3000, 3),
      'binance_um_ALGOUSDT_perp_1m_202409.csv.gz': skewedSamples(3000, 4),
    };
    const fil = 'binance_um_FILUSDT_perp_1m_202306.csv.gz';
    const loao = asymFolds('leave-one-asset-out', byFile, 0.5);
    expect(loao[fil]!.trainedOn.some((f) => f.includes('FILUSDT'))).toBe(false);
    const loco = asymFolds('leave-one-crash-out', byFile, 0.5);
    expect(loco[fil]!.trainedOn).not.toContain(fil);
    expect(loco[fil]!.trainedOn).toContain('binance_um_FILUSDT_perp_1m_202404.csv.gz');
    // Whatever the scored files hold, their own multipliers do not move.
    const poisoned = { ...byFile, [fil]: byFile[fil]!.map((s) => ({ ...s, downHit: true })), 'binance_um_FILUSDT_perp_1m_202404.csv.gz': [] };
    expect(asymFolds('leave-one-asset-out', poisoned, 0.5)[fil]).toEqual(loao[fil]);
    expect(asymFolds('leave-one-asset-out', poisoned, 0.5)['binance_um_NEARUSDT_perp_1m_202308.csv.gz']).not.toEqual(loao['binance_um_NEARUSDT_perp_1m_202308.csv.gz']);
  });
});

describe('past-hour z and samples on the FIL crash (fixture)', () => {
  const s = parseCandleCsv(readFileSync(FIXTURE, 'utf8'), 'fil.csv');
  it('z is a ≥ 2σ fall in the crash hour; no samples before the one-day warm-up', () => {
    const { z } = hourZSeries(s, 30, 1440);
    let min = Infinity;
    for (const v of z) if (Number.isFinite(v)) min = Math.min(min, v);
    expect(min).toBeLessThan(-2); // σ already includes the crash minutes, so about −2.6
    // 8 hours < the one-day warm-up: no sample, rather than samples from an unsettled σ.
    expect(asymSamples(s)).toEqual([]);
  });
});

describe('backtest option', () => {
  const series = syntheticSeries(4242);
  const calibration = { '60': { x: [0, 0.01, 0.1, 1], y: [0, 0.02, 0.15, 0.9] } };
  const book = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA, fixedCalibration: calibration };
  const run = (asymmetry?: AsymParams) => {
    const totals = new BacktestTotals();
    runBacktestFile({ series, book: asymmetry ? { ...book, asymmetry } : book }, totals);
    return buildJson(totals, true);
  };
  const off = run();

  it('off by default: identity multipliers leave the backtest JSON identical', () => {
    expect(off.rules.model.operatingPoints.some((p) => p.breaches > 0)).toBe(true);
    expect(run(identityAsym())).toEqual(off);
  }, 60_000);

  it('on: only the model operating points move (the baselines are untouched)', () => {
    const strong: AsymParams = { ...identityAsym(), long: [3, 3, 2, 1, 1, 1] };
    const on = run(strong);
    expect(on.rules.fixedDistance).toEqual(off.rules.fixedDistance);
    expect(on.rules.volScaled).toEqual(off.rules.volScaled);
    expect(on.rules.mr80).toEqual(off.rules.mr80);
    expect(on.rules.model).not.toEqual(off.rules.model);
  }, 60_000);

  it('direction: a long-only multiplier raises longs’ raw probabilities and leaves shorts alone', () => {
    const collect = (asymmetry?: AsymParams): ReplayPosition[] => {
      const out: ReplayPosition[] = [];
      const small = { ...book, leverages: [50], holdMin: 360 };
      replay(replayContext({ series, book: asymmetry ? { ...small, asymmetry } : small }), { finish: (p) => out.push(p) });
      return out;
    };
    const base = collect();
    const longUp = collect({ ...identityAsym(), long: ASYM_KNOTS.map(() => 2) });
    let longs = 0;
    base.forEach((p, i) => {
      const q = longUp[i]!;
      if (p.side < 0) expect(q.pRaw).toEqual(p.pRaw);
      else
        p.pRaw.forEach((probs, j) => {
          longs++;
          probs.forEach((v, h) => expect(q.pRaw[j]![h]!).toBeGreaterThanOrEqual(v));
        });
    });
    expect(longs).toBeGreaterThan(100);
  }, 60_000);
});
