import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../src/domain/contracts';
import { computeMarginReport, createIncrementalEngine, shockSnapshot } from '../../../src/domain/margin';
import { BTCUSDT_2021, ETHUSDT_2021, faqSnapshot } from './fixtures/binance-faq';
import { d, position, snapshot, withMark } from './helpers';

describe('hedge mode and collateral', () => {
  it('cross hedge legs of one symbol share one liquidation price, at which the ratio is 1 (BN-UM-LP, both legs)', () => {
    const s = snapshot({
      positionMode: 'hedge',
      crossWalletBalance: '3000',
      positions: [
        position({
          positionSide: 'long',
          side: 'long',
          size: '2',
          entryPrice: '60000',
          markPrice: '61000',
          tiers: BTCUSDT_2021,
        }),
        position({
          positionSide: 'short',
          side: 'short',
          size: '1',
          entryPrice: '62000',
          markPrice: '61000',
          tiers: BTCUSDT_2021,
        }),
        position({
          symbol: 'ETHUSDT',
          positionSide: 'short',
          side: 'short',
          size: '10',
          entryPrice: '3000',
          markPrice: '3100',
          tiers: ETHUSDT_2021,
        }),
      ],
    });
    const report = computeMarginReport(s);
    const [long, short] = report.positions;
    expect(long!.liquidationPrice).not.toBeNull();
    expect(long!.liquidationPrice).toBe(short!.liquidationPrice);
    const atLp = computeMarginReport(withMark(s, 'BTCUSDT', long!.liquidationPrice!));
    expect(d(atLp.account.marginRatio).minus(1).abs().lt('0.000001')).toBe(true);
  });

  it('isolated hedge legs each have their own liquidation price from their own margin', () => {
    const s = snapshot({
      positionMode: 'hedge',
      positions: [
        position({
          positionSide: 'long',
          side: 'long',
          size: '0.5',
          marginMode: 'isolated',
          isolatedMargin: '3000',
          tiers: BTCUSDT_2021,
        }),
        position({
          positionSide: 'short',
          side: 'short',
          size: '0.5',
          marginMode: 'isolated',
          isolatedMargin: '3000',
          tiers: BTCUSDT_2021,
        }),
      ],
    });
    const [long, short] = computeMarginReport(s).positions;
    // Both stay in bracket 1 (notional < 50,000). Long: (60,000 − 6,000) / (1 − 0.004) ; short: (60,000 + 6,000) / (1 + 0.004) (BN-UM-LP with TMM = UPNL = 0).
    expect(d(long!.liquidationPrice).minus(d(54000).div('0.996')).abs().lt('0.00000001')).toBe(true);
    expect(d(short!.liquidationPrice).minus(d(66000).div('1.004')).abs().lt('0.00000001')).toBe(true);
  });

  it('multi-asset collateral counts amount × price × (1 − haircut) in the cross margin balance', () => {
    const base = faqSnapshot();
    // An asset no position trades (its price is held like any other mark); collateral in the traded
    // asset itself moves with that mark: test/unit/margin/collateral-wrong-way.test.ts.
    const withCollateral = {
      ...base,
      collateral: [{ asset: 'SOL', amount: '0.5', price: '60000', haircut: '0.05' }],
    };
    const plain = computeMarginReport(base).account;
    const more = computeMarginReport(withCollateral).account;
    expect(d(more.walletBalance).minus(plain.walletBalance).toFixed()).toBe('28500');
    const moved = computeMarginReport({
      ...base,
      crossWalletBalance: d(base.crossWalletBalance).plus(28500).toFixed(),
    });
    expect(computeMarginReport(withCollateral).positions[0]!.liquidationPrice).toBe(
      moved.positions[0]!.liquidationPrice,
    );
  });
});

describe('account headline figures', () => {
  const cross = position({ size: '1', tiers: BTCUSDT_2021 });
  const risky = position({
    symbol: 'ETHUSDT',
    marginMode: 'isolated',
    isolatedMargin: '40',
    size: '10',
    entryPrice: '3000',
    markPrice: '2996',
    tiers: ETHUSDT_2021,
  });
  const safe = position({
    symbol: 'SOLUSDT',
    marginMode: 'isolated',
    isolatedMargin: '1000',
    size: '10',
    entryPrice: '150',
    markPrice: '150',
  });

  it('describe the cross account when it holds positions; isolated positions do not move them', () => {
    const withIsolated = computeMarginReport(
      snapshot({ crossWalletBalance: '6000', positions: [cross, risky] }),
    );
    const crossOnly = computeMarginReport(snapshot({ crossWalletBalance: '6000', positions: [cross] }));
    expect(withIsolated.account.marginRatio).toBe(crossOnly.account.marginRatio);
    expect(withIsolated.account.topUpToTarget).toBe(crossOnly.account.topUpToTarget);
    // Each position carries the ratio of the margin it draws on: the isolated one is near liquidation.
    expect(withIsolated.positions[0]!.marginRatio).toBe(crossOnly.account.marginRatio);
    const isolatedRatio = d(withIsolated.positions[1]!.marginRatio);
    // ETH: MM = 29,960 × 0.0065 − 15 = 179.74; margin = 40 − 40 = 0 → beyond liquidation → saturated.
    expect(isolatedRatio.toFixed()).toBe('1000');
  });

  it("a position's own marginRatio reaches 1 at its liquidation price (isolated inside a cross account)", () => {
    const iso = position({
      symbol: 'ETHUSDT',
      marginMode: 'isolated',
      isolatedMargin: '600',
      size: '10',
      entryPrice: '3000',
      markPrice: '2990',
      tiers: ETHUSDT_2021,
    });
    const s = snapshot({ crossWalletBalance: '6000', positions: [cross, iso] });
    const lp = computeMarginReport(s).positions[1]!.liquidationPrice!;
    const at = computeMarginReport(withMark(s, 'ETHUSDT', lp)).positions[1]!;
    expect(d(at.marginRatio).minus(1).abs().lt('0.000001')).toBe(true);
  });

  it('describe the isolated position closest to liquidation in an isolated-only account', () => {
    const report = computeMarginReport(snapshot({ positions: [safe, risky] }));
    const riskyAlone = computeMarginReport(snapshot({ positions: [risky] }));
    expect(report.account.marginRatio).toBe(riskyAlone.account.marginRatio);
    expect(d(report.account.marginRatio).gt('0.7')).toBe(true);
  });

  it('past liquidation (margin balance ≤ 0) the ratio saturates at 1000 with a warning — never null, NaN or ∞', () => {
    const report = computeMarginReport(
      snapshot({
        crossWalletBalance: '100',
        positions: [position({ size: '1', entryPrice: '60000', markPrice: '59000', tiers: BTCUSDT_2021 })],
      }),
    );
    expect(report.account.marginRatio).toBe('1000');
    expect(report.warnings.some((w) => w.includes('past liquidation'))).toBe(true);
    expect(d(report.account.topUpToTarget).gt(900)).toBe(true); // covers the −900 balance and the target
  });
});

