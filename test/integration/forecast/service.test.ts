import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/contracts';
import { Xoshiro128 } from '../../../src/domain/forecast';
import { ForecastService } from '../../../src/forecast';
import { bareParams, position, positionReport, report, snapshot } from '../../unit/forecast/fixtures';

const T0 = Date.parse('2024-05-01T00:00:00.000Z');

/** Correlated random walks, seeded: BTC σ = 0.001/√min, ETH 0.0014, ρ ≈ 0.8. */
function candles(minutes: number): { btc: Candle[]; eth: Candle[] } {
  const rng = new Xoshiro128(5);
  let b = 50_000;
  let e = 3_000;
  const btc: Candle[] = [];
  const eth: Candle[] = [];
  for (let i = 0; i < minutes; i++) {
    const z1 = rng.nextNormal();
    const z2 = 0.8 * z1 + 0.6 * rng.nextNormal();
    b *= Math.exp(0.001 * z1);
    e *= Math.exp(0.0014 * z2);
    const t = T0 + i * 60_000;
    btc.push({ time: t, open: b, high: b, low: b, close: b });
    eth.push({ time: t, open: e, high: e, low: e, close: e });
  }
  return { btc, eth };
}

/**
 * A service fed 3,000 minutes of BTC and ETH, and a cross book long 1 BTC and 10 ETH at the last closes
 * whose margin balance is a share of the notional.
 */
function warmCrossBook(forecasts: ForecastService, equityShare: number) {
  const { btc, eth } = candles(3000);
  forecasts.ingestCandles('BTCUSDT', btc);
  forecasts.ingestCandles('ETHUSDT', eth);
  const mark = (c: Candle[]) => c[c.length - 1]!.close.toFixed(2);
  const snap = snapshot([
    position({ symbol: 'BTCUSDT', marginMode: 'cross', markPrice: mark(btc), isolatedMargin: undefined }),
    position({ symbol: 'ETHUSDT', marginMode: 'cross', size: '10', markPrice: mark(eth), isolatedMargin: undefined }),
  ]);
  const notional = Number(mark(btc)) + 10 * Number(mark(eth));
  const mm = 0.004 * Number(mark(btc)) + 0.005 * 10 * Number(mark(eth));
  const rep = report(
    [
      positionReport({ symbol: 'BTCUSDT', marginMode: 'cross', maintenanceRate: '0.004' }),
      positionReport({ symbol: 'ETHUSDT', marginMode: 'cross', maintenanceRate: '0.005' }),
    ],
    { marginBalance: (equityShare * notional).toFixed(2), maintenanceMargin: mm.toFixed(2) },
  );
  return { snap, rep, nowMs: T0 + 3000 * 60_000 };
}

