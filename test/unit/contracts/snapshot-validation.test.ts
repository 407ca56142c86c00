import { describe, expect, it } from 'vitest';
import type { AccountSnapshot } from '../../../src/domain/contracts';
import { parseSnapshot } from '../../../src/domain/margin';
import { faqSnapshot } from '../margin/fixtures/binance-faq';

/** Parses a mutated copy of the FAQ snapshot and returns the error's path and reason. */
function errorOf(mutate: (s: Record<string, unknown> & { positions: Record<string, unknown>[] }) => void): {
  path: string;
  reason: string;
} {
  const s = JSON.parse(JSON.stringify(faqSnapshot())) as Record<string, unknown> & {
    positions: Record<string, unknown>[];
  };
  mutate(s);
  const result = parseSnapshot(s);
  if (result.ok) throw new Error('expected the snapshot to be rejected');
  return { path: result.error.path, reason: result.error.reason };
}

const REQUIRED_TOP = [
  'schema',
  'venue',
  'asOf',
  'positionMode',
  'settleAsset',
  'crossWalletBalance',
  'positions',
] as const;
const REQUIRED_POSITION = [
  'symbol',
  'contractType',
  'marginMode',
  'positionSide',
  'side',
  'size',
  'contractSize',
  'entryPrice',
  'markPrice',
  'leverage',
] as const;
const REQUIRED_TIER = ['floor', 'cap', 'maintenanceRate', 'maintenanceAmount', 'maxLeverage'] as const;

describe('parseSnapshot', () => {
  it('accepts a valid snapshot unchanged', () => {
    const result = parseSnapshot(faqSnapshot());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toEqual(faqSnapshot() satisfies AccountSnapshot);
  });

  it.each(REQUIRED_TOP)('names a missing top-level field: %s', (field) => {
    expect(errorOf((s) => delete s[field]).path).toBe(field);
  });

  it.each(REQUIRED_POSITION)('names a missing position field: positions[1].%s', (field) => {
    expect(errorOf((s) => delete s.positions[1]![field]).path).toBe(`positions[1].${field}`);
  });

  it.each(REQUIRED_TIER)('names a missing tier field: positions[0].tiers[2].%s', (field) => {
    expect(errorOf((s) => delete (s.positions[0]!.tiers as Record<string, unknown>[])[2]![field]).path).toBe(
      `positions[0].tiers[2].${field}`,
    );
  });

  it('rejects numbers given as JSON numbers, not decimal strings', () => {
    const e = errorOf((s) => (s.positions[0]!.size = 109.488));
    expect(e).toEqual({ path: 'positions[0].size', reason: 'must be a decimal string' });
  });

  it('rejects non-numeric strings, NaN and Infinity', () => {
    for (const bad of ['abc', 'NaN', 'Infinity', '1,5', ''])
      expect(errorOf((s) => (s.positions[0]!.markPrice = bad)).path).toBe('positions[0].markPrice');
  });

  it('rejects negative and zero size', () => {
    expect(errorOf((s) => (s.positions[0]!.size = '-1'))).toEqual({
      path: 'positions[0].size',
      reason: 'must be greater than zero',
    });
    expect(errorOf((s) => (s.positions[0]!.size = '0.000'))).toEqual({
      path: 'positions[0].size',
      reason: 'must be greater than zero',
    });
  });

  it('rejects an unknown venue and unknown fields', () => {
    expect(errorOf((s) => (s.venue = 'ftx')).path).toBe('venue');
    expect(errorOf((s) => (s.positions[0]!.liqPrice = '1')).reason).toBe('unknown field liqPrice');
  });

  it('rejects tier tables with gaps, overlaps or out of order', () => {
    const tiers = (s: { positions: Record<string, unknown>[] }) =>
      s.positions[0]!.tiers as Record<string, string>[];
    expect(errorOf((s) => (tiers(s)[2]!.floor = '260000')).path).toBe('positions[0].tiers[2].floor');
    expect(errorOf((s) => (tiers(s)[2]!.floor = '260000')).reason).toMatch(/^gap after tiers\[1\]/);
    expect(errorOf((s) => (tiers(s)[2]!.floor = '200000')).reason).toMatch(/^overlaps tiers\[1\]/);
    expect(errorOf((s) => tiers(s).reverse()).path).toBe('positions[0].tiers[1].floor');
    expect(errorOf((s) => (tiers(s)[1]!.cap = '50000')).reason).toBe('must be greater than floor');
    expect(errorOf((s) => (tiers(s)[0]!.maintenanceRate = '4')).path).toBe(
      'positions[0].tiers[0].maintenanceRate',
    );
  });

  it('requires isolatedMargin for an isolated position', () => {
    expect(errorOf((s) => (s.positions[0]!.marginMode = 'isolated'))).toEqual({
      path: 'positions[0].isolatedMargin',
      reason: 'is required for an isolated position',
    });
  });

  it('checks one-way vs hedge consistency of positionSide', () => {
    expect(errorOf((s) => (s.positions[0]!.positionSide = 'long')).path).toBe('positions[0].positionSide');
    expect(
      errorOf((s) => {
        s.positionMode = 'hedge';
        s.positions[0]!.positionSide = 'long';
        s.positions[1]!.positionSide = 'short';
      }),
    ).toEqual({ path: 'positions[1].positionSide', reason: 'is "short" but side is "long"' });
  });

  it('rejects duplicate legs and inconsistent marks for one symbol', () => {
    expect(errorOf((s) => (s.positions[1]!.symbol = 'BTCUSDT')).path).toBe('positions[1].symbol');
    const hedgeBoth = (s: Record<string, unknown> & { positions: Record<string, unknown>[] }) => {
      s.positionMode = 'hedge';
      s.positions[0]!.positionSide = 'long';
      s.positions[1] = { ...s.positions[0]!, positionSide: 'short', side: 'short', markPrice: '31967.28' };
    };
    expect(errorOf(hedgeBoth)).toEqual({
      path: 'positions[1].markPrice',
      reason: 'differs from positions[0] of the same symbol BTCUSDT',
    });
  });

  it('rejects contract types the venue does not list', () => {
    expect(errorOf((s) => (s.positions[0]!.contractType = 'inverse')).path).toBe('positions[0].contractType');
  });

  it('accepts option terms only on Deribit', () => {
    const e = errorOf(
      (s) => (s.positions[0]!.option = { type: 'call', strike: '70000', underlyingPrice: '60000' }),
    );
    expect(e).toEqual({ path: 'positions[0].option', reason: 'options are supported on deribit only' });
    expect(
      errorOf((s) => (s.positions[0]!.option = { type: 'straddle', strike: '1', underlyingPrice: '1' })).path,
    ).toBe('positions[0].option.type');
  });

  it('rejects a collateral haircut above 1', () => {
    expect(
      errorOf((s) => (s.collateral = [{ asset: 'BTC', amount: '1', price: '60000', haircut: '1.5' }])).path,
    ).toBe('collateral[0].haircut');
  });
});
