// Deribit portfolio margin (DRB-PM, issue 16): scenario grid from the official parameters, the old
// official page's documented contingency examples, hand-worked futures cases, and option-book trigger
// prices found by scanning the underlying.
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { AccountSnapshot, Position } from '../../../src/domain/contracts';
import { computeMarginReport, parseSnapshot } from '../../../src/domain/margin';
import { Dec } from '../../../src/domain/margin/decimal';
import {
  type PmPosition,
  black76,
  contingency,
  impliedVol,
  portfolioMargin,
  priceMoves,
  shockedVol,
} from '../../../src/domain/margin/rulebooks/deribit/portfolioMargin';
import { d, position, snapshot } from './helpers';

const U = new Dec(60000);
const future = (sign: 1 | -1, usd: string, mark = '60000'): PmPosition => ({
  kind: 'future',
  sign,
  usd: new Dec(usd),
  mark: new Dec(mark),
});
const option = (sign: 1 | -1, qty: string, type: 'call' | 'put', strike: string): PmPosition => ({
  kind: 'option',
  sign,
  qty: new Dec(qty),
  type,
  strike: new Dec(strike),
  years: 30 / 365,
  iv: 0.5,
  expiry: '2026-01-31',
});

describe('DRB-PM scenario grid and contingency', () => {
  it('moves the underlying −16 % … +16 % in 9 evenly spaced buckets including 0 (official example)', () => {
    expect(priceMoves().map((m) => m.toFixed())).toEqual([
      '-0.16',
      '-0.12',
      '-0.08',
      '-0.04',
      '0',
      '0.04',
      '0.08',
      '0.12',
      '0.16',
    ]);
  });

  it('old official page examples: net short options per strike, and offsetting futures', () => {
    // "call +10 and put −20 at strike X: net short 10 → 10 × 0.01 BTC".
    expect(
      contingency([option(1, '10', 'call', '70000'), option(-1, '20', 'put', '70000')], U).toFixed(),
    ).toBe('0.1');
    // "long 100 BTC in Future A, short 100 BTC in Future B → 1.00 % × 100 BTC".
    expect(contingency([future(1, '6000000'), future(-1, '6000000')], U).toFixed()).toBe('1');
  });

  it('a lone long future: risk is the −16 % move, MM = 0.8 × IM (hand-worked)', () => {
    // 600,000 USD = 10 BTC; at 0.84 × F the loss is 10 × (1/0.84 − 1) BTC.
    const pm = portfolioMargin([future(1, '600000')], U);
    const risk = new Decimal(10).times(new Decimal(1).div('0.84').minus(1));
    expect(d(pm.risk.toFixed()).minus(risk).abs().lt('1e-15')).toBe(true);
    expect(pm.worst?.move.toFixed()).toBe('-0.16');
    expect(pm.maintenance.toFixed()).toBe(pm.initial.times('0.8').toFixed());
  });

  it('a calendar spread needs far less than its legs alone', () => {
    const alone = portfolioMargin([future(1, '600000')], U).initial.plus(
      portfolioMargin([future(-1, '600000')], U).initial,
    );
    const spread = portfolioMargin([future(1, '600000'), future(-1, '600000', '60300')], U);
    expect(spread.initial.lt(alone.div(10))).toBe(true);
  });

  it('vol shocks: up at least the floor, down below the mark vol; short-dated moves more', () => {
    expect(shockedVol(0.3, 30 / 365, 'up')).toBe(0.5); // 0.3 × 1.5 = 0.45 < floor 0.5
    expect(shockedVol(0.6, 30 / 365, 'up')).toBeCloseTo(0.9, 12);
    expect(shockedVol(0.6, 30 / 365, 'down')).toBeCloseTo(0.45, 12);
    expect(shockedVol(0.6, 7 / 365, 'up')).toBeGreaterThan(shockedVol(0.6, 30 / 365, 'up'));
  });

  it('a short straddle loses in both directions and with vol up; a long option never costs more than its value', () => {
    const straddle = portfolioMargin([option(-1, '1', 'call', '60000'), option(-1, '1', 'put', '60000')], U);
    expect(straddle.risk.isPositive()).toBe(true);
    const longCall = portfolioMargin([option(1, '1', 'call', '60000')], U);
    const premium = black76('call', 60000, 60000, 30 / 365, 0.5) / 60000;
    expect(longCall.risk.toNumber()).toBeLessThanOrEqual(premium);
    expect(impliedVol('call', 60000, 60000, 30 / 365, premium * 60000)).toBeCloseTo(0.5, 8);
  });
});

