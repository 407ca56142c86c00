import { describe, expect, it } from 'vitest';
import { CalibrationAccumulator, applyCalibration, forecastAccountV1, normCdf, type LevelForecast } from '../../../src/domain/forecast';
import { bareParams, market, position, positionReport, report, snapshot } from './fixtures';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const prob = (l: LevelForecast | undefined, h: number): number => l!.probabilities.find((p) => p.horizonMin === h)!.probability;

describe('v1 account forecast: isolated positions', () => {
  const sigma = 0.0012; // per √minute
  const a = 0.02;

  function forecastFor(side: 'long' | 'short', fundingRate?: string) {
    const trig = side === 'long' ? 50000 * Math.exp(-a) : 50000 * Math.exp(a);
    const p = position({ side, ...(fundingRate ? { fundingRate, nextFundingTime: '2024-05-01T16:00:00.000Z' } : {}) });
    const pr = positionReport({ liquidationPrice: trig.toFixed(8) });
    return forecastAccountV1({ snapshot: snapshot([p]), report: report([pr]), market: market({ BTCUSDT: sigma }), params: bareParams(), levels: ['1'], nowMs: NOW });
  }

  it('gives the reflection-principle probability per horizon, and the account takes the worst position', () => {
    const f = forecastFor('long');
    for (const h of [15, 60, 240, 1440]) expect(prob(f.levels[0], h)).toBeCloseTo(2 * normCdf(-a / (sigma * Math.sqrt(h))), 6);
    expect(f.positions[0]!.levels[0]).toEqual(f.levels[0]);
    expect(f.warnings).toEqual([]);
  });

  it('is symmetric between a long and a short at the same log distance', () => {
    const long = forecastFor('long');
    const short = forecastFor('short');
    expect(short.levels[0]!.probabilities.map((p) => p.probability)).toEqual(long.levels[0]!.probabilities.map((p) => p.probability).map((x) => expect.closeTo(x, 8)));
    expect(short.levels[0]!.medianMinutes).toBeCloseTo(long.levels[0]!.medianMinutes!, 1);
  });

  it('raises the probability when the position pays funding inside the horizon and lowers it when it receives', () => {
    const base = prob(forecastFor('long').levels[0], 1440);
    const pays = prob(forecastFor('long', '0.003').levels[0], 1440);
    const receives = prob(forecastFor('short', '0.003').levels[0], 1440);
    expect(pays).toBeGreaterThan(base);
    expect(receives).toBeLessThan(base);
    // Funding at 16:00 falls outside 15 min and 1 h: those horizons are unchanged.
    expect(prob(forecastFor('long', '0.003').levels[0], 60)).toBeCloseTo(prob(forecastFor('long').levels[0], 60), 12);
  });

  it('uses report trigger prices for other levels and warns (conservative default σ) without history', () => {
    const p = position();
    const pr = positionReport({ triggerPrices: [{ level: '0.8', price: '48000' }, { level: '1', price: '47690.76' }] });
    const f = forecastAccountV1({ snapshot: snapshot([p]), report: report([pr]), market: market({}), params: bareParams(), levels: ['0.8', '1'], nowMs: NOW });
    expect(f.levels.map((l) => l.level)).toEqual(['0.8', '1']);
    expect(prob(f.levels[0], 60)).toBeGreaterThan(prob(f.levels[1], 60));
    expect(f.warnings.join(' ')).toMatch(/no price history for BTCUSDT/);
  });

  it('reports zero for a position the engine says cannot be liquidated, and 1 when already beyond', () => {
    const safe = forecastAccountV1({ snapshot: snapshot([position()]), report: report([positionReport({ liquidationPrice: null })]), market: market({ BTCUSDT: sigma }), params: bareParams(), levels: ['1'], nowMs: NOW });
    expect(prob(safe.levels[0], 1440)).toBe(0);
    expect(safe.levels[0]!.medianMinutes).toBeNull();
    const gone = forecastAccountV1({ snapshot: snapshot([position()]), report: report([positionReport({ liquidationPrice: '50500' })]), market: market({ BTCUSDT: sigma }), params: bareParams(), levels: ['1'], nowMs: NOW });
    expect(prob(gone.levels[0], 15)).toBe(1);
    expect(gone.levels[0]!.q10Minutes).toBe(0);
  });

  it('adds the jump floor far from the barrier', () => {
    const params = bareParams({ defaults: { volFloorPerMin: 0, tailDown: { ratePerMin: 1e-4, x0: 0.02, alpha: 3 }, tailUp: { ratePerMin: 0, x0: 0.02, alpha: 3 } } });
    const pr = positionReport({ liquidationPrice: (50000 * Math.exp(-0.1)).toFixed(6) });
    const f = forecastAccountV1({ snapshot: snapshot([position()]), report: report([pr]), market: market({ BTCUSDT: sigma }), params, levels: ['1'], nowMs: NOW });
    const expected = 1 - Math.exp(-60 * 1e-4 * Math.pow(0.1 / 0.02, -3));
    expect(prob(f.levels[0], 60)).toBeCloseTo(expected, 8);
  });
});

