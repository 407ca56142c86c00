import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../../src/backtest/candles';

const H = 'timestamp_ms,open,high,low,close,volume';
const row = (t: number, p = 100): string => `${t},${p},${p + 1},${p - 1},${p},1`;

describe('candle CSV validation', () => {
  it('detects the bar interval (1m, 5m, 15m, 1h)', () => {
    for (const min of [1, 5, 15, 60]) {
      const text = [H, ...Array.from({ length: 10 }, (_, i) => row(i * min * 60_000))].join('\n');
      expect(parseCandleCsv(text, 'x.csv').intervalMin).toBe(min);
    }
  });

  it('names the line of a non-numeric value', () => {
    const text = [H, row(0), '60000,100,abc,99,100,1', row(120_000)].join('\n');
    expect(() => parseCandleCsv(text, 'x.csv')).toThrow(/x\.csv:3: high is not a number/);
  });

  it('names the line of an unsorted or duplicate timestamp', () => {
    const text = [H, row(0), row(120_000), row(60_000), row(180_000)].join('\n');
    expect(() => parseCandleCsv(text, 'x.csv')).toThrow(/x\.csv:4: timestamp 60000 is not after/);
    const dup = [H, row(0), row(60_000), row(60_000)].join('\n');
    expect(() => parseCandleCsv(dup, 'x.csv')).toThrow(/x\.csv:4:/);
  });

  it('names the line after a gap, and accepts it when gaps are allowed', () => {
    const text = [H, row(0), row(60_000), row(120_000), row(300_000), row(360_000)].join('\n');
    expect(() => parseCandleCsv(text, 'x.csv')).toThrow(/x\.csv:5: gap of 2 missing bar/);
    expect(parseCandleCsv(text, 'x.csv', { allowGaps: true }).gaps).toEqual([{ afterTime: 120_000, missingBars: 2 }]);
  });

  it('rejects a bad header and inconsistent OHLC', () => {
    expect(() => parseCandleCsv(['time,o,h,l,c', row(0), row(60_000)].join('\n'), 'x.csv')).toThrow(/x\.csv:1: header/);
    expect(() => parseCandleCsv([H, row(0), '60000,100,99,98,100,1'].join('\n'), 'x.csv')).toThrow(/x\.csv:3: prices must satisfy/);
  });
});

describe('time-to-trigger quantile tests', () => {
  it('Kupiec: no evidence at the nominal rate, strong evidence at 15% for a 10% quantile', async () => {
    const { quantileTest } = await import('../../../src/backtest/run');
    const seq = (hits: number, n: number): boolean[] => Array.from({ length: n }, (_, i) => i % Math.round(n / hits) === 0).slice(0, n);
    const nominal = quantileTest(seq(100, 1000), 0.1);
    expect(nominal.exceedances).toBe(100);
    expect(nominal.kupiecLR).toBeCloseTo(0, 6);
    expect(nominal.kupiecP).toBeCloseTo(1, 4);
    const high = quantileTest(Array.from({ length: 1000 }, (_, i) => i % 20 < 3), 0.1);
    expect(high.exceedances).toBe(150);
    // 2·[150·ln(0.15/0.1) + 850·ln(0.85/0.9)]
    expect(high.kupiecLR).toBeCloseTo(2 * (150 * Math.log(1.5) + 850 * Math.log(0.85 / 0.9)), 3);
    expect(high.kupiecP!).toBeLessThan(1e-5);
    // Clustered hits (runs of three) fail independence; seeded i.i.d. hits at 10% do not.
    expect(high.christoffersenP!).toBeLessThan(0.01);
    const { Xoshiro128 } = await import('../../../src/domain/forecast');
    const rng = new Xoshiro128(3);
    const iid = quantileTest(Array.from({ length: 2000 }, () => rng.nextFloat() < 0.1), 0.1);
    expect(iid.kupiecP!).toBeGreaterThan(0.01);
    expect(iid.christoffersenP!).toBeGreaterThan(0.01);
  });
});
