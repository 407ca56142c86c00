import { describe, expect, it } from 'vitest';
import { CANDLE_MS, candlesBefore, loopIndex, loopLengthMs, priceAt, priceInCandle, type Tape } from '../../../src/venues/demo/replay';
import { parseCandleCsv } from '../../../src/venues/demo/candles';

const down = { time: 0, open: 100, high: 104, low: 90, close: 95 };
const up = { time: 60_000, open: 95, high: 110, low: 94, close: 108 };

describe('demo replay', () => {
  it('walks a down candle open → high → low → close and an up candle open → low → high → close', () => {
    expect([0, 1 / 3, 2 / 3, 1].map((f) => priceInCandle(down, f))).toEqual([100, 104, 90, 95]);
    expect([0, 1 / 3, 2 / 3, 1].map((f) => priceInCandle(up, f))).toEqual([95, 94, 110, 108]);
    expect(priceInCandle(down, 1 / 6)).toBeCloseTo(102, 10);
  });

  it('starts at the replay window, loops over it, and never touches the history part', () => {
    const history = { time: -60_000, open: 1, high: 1, low: 1, close: 1 };
    const tape: Tape = { candles: [history, down, up], replayFrom: 1 };
    expect(loopLengthMs(tape)).toBe(2 * CANDLE_MS);
    expect(priceAt(tape, 0)).toBe(100);
    expect(priceAt(tape, CANDLE_MS)).toBe(95);
    expect(priceAt(tape, 2 * CANDLE_MS)).toBe(100);
    expect(loopIndex(tape, 2 * CANDLE_MS + 1)).toBe(1);
    const prices = Array.from({ length: 400 }, (_, i) => priceAt(tape, i * 1000));
    expect(Math.min(...prices)).toBe(90);
    expect(Math.max(...prices)).toBe(110);
  });

  it('backfills completed candles re-timed to end at the current minute', () => {
    const tape: Tape = { candles: [down, up, down, up], replayFrom: 2 };
    const now = 10 * CANDLE_MS + 5_000;
    const candles = candlesBefore(tape, CANDLE_MS + 1, now, 10);
    expect(candles.map((c) => c.close)).toEqual([95, 108, 95]);
    expect(candles.map((c) => c.time)).toEqual([7, 8, 9].map((m) => m * CANDLE_MS));
  });

  it('rejects malformed candle files with the line number', () => {
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close\n1,2,3,1,2\n2,x,3,1,2\n', 'f.csv')).toThrow('f.csv:3');
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close\n5,2,3,1,2\n4,2,3,1,2\n', 'f.csv')).toThrow(/f.csv:3: timestamps/);
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close\n', 'f.csv')).toThrow(/no candles/);
  });
});
