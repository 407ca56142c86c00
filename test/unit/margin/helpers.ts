// Test helpers: read the committed real data (test/fixtures) and build snapshots.
import Decimal from 'decimal.js';
import type { AccountSnapshot, MarginReport, Position, Tier } from '../../../src/domain/contracts';
import { readFixtureJson } from '../../fixtures';

/** A committed fixture's JSON, e.g. fixtureJson('captured/okx_….json'). */
export const fixtureJson = readFixtureJson;

interface UmBracket {
  notionalFloor: string;
  notionalCap: string;
  maintMarginRatio: string;
  cum: string;
  initialLeverage: string;
}

/** Binance /fapi/v1/leverageBracket rows → our Tier. */
export function binanceUmTiers(file: string): Tier[] {
  const { brackets } = fixtureJson<{ brackets: UmBracket[] }>(file);
  return brackets.map((b) => ({
    floor: b.notionalFloor,
    cap: b.notionalCap,
    maintenanceRate: b.maintMarginRatio,
    maintenanceAmount: new Decimal(b.cum).toFixed(),
    maxLeverage: b.initialLeverage,
  }));
}

export function position(overrides: Partial<Position> = {}): Position {
  return {
    symbol: 'BTCUSDT',
    contractType: 'linear',
    marginMode: 'cross',
    positionSide: 'both',
    side: 'long',
    size: '1',
    contractSize: '1',
    entryPrice: '60000',
    markPrice: '60000',
    leverage: '10',
    ...overrides,
  };
}

export function snapshot(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    schema: 'marginwatch.snapshot/1',
    venue: 'binance-usdm',
    asOf: '2024-05-01T12:00:00.000Z',
    positionMode: 'oneway',
    settleAsset: 'USDT',
    crossWalletBalance: '10000',
    positions: [],
    ...overrides,
  };
}

export const d = (s: string | number | null | undefined): Decimal => {
  if (s === null || s === undefined) throw new Error('expected a decimal string, got null');
  return new Decimal(s);
};

/** |a − b| ≤ tolerance. */
export function near(a: string | null | undefined, b: string, tolerance: string): boolean {
  return d(a).minus(b).abs().lte(tolerance);
}

/** The same snapshot with one symbol's mark moved (other prices held). */
export function withMark(s: AccountSnapshot, symbol: string, price: string): AccountSnapshot {
  return { ...s, positions: s.positions.map((p) => (p.symbol === symbol ? { ...p, markPrice: price } : p)) };
}

export function ratioOf(report: MarginReport): Decimal {
  return d(report.account.marginRatio);
}
