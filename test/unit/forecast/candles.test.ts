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
