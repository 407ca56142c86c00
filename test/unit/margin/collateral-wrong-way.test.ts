// Wrong-way risk (issue 16 "Shown by"): the same BTC long on USDT vs on BTC collateral reaches its
// trigger at different prices, and at each the engine's own ratio is 1 (the what-if moves the
// collateral with the mark, so solver and what-if agree).
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { AccountSnapshot } from '../../../src/domain/contracts';
import { computeMarginReport, createIncrementalEngine, shockSnapshot } from '../../../src/domain/margin';
import { d, position, snapshot } from './helpers';

const TIERS = [
  { floor: '0', cap: '50000', maintenanceRate: '0.004', maintenanceAmount: '0', maxLeverage: '125' },
  { floor: '50000', cap: '250000', maintenanceRate: '0.005', maintenanceAmount: '50', maxLeverage: '100' },
  { floor: '250000', cap: '1000000', maintenanceRate: '0.01', maintenanceAmount: '1300', maxLeverage: '50' },
];
const long = position({ size: '1', entryPrice: '60000', markPrice: '60000', leverage: '20', tiers: TIERS });

/** 0.2 BTC at 60,000 with a 5 % haircut counts 11,400 USDT: the same margin as 11,400 USDT cash. */
const onUsdt = snapshot({ crossWalletBalance: '11400', positions: [long] });
const onBtc = snapshot({
  crossWalletBalance: '0',
  collateral: [{ asset: 'BTC', amount: '0.2', price: '60000', haircut: '0.05' }],
  positions: [long],
});

/** The what-if at `price`: BTCUSDT (and its linked collateral) moved there. */
const at = (s: AccountSnapshot, price: string): AccountSnapshot =>
  shockSnapshot(s, { shocks: { BTCUSDT: d(price).div('60000').minus(1).toFixed() }, fundingHours: 0 });