let service: ForecastService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('ForecastService', () => {
  it('learns σ and correlation from backfilled candles, and v2 in a worker agrees with v1 on a cross book', async () => {
    service = new ForecastService({ params: bareParams(), monteCarloPaths: 8000, seed: 11 });
    const { snap, rep, nowMs } = warmCrossBook(service, 0.025);
    const v1 = service.forecast(snap, rep, nowMs);
    expect(v1.model).toBe('v1-closed-form');
    expect(v1.warnings.filter((w) => /history/.test(w))).toEqual([]);
    const v2 = await service.forecastMonteCarlo(snap, rep, nowMs);
    expect(v2.model).toBe('v2-monte-carlo');
    for (const level of ['0.8', '1']) {
      const p1 = v1.levels.find((l) => l.level === level)!.probabilities.find((p) => p.horizonMin === 240)!.probability;
      const p2 = v2.levels.find((l) => l.level === level)!.probabilities.find((p) => p.horizonMin === 240)!.probability;
      expect(p1).toBeGreaterThan(0.05);
      expect(p2).toBeGreaterThan(0.05);
      // Different models (linear Gaussian vs t-innovations on exact revaluation), same inputs.
      expect(Math.abs(p1 - p2)).toBeLessThan(0.12);
    }
  });

  it('v2 judges a cross book with the same σ floor and calibration maps as v1 (the alert thresholds assume them)', async () => {
    // A floor three times the measured σ and a calibration map that lifts every probability: v2 without
    // either would sit far below v1.
    const noTail = { ratePerMin: 0, x0: 0.02, alpha: 3 };
    const floor = 0.0035;
    const lift = { x: [0, 0.05, 0.3, 1], y: [0, 0.2, 0.6, 1] };
    const params = bareParams({
      defaults: { volFloorPerMin: floor, tailDown: noTail, tailUp: noTail },
      calibration: { '15': lift, '60': lift, '240': lift, '1440': lift },
    });
    service = new ForecastService({ params, monteCarloPaths: 8000, seed: 3 });
    const { snap, rep, nowMs } = warmCrossBook(service, 0.04);
    const v1 = service.forecast(snap, rep, nowMs);
    const v2 = await service.forecastMonteCarlo(snap, rep, nowMs);
    expect(v2.model).toBe('v2-monte-carlo');
    const at = (f: typeof v1, h: number) => f.levels.find((l) => l.level === '1')!.probabilities.find((p) => p.horizonMin === h)!.probability;
    for (const h of [60, 240]) {
      expect(at(v1, h)).toBeGreaterThan(0.2);
      expect(Math.abs(at(v1, h) - at(v2, h))).toBeLessThan(0.12);
    }
    // calibrated numbers stay monotone across horizons
    const ps = v2.levels.find((l) => l.level === '1')!.probabilities.map((p) => p.probability);
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
  });

  it('aggregates live ticks into 1-minute returns like candles would', () => {
    service = new ForecastService({ params: bareParams() });
    const fromTicks = new ForecastService({ params: bareParams() });
    const { btc } = candles(200);
    service.ingestCandles('BTCUSDT', btc);
    for (const c of btc) {
      fromTicks.ingestTick({ symbol: 'BTCUSDT', price: (c.close * 1.0001).toString(), time: c.time + 1_000 });
      fromTicks.ingestTick({ symbol: 'BTCUSDT', price: c.close.toString(), time: c.time + 59_000 });
    }
    fromTicks.ingestTick({ symbol: 'BTCUSDT', price: '1', time: T0 + 200 * 60_000 + 5 }); // opens a new minute, closes the last
    const snap = snapshot([position({ markPrice: btc[199]!.close.toFixed(2) })]);
    const rep = report([positionReport({ liquidationPrice: (btc[199]!.close * 0.97).toFixed(2) })]);
    const a = service.forecast(snap, rep, T0 + 200 * 60_000);
    const b = fromTicks.forecast(snap, rep, T0 + 200 * 60_000);
    expect(b.levels).toEqual(a.levels);
    void fromTicks.close();
  });

  it('flags stale price history and never throws on a mismatched report', () => {
    service = new ForecastService({ params: bareParams() });
    const { btc } = candles(100);
    service.ingestCandles('BTCUSDT', btc);
    const f = service.forecast(snapshot([position()]), report([positionReport()]), T0 + 200 * 60_000);
    expect(f.warnings.join('\n')).toMatch(/stale/);
    const bad = service.forecast(snapshot([position()]), report([]), T0);
    expect(bad.levels).toEqual([]);
    expect(bad.warnings.join('\n')).toMatch(/disagree/);
  });

  it('keeps one price history per market scope: ticks of the same symbol from another source never mix in', () => {
    service = new ForecastService({ params: bareParams() });
    const { btc } = candles(600);
    const real = service.forMarket('binance-account');
    const replay = service.forMarket('demo');
    real.ingestCandles('BTCUSDT', btc);
    const before = real.sigma('BTCUSDT');
    expect(before).toBeGreaterThan(0);
    // The other source plays BTCUSDT at a different price level, with its ticks in the same minutes.
    const last = btc[btc.length - 1]!;
    for (let i = 1; i <= 30; i++) {
      real.ingestTick({ symbol: 'BTCUSDT', price: last.close.toFixed(2), time: last.time + i * 60_000 });
      replay.ingestTick({ symbol: 'BTCUSDT', price: (0.8 * last.close).toFixed(2), time: last.time + i * 60_000 + 500 });
    }
    // The real scope saw 29 flat minutes (σ decays slightly), never a 20 % gap; the default scope saw nothing.
    expect(real.sigma('BTCUSDT')!).toBeLessThanOrEqual(before!);
    expect(replay.sigma('BTCUSDT')).toBeNull();
    expect(service.sigma('BTCUSDT')).toBeNull();
    // A removed account's history goes with it; a new account of the same id starts afresh.
    service.dropMarket('binance-account');
    expect(service.forMarket('binance-account').sigma('BTCUSDT')).toBeNull();
  });

  it('keeps the newest tick of a minute: a polled mark older than a streamed one does not replace it', () => {
    service = new ForecastService({ params: bareParams() });
    const { btc } = candles(200);
    service.ingestCandles('BTCUSDT', btc);
    const last = btc[btc.length - 1]!;
    const minute = last.time + 60_000;
    const before = service.sigma('BTCUSDT')!;
    // Streamed at :40 at the last close; then a REST snapshot taken at :10 with a mark 3 % lower arrives.
    service.ingestTick({ symbol: 'BTCUSDT', price: last.close.toFixed(2), time: minute + 40_000 });
    service.ingestTick({ symbol: 'BTCUSDT', price: (0.97 * last.close).toFixed(2), time: minute + 10_000 });
    service.ingestTick({ symbol: 'BTCUSDT', price: last.close.toFixed(2), time: minute + 60_000 }); // closes the minute
    // The minute closed flat (the newest price), not with a 3 % move.
    expect(service.sigma('BTCUSDT')!).toBeLessThanOrEqual(before);
  });
});