describe('shockSnapshot', () => {
  const s = snapshot({
    crossWalletBalance: '10000',
    positions: [
      position({ size: '1', markPrice: '60000', fundingRate: '0.0001', tiers: BTCUSDT_2021 }),
      position({
        symbol: 'ETHUSDT',
        side: 'short',
        size: '10',
        entryPrice: '3000',
        markPrice: '3000',
        fundingRate: '0.0002',
        tiers: ETHUSDT_2021,
      }),
      position({
        symbol: 'SOLUSDT',
        marginMode: 'isolated',
        isolatedMargin: '100',
        size: '10',
        entryPrice: '150',
        markPrice: '150',
        fundingRate: '-0.001',
      }),
    ],
  });

  it('applies per-symbol shocks over the "*" default and leaves the input untouched', () => {
    const before = JSON.stringify(s);
    const shocked = shockSnapshot(s, { shocks: { '*': '-0.1', ETHUSDT: '0.05' }, fundingHours: 0 });
    expect(shocked.positions.map((p) => p.markPrice)).toEqual(['54000', '3150', '135']);
    expect(shocked.crossWalletBalance).toBe('10000');
    expect(JSON.stringify(s)).toBe(before);
  });

  it('accrues funding per 8 h at the shocked mark: positive rate → longs pay, shorts receive', () => {
    const shocked = shockSnapshot(s, { shocks: {}, fundingHours: 16 });
    // Cross: long BTC pays 60,000 × 0.0001 × 2 = 12; short ETH receives 30,000 × 0.0002 × 2 = 12.
    expect(shocked.crossWalletBalance).toBe('10000');
    // Isolated long SOL with negative rate receives 1,500 × 0.001 × 2 = 3.
    expect(shocked.positions[2]!.isolatedMargin).toBe('103');
    const onlyLong = shockSnapshot(
      { ...s, positions: [s.positions[0]!] },
      { shocks: { BTCUSDT: '0.1' }, fundingHours: 8 },
    );
    expect(onlyLong.crossWalletBalance).toBe('9993.4'); // 66,000 × 0.0001
  });

  it('rejects a shock at or below −100 % and negative hours, naming the field', () => {
    expect(() => shockSnapshot(s, { shocks: { BTCUSDT: '-1' }, fundingHours: 0 })).toThrow(ContractError);
    try {
      shockSnapshot(s, { shocks: { BTCUSDT: '-1.5' }, fundingHours: 0 });
    } catch (error) {
      expect((error as ContractError).path).toBe('shocks.BTCUSDT');
    }
    expect(() => shockSnapshot(s, { shocks: {}, fundingHours: -1 })).toThrow(/fundingHours/);
  });
});

describe('createIncrementalEngine', () => {
  it('a one-symbol mark update gives the same figures as a full recompute', () => {
    const s = faqSnapshot();
    const engine = createIncrementalEngine(s, { targetMarginRatio: '0.4' });
    const prices = ['31000', '29000.5', '27500', '26400', '33000.25'];
    for (const price of prices) {
      const account = engine.updateMark('BTCUSDT', price);
      const full = computeMarginReport(withMark(s, 'BTCUSDT', price), { targetMarginRatio: '0.4' });
      expect(account).toEqual(full.account);
      expect(engine.report()).toEqual(full);
    }
    expect(engine.snapshot().positions[0]!.markPrice).toBe('33000.25');
  });

  it('rejects an unknown symbol and a non-positive price', () => {
    const engine = createIncrementalEngine(faqSnapshot());
    expect(() => engine.updateMark('DOGEUSDT', '1')).toThrow(/no position in DOGEUSDT/);
    expect(() => engine.updateMark('BTCUSDT', '0')).toThrow(/greater than zero/);
    expect(() => engine.updateMark('BTCUSDT', 'abc')).toThrow(ContractError);
  });
});
