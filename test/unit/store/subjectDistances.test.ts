import { describe, expect, it } from 'vitest';
import type { MarginReport, PositionReport } from '../../../src/domain/contracts';
import {
  decodeSubjectDistances,
  encodeSubjectDistances,
  subjectDistances,
  subjectDistancesOfJson,
} from '../../../src/store/subjectDistances';

function position(
  symbol: string,
  side: 'long' | 'short',
  mode: 'cross' | 'isolated',
  distance: string | null,
  liq: string | null,
): PositionReport {
  return {
    symbol,
    positionSide: side,
    marginMode: mode,
    notional: '1000',
    unrealizedPnl: '0',
    initialMargin: '100',
    maintenanceRate: '0.004',
    maintenanceAmount: '0',
    maintenanceMargin: '4',
    liquidationPrice: liq,
    bankruptcyPrice: null,
    distanceToLiquidation: distance,
    reduceToTarget: null,
    triggerPrices: [],
    discrepancy: null,
  };
}

function report(positions: PositionReport[]): MarginReport {
  return {
    schema: 'marginwatch.report/1',
    venue: 'binance-usdm',
    asOf: '2026-01-01T00:00:00.000Z',
    settleAsset: 'USDT',
    account: {
      walletBalance: '1000',
      unrealizedPnl: '0',
      marginBalance: '1000',
      initialMargin: '0',
      maintenanceMargin: '0',
      availableBalance: '0',
      marginRatio: '0.2',
      venueMarginRatio: null,
      topUpToTarget: '0',
    },
    positions,
    warnings: [],
  };
}

describe('per-subject distances kept with each report', () => {
  it('one entry per isolated position and one for the cross book (its nearest leg), all absolute', () => {
    const got = subjectDistances(
      report([
        position('BTCUSDT', 'long', 'cross', '-0.25', '60000'),
        position('ETHUSDT', 'short', 'cross', '0.12', '4000'),
        position('SOLUSDT', 'long', 'isolated', '-0.031', '140.5'),
        position('XRPUSDT', 'short', 'isolated', null, null),
      ]),
    );
    expect(got).toEqual([
      { subject: 'cross', symbol: 'ETHUSDT', distance: '0.12', price: '4000' },
      { subject: 'position:SOLUSDT:long', symbol: 'SOLUSDT', distance: '0.031', price: '140.5' },
    ]);
  });

  it('reads back what it wrote, and nothing that is not a plain finite decimal', () => {
    const list = subjectDistances(report([position('SOLUSDT', 'long', 'isolated', '-0.031', '140.5')]));
    expect(decodeSubjectDistances(encodeSubjectDistances(list))).toEqual(list);
    const tampered = JSON.stringify([
      ['cross', 'BTCUSDT', 'NaN', '1'],
      ['position:A:long', 'A', 'Infinity', null],
      ['position:B:long', 'B', '0.5', 'Infinity'],
      'junk',
    ]);
    expect(decodeSubjectDistances(tampered)).toEqual([
      { subject: 'position:B:long', symbol: 'B', distance: '0.5', price: null },
    ]);
    expect(decodeSubjectDistances(null)).toBeNull();
    expect(decodeSubjectDistances('{not json')).toBeNull();
  });

  it("derives them from an older row's report JSON, and gives none for an unreadable one", () => {
    const r = report([position('BTCUSDT', 'short', 'cross', '0.2', '72000')]);
    expect(subjectDistancesOfJson(JSON.stringify(r))).toEqual([
      { subject: 'cross', symbol: 'BTCUSDT', distance: '0.2', price: '72000' },
    ]);
    expect(subjectDistancesOfJson('{}')).toEqual([]);
    expect(subjectDistancesOfJson('not json')).toEqual([]);
    expect(subjectDistancesOfJson(null)).toEqual([]);
  });
});