describe('v1 account forecast: isolated-only account', () => {
  it('takes the worst position per level and horizon, and the earliest times', () => {
    const near = positionReport({ symbol: 'BTCUSDT', liquidationPrice: '49000' });
    const far = positionReport({ symbol: 'ETHUSDT', liquidationPrice: '2500' });
    const f = forecastAccountV1({
      snapshot: snapshot([position(), position({ symbol: 'ETHUSDT', markPrice: '3000', entryPrice: '3000' })]),
      report: report([near, far]),
      market: market({ BTCUSDT: 0.001, ETHUSDT: 0.001 }),
      params: bareParams(),
      levels: ['1'],
      nowMs: NOW,
    });
    const [pNear, pFar] = f.positions.map((p) => p.levels[0]!);
    expect(prob(pNear, 60)).toBeGreaterThan(prob(pFar, 60));
    for (const h of [15, 60, 240, 1440]) expect(prob(f.levels[0], h)).toBe(Math.max(prob(pNear, h), prob(pFar, h)));
    expect(f.levels[0]!.medianMinutes).toBe(pNear!.medianMinutes);
  });
});

describe('v1 account forecast: cross-margin one-dimensional reduction', () => {
  it('matches the Bachelier first passage on D = E − k·MM with σ_D² = gᵀΣg', () => {
    const btc = position({ symbol: 'BTCUSDT', marginMode: 'cross', size: '1', markPrice: '50000', isolatedMargin: undefined });
    const eth = position({ symbol: 'ETHUSDT', marginMode: 'cross', side: 'short', size: '5', markPrice: '3000', isolatedMargin: undefined });
    const rBtc = positionReport({ symbol: 'BTCUSDT', marginMode: 'cross', maintenanceRate: '0.004', maintenanceMargin: '200' });
    const rEth = positionReport({ symbol: 'ETHUSDT', marginMode: 'cross', maintenanceRate: '0.005', maintenanceMargin: '75' });
    const sig = { BTCUSDT: 0.001, ETHUSDT: 0.0014 };
    const rho = 0.6;
    const f = forecastAccountV1({
      snapshot: snapshot([btc, eth]),
      report: report([rBtc, rEth], { marginBalance: '3000', maintenanceMargin: '275' }),
      market: market(sig, { 'BTCUSDT|ETHUSDT': rho }),
      params: bareParams(),
      levels: ['0.8', '1'],
      nowMs: NOW,
    });
    for (const [idx, k] of [[0, 1.25], [1, 1]] as const) {
      const d = 3000 - k * 275;
      const g1 = 50000 - k * 0.004 * 50000;
      const g2 = -15000 - k * 0.005 * 15000;
      const sd = Math.sqrt(g1 * g1 * 1e-6 + g2 * g2 * 0.0014 ** 2 + 2 * rho * g1 * g2 * 0.001 * 0.0014);
      for (const h of [15, 60, 240]) expect(prob(f.levels[idx], h)).toBeCloseTo(2 * normCdf(-d / (sd * Math.sqrt(h))), 6);
    }
    // A hedge (long BTC, short ETH) is safer with higher correlation.
    const hi = forecastAccountV1({
      snapshot: snapshot([btc, eth]),
      report: report([rBtc, rEth], { marginBalance: '3000', maintenanceMargin: '275' }),
      market: market(sig, { 'BTCUSDT|ETHUSDT': 0.95 }),
      params: bareParams(),
      levels: ['1'],
      nowMs: NOW,
    });
    expect(prob(hi.levels[0], 240)).toBeLessThan(prob(f.levels[1], 240));
  });
});

describe('isotonic calibration', () => {
  it('recovers a known miscalibration and stays monotone', () => {
    const acc = new CalibrationAccumulator();
    // Deterministic low-discrepancy outcomes: true frequency = 0.5 × raw probability.
    let u = 0.5;
    for (let i = 0; i < 200_000; i++) {
      const raw = Math.pow(10, -3 + (3 * (i % 1000)) / 1000);
      u = (u + 0.6180339887) % 1;
      acc.add(raw, u < 0.5 * raw);
    }
    const map = acc.fit()!;
    for (let i = 1; i < map.y.length; i++) expect(map.y[i]!).toBeGreaterThanOrEqual(map.y[i - 1]!);
    for (const raw of [0.05, 0.2, 0.6]) expect(applyCalibration(map, raw) / (0.5 * raw)).toBeGreaterThan(0.8);
    for (const raw of [0.05, 0.2, 0.6]) expect(applyCalibration(map, raw) / (0.5 * raw)).toBeLessThan(1.25);
  });
});