describe('engine: marginModel "portfolio" and option triggers by scanning the underlying', () => {
  const perp = (over: Partial<Position> = {}): Position =>
    position({
      symbol: 'BTC-PERPETUAL',
      contractType: 'inverse',
      size: '60000',
      contractSize: '10',
      entryPrice: '60000',
      markPrice: '60000',
      leverage: '10',
      ...over,
    });
  const pmAccount = (positions: Position[], wallet = '2'): AccountSnapshot =>
    snapshot({
      venue: 'deribit',
      settleAsset: 'BTC',
      crossWalletBalance: wallet,
      marginModel: 'portfolio',
      positions,
    });

  it('is accepted for Deribit only', () => {
    expect(parseSnapshot(pmAccount([perp()])).ok).toBe(true);
    const other = parseSnapshot({ ...pmAccount([perp()]), venue: 'bybit' });
    expect(other.ok ? '' : other.error.path).toBe('marginModel');
  });

  it('the account maintenance margin is the portfolio figure; the LP puts the ratio at 1', () => {
    const s = pmAccount([perp()]);
    const report = computeMarginReport(s);
    // 600,000 USD = 10 BTC: risk 10 × (1/0.84 − 1) = 1.9047619 BTC; MM = 0.8 × that.
    const mm = new Decimal(10).times(new Decimal(1).div('0.84').minus(1)).times('0.8');
    expect(d(report.account.maintenanceMargin).minus(mm).abs().lt('0.00000001')).toBe(true);
    const lp = report.positions[0]!.liquidationPrice!;
    const atLp = computeMarginReport({ ...s, positions: [perp({ markPrice: lp })] });
    expect(d(atLp.account.marginRatio).minus(1).abs().lte('0.00000002')).toBe(true);
  });

  it('an option book gets a trigger price in underlying terms, where the repriced book is at ratio 1', () => {
    const expiry = '2024-05-31T08:00:00.000Z';
    const call = (underlying: string, premium: string): Position =>
      position({
        symbol: 'BTC-31MAY24-70000-C',
        contractType: 'inverse',
        side: 'short',
        size: '5',
        contractSize: '1',
        entryPrice: '0.02',
        markPrice: premium,
        leverage: '1',
        option: { type: 'call', strike: '70000', underlyingPrice: underlying, expiry, markIv: '0.6' },
      });
    const years = (Date.parse(expiry) - Date.parse('2024-05-01T12:00:00.000Z')) / (365 * 86_400_000);
    const premiumAt = (u: number): string => (black76('call', u, 70000, years, 0.6) / u).toPrecision(15);
    for (const model of ['standard', 'portfolio'] as const) {
      const s = { ...pmAccount([call('60000', premiumAt(60000))], '1'), marginModel: model };
      const report = computeMarginReport(s);
      const trigger = report.positions[0]!.liquidationPrice;
      expect(trigger).not.toBeNull();
      const u = Number(trigger);
      expect(u).toBeGreaterThan(60000); // a short call loses as BTC rises
      const moved = computeMarginReport({ ...s, positions: [call(trigger!, premiumAt(u))] });
      expect(d(moved.account.marginRatio).minus(1).abs().lt('0.000001')).toBe(true);
    }
  });
});
