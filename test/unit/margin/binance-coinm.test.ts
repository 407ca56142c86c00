import { describe, expect, it } from 'vitest';
import type { Tier } from '../../../src/domain/contracts';
import { computeMarginReport } from '../../../src/domain/margin';
import { d, position, fixtureJson, snapshot } from './helpers';

interface CmBracket {
  qtyFloor: string;
  qtyCap: string | null;
  maintMarginRatio: string;
  cum_derived: string;
}

// ccxt static BTCUSD brackets with cum derived by the Binance recurrence (matches the FAQ's 11.605 BTC).
// The file has no max leverage (unused by MM); the open last cap is closed at 1e6 BTC.
const BTCUSD: Tier[] = fixtureJson<{ brackets: CmBracket[] }>(
  'brackets/binance_cm_BTCUSD_ccxt_static_with_derived_cum.json',
).brackets.map((b) => ({
  floor: b.qtyFloor,
  cap: b.qtyCap ?? '1000000',
  maintenanceRate: b.maintMarginRatio,
  maintenanceAmount: b.cum_derived,
  maxLeverage: '1',
}));

const cm = (overrides: Parameters<typeof snapshot>[0]) =>
  snapshot({ venue: 'binance-coinm', settleAsset: 'BTC', ...overrides });
const inverse = (overrides: Parameters<typeof position>[0]) =>
  position({
    symbol: 'BTCUSD_PERP',
    contractType: 'inverse',
    contractSize: '100',
    tiers: BTCUSD,
    ...overrides,
  });

describe('Binance COIN-M rulebook', () => {
  it('reproduces the Binance calculator example: WB 101 BTC, long 100,000 @ 45,000 → LP 33,599.42 (calculator 33,599.40)', () => {
    // Source: BN-CM-LP, MARGIN-FORMULAS.md §2.1 (dev.binance.vision thread 6292); MMR 12.5 %, cum 11.605 at
    // the liquidation notional (≈297.6 BTC, bracket 7). The mark is set to 55,000 so that the notional at
    // mark (181.8 BTC) is in bracket 6: the engine must iterate to bracket 7. (A single cross position's
    // LP does not depend on the mark.)
    const report = computeMarginReport(
      cm({
        crossWalletBalance: '101',
        positions: [inverse({ size: '100000', entryPrice: '45000', markPrice: '55000', leverage: '20' })],
      }),
    );
    const p = report.positions[0]!;
    expect(d(p.liquidationPrice).toDecimalPlaces(2).toFixed(2)).toBe('33599.42');
    expect(d(p.liquidationPrice).minus('33599.40').abs().div('33599.40').lt('0.000001')).toBe(true);
    expect(p.maintenanceRate).toBe('0.1');
  });

  it('reproduces the FAQ maintenance example: 100 contracts × 100 USD / 25,000 = 0.4 BTC → MM 0.0016 BTC', () => {
    // Source: BN-CM-MM (MARGIN-FORMULAS.md §2.2).
    const p = computeMarginReport(
      cm({
        crossWalletBalance: '1',
        positions: [inverse({ size: '100', entryPrice: '25000', markPrice: '25000' })],
      }),
    ).positions[0]!;
    expect(p.notional).toBe('0.4');
    expect(p.maintenanceMargin).toBe('0.0016');
  });

  it('reproduces the real BTCUSD_PERP payload: notional value and uPnL (truncated at 8 dp)', () => {
    // Source: test/fixtures/captured/binance_cm_positionRisk_BTCUSD_PERP_cross_ccxt.json (short 3 × 100 USD).
    const [row] = fixtureJson<{ response: Record<string, string>[] }>(
      'captured/binance_cm_positionRisk_BTCUSD_PERP_cross_ccxt.json',
    ).response;
    const p = computeMarginReport(
      cm({
        crossWalletBalance: '0.01',
        positions: [
          inverse({
            side: 'short',
            size: '3',
            entryPrice: row!.entryPrice!,
            markPrice: row!.markPrice!,
            leverage: row!.leverage!,
          }),
        ],
      }),
    ).positions[0]!;
    expect(p.notional).toBe(d(row!.notionalValue!).abs().toFixed());
    expect(p.unrealizedPnl).toBe(row!.unRealizedProfit);
  });
});
