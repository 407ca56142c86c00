// Issue 16: the cross-book reduction counts collateral that falls with a cross symbol (wrong-way risk).
import { describe, expect, it } from 'vitest';
import { forecastAccountV1, normCdf, type LevelForecast } from '../../../src/domain/forecast';
import { bareParams, market, position, positionReport, report, snapshot } from './fixtures';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const prob = (l: LevelForecast | undefined, h: number): number =>
  l!.probabilities.find((p) => p.horizonMin === h)!.probability;

describe('cross-book forecast with collateral exposure', () => {
  const btc = position({
    symbol: 'BTCUSDT',
    marginMode: 'cross',
    size: '1',
    markPrice: '50000',
    isolatedMargin: undefined,
  });
  const eth = position({
    symbol: 'ETHUSDT',
    marginMode: 'cross',
    side: 'short',
    size: '5',
    markPrice: '3000',
    isolatedMargin: undefined,
  });
  const rBtc = positionReport({
    symbol: 'BTCUSDT',
    marginMode: 'cross',
    maintenanceRate: '0.004',
    maintenanceMargin: '200',
  });
  const rEth = positionReport({
    symbol: 'ETHUSDT',
    marginMode: 'cross',
    maintenanceRate: '0.005',
    maintenanceMargin: '75',
  });
  const sig = { BTCUSDT: 0.001, ETHUSDT: 0.0014 };
  const rho = 0.6;
  const run = (collateralRisk?: NonNullable<ReturnType<typeof report>['account']['collateralRisk']>) =>
    forecastAccountV1({
      snapshot: snapshot([btc, eth]),
      report: report([rBtc, rEth], {
        marginBalance: '3000',
        maintenanceMargin: '275',
        ...(collateralRisk ? { collateralRisk } : {}),
      }),
      market: market(sig, { 'BTCUSDT|ETHUSDT': rho }),
      params: bareParams(),
      levels: ['1'],
      nowMs: NOW,
    });

  it('adds the collateral sensitivity (−100 × value change per 1 % fall) to its symbol’s exposure', () => {
    // 0.02 BTC collateral counted at 95 %: 1 % fall → −9.5 USDT, i.e. 950 per unit log move.
    const f = run([
      { asset: 'BTC', symbol: 'BTCUSDT', kind: 'wrong-way', valuePerPercentFall: '-9.5', reason: 'r' },
    ]);
    const d = 3000 - 275;
    const g1 = 50000 + 950 - 0.004 * 50000;
    const g2 = -15000 - 0.005 * 15000;
    const sd = Math.sqrt(g1 * g1 * 1e-6 + g2 * g2 * 0.0014 ** 2 + 2 * rho * g1 * g2 * 0.001 * 0.0014);
    for (const h of [15, 60, 240])
      expect(prob(f.levels[0], h)).toBeCloseTo(2 * normCdf(-d / (sd * Math.sqrt(h))), 6);
    // Same margin in USDT cash: less likely to reach liquidation.
    expect(prob(run().levels[0], 240)).toBeLessThan(prob(f.levels[0], 240));
  });
});