describe('wrong-way risk: BTC long on USDT vs BTC collateral', () => {
  const usdt = computeMarginReport(onUsdt);
  const btc = computeMarginReport(onBtc);

  it('starts from the same margin balance and ratio', () => {
    expect(btc.account.marginBalance).toBe(usdt.account.marginBalance);
    expect(btc.account.marginRatio).toBe(usdt.account.marginRatio);
  });

  it('reaches every trigger sooner on BTC collateral', () => {
    // Hand-worked. USDT (bracket 1 at the LP, notional < 50,000): 11,400 + (P − 60,000) = 0.004·P
    // ⇒ P = 48,600/0.996. BTC (bracket 2 at the LP, 0.005 and cum 50): 0.19·P + (P − 60,000) =
    // 0.005·P − 50 ⇒ P = 59,950/1.185 — about 1,800 higher.
    expect(
      d(usdt.positions[0]!.liquidationPrice).minus(new Decimal(48600).div('0.996')).abs().lt('1e-8'),
    ).toBe(true);
    expect(
      d(btc.positions[0]!.liquidationPrice).minus(new Decimal(59950).div('1.185')).abs().lt('1e-8'),
    ).toBe(true);
    usdt.positions[0]!.triggerPrices.forEach((t, i) => {
      expect(d(btc.positions[0]!.triggerPrices[i]!.price).gt(d(t.price))).toBe(true);
    });
  });

  it('each trigger price is where the engine ratio equals its level, collateral moved with the mark', () => {
    for (const [s, report] of [
      [onUsdt, usdt],
      [onBtc, btc],
    ] as const) {
      for (const t of report.positions[0]!.triggerPrices) {
        const ratio = computeMarginReport(at(s, t.price!)).account.marginRatio;
        expect(d(ratio).minus(t.level).abs().lte('0.00000002')).toBe(true);
      }
    }
  });

  it('the incremental engine moves the collateral with the mark', () => {
    const engine = createIncrementalEngine(onBtc);
    const lp = btc.positions[0]!.liquidationPrice!;
    expect(engine.updateMark('BTCUSDT', lp).marginRatio).toBe(
      computeMarginReport(at(onBtc, lp)).account.marginRatio,
    );
  });

  it('reports the breakdown and the wrong-way reason', () => {
    expect(btc.account.collateral).toEqual([
      {
        asset: 'BTC',
        amount: '0.2',
        price: '60000',
        value: '11400',
        haircut: '0.05',
        linkedSymbol: 'BTCUSDT',
      },
    ]);
    expect(btc.account.collateralRisk).toEqual([
      {
        asset: 'BTC',
        symbol: 'BTCUSDT',
        kind: 'wrong-way',
        valuePerPercentFall: '-114',
        reason: 'your BTC collateral covers less as BTC falls, while your BTCUSDT long loses too',
      },
    ]);
    expect(usdt.account.collateral).toBeUndefined();
  });

  it('a short on BTC collateral is hedged: its liquidation comes later than on USDT', () => {
    const short = { ...long, side: 'short' as const };
    const shortUsdt = computeMarginReport({ ...onUsdt, positions: [short] }).positions[0]!;
    const shortBtc = computeMarginReport({ ...onBtc, positions: [short] });
    expect(d(shortBtc.positions[0]!.liquidationPrice).gt(d(shortUsdt.liquidationPrice))).toBe(true);
    expect(shortBtc.account.collateralRisk![0]!.kind).toBe('collateral-moves');
  });

  it('value-tiered collateral crossing a tier floor still solves to ratio 1', () => {
    const tiered = snapshot({
      crossWalletBalance: '0',
      collateral: [
        {
          asset: 'BTC',
          amount: '0.2',
          price: '60000',
          haircut: '0',
          tierBasis: 'value',
          tiers: [
            { floor: '0', cap: '10500', ratio: '1' },
            { floor: '10500', ratio: '0.5' },
          ],
        },
      ],
      positions: [long],
    });
    const lp = computeMarginReport(tiered).positions[0]!.liquidationPrice!;
    // At the mark the collateral (12,000) is in the second tier; at the LP (0.2 × LP < 10,500) in the
    // first: 1.2·P − 60,000 = 0.005·P − 50 ⇒ P = 59,950/1.195.
    expect(d(lp).times('0.2').lt(10500)).toBe(true);
    expect(d(lp).minus(new Decimal(59950).div('1.195')).abs().lt('1e-8')).toBe(true);
    expect(
      d(computeMarginReport(at(tiered, lp)).account.marginRatio)
        .minus(1)
        .abs()
        .lte('0.00000002'),
    ).toBe(true);
  });
});

describe('inverse contract with collateral in the same coin (scanned trigger prices)', () => {
  it('the scanned liquidation price puts the ratio at 1', () => {
    const inverse = snapshot({
      venue: 'bybit',
      settleAsset: 'BTC',
      crossWalletBalance: '0.01',
      collateral: [{ asset: 'ETH', amount: '0.5', price: '0.05', haircut: '0.1', priceSymbol: 'ETHUSD' }],
      positions: [
        position({
          symbol: 'ETHUSD',
          contractType: 'inverse',
          size: '10000',
          contractSize: '1',
          entryPrice: '3000',
          markPrice: '3000',
          leverage: '10',
          tiers: [
            { floor: '0', cap: '1000', maintenanceRate: '0.01', maintenanceAmount: '0', maxLeverage: '50' },
          ],
        }),
      ],
    });
    const report = computeMarginReport(inverse);
    const lp = report.positions[0]!.liquidationPrice!;
    expect(lp).not.toBeNull();
    const shocked = shockSnapshot(inverse, {
      shocks: { ETHUSD: d(lp).div(3000).minus(1).toFixed() },
      fundingHours: 0,
    });
    expect(d(computeMarginReport(shocked).account.marginRatio).minus(1).abs().lte('0.00000002')).toBe(true);
  });
});
