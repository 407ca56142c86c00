import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bridgeCandles, CANDLE_MS, candlesBefore, loopIndex, loopLengthMs, makeTape, priceAt, priceInCandle } from '../../../src/venues/demo/replay';
import { loadDemoTapes } from '../../../src/venues/demo/session';
import { parseCandleCsv } from '../../../src/venues/demo/candles';
import { MarketState } from '../../../src/forecast/marketState';
import { loadForecastParams } from '../../../src/forecast/params';

const resourcesDir = join(import.meta.dirname, '../../../resources');
const down = { time: 0, open: 100, high: 104, low: 90, close: 95 };
const up = { time: 60_000, open: 95, high: 110, low: 94, close: 108 };

describe('demo replay', () => {
  it('walks a down candle open → high → low → close and an up candle open → low → high → close', () => {
    expect([0, 1 / 3, 2 / 3, 1].map((f) => priceInCandle(down, f))).toEqual([100, 104, 90, 95]);
    expect([0, 1 / 3, 2 / 3, 1].map((f) => priceInCandle(up, f))).toEqual([95, 94, 110, 108]);
    expect(priceInCandle(down, 1 / 6)).toBeCloseTo(102, 10);
  });

  it('starts at the replay window and loops over it, then over a bridge made of the history back to its first price', () => {
    const history = { time: -60_000, open: 100, high: 100, low: 100, close: 100 };
    const tape = makeTape([history, down, up], 1);
    // The window (down, up), then one bridge candle: the flat history scaled from the window's close to 1.
    expect(loopLengthMs(tape)).toBe(3 * CANDLE_MS);
    expect(priceAt(tape, 0)).toBe(100);
    expect(priceAt(tape, CANDLE_MS)).toBe(95);
    expect(priceAt(tape, 2 * CANDLE_MS)).toBeCloseTo(108, 10); // the bridge opens where the window closed
    expect(priceAt(tape, 3 * CANDLE_MS)).toBe(100); // the next loop opens where the bridge closed
    expect(loopIndex(tape, 3 * CANDLE_MS - 1)).toBe(0);
    expect(loopIndex(tape, 3 * CANDLE_MS + 1)).toBe(1);
    const prices = Array.from({ length: 400 }, (_, i) => priceAt(tape, i * 1000));
    expect(Math.min(...prices)).toBe(90);
    expect(Math.max(...prices)).toBe(110);
    // Before the start, the history as it was; before the history, its first price.
    expect(priceAt(tape, -30_000)).toBe(100);
    expect(priceAt(tape, -10 * CANDLE_MS)).toBe(100);
    expect(() => makeTape([down], 1)).toThrow(/replayFrom/);
  });

  it("bridges keep the history's own minute moves and add one smooth drift", () => {
    const history = [
      { time: 0, open: 50, high: 52, low: 49, close: 51 },
      { time: 60_000, open: 51, high: 51, low: 47, close: 48 },
      { time: 120_000, open: 48, high: 50, low: 48, close: 50 },
    ];
    const bridge = bridgeCandles(history, 40);
    expect(bridge[0]!.open).toBeCloseTo(40, 10);
    expect(bridge.at(-1)!.close).toBeCloseTo(50, 10);
    const driftPerCandle = Math.log(50 / 40) / history.length;
    for (let j = 0; j < history.length; j++) {
      expect(Math.log(bridge[j]!.close / bridge[j]!.open)).toBeCloseTo(Math.log(history[j]!.close / history[j]!.open) + driftPerCandle, 10);
      expect(bridge[j]!.low).toBeLessThanOrEqual(Math.min(bridge[j]!.open, bridge[j]!.close));
      expect(bridge[j]!.high).toBeGreaterThanOrEqual(Math.max(bridge[j]!.open, bridge[j]!.close));
    }
    expect(bridgeCandles([], 40)).toEqual([]);
  });

  it("never jumps at the demo loop's seam: no step around it is as large as the crash's own largest", () => {
    for (const tape of Object.values(loadDemoTapes(resourcesDir))) {
      const windowMs = (tape.candles.length - tape.replayFrom) * CANDLE_MS;
      const length = loopLengthMs(tape);
      const step = 10_000;
      const largest = (from: number, to: number) => {
        let max = 0;
        for (let t = from; t < to; t += step) max = Math.max(max, Math.abs(Math.log(priceAt(tape, t + step) / priceAt(tape, t))));
        return max;
      };
      const crash = largest(0, windowMs - step);
      // Replaying the window alone would jump from its last close straight back to its first open.
      expect(Math.abs(Math.log(tape.candles[tape.replayFrom]!.open / tape.candles.at(-1)!.close))).toBeGreaterThan(crash);
      expect(largest(windowMs - 5 * CANDLE_MS, windowMs + 5 * CANDLE_MS)).toBeLessThan(crash / 2);
      expect(largest(length - 5 * CANDLE_MS, length + 5 * CANDLE_MS)).toBeLessThan(crash / 2);
    }
  });

  it("backfills completed market minutes stamped on the wall clock, on the forecaster's minute grid", () => {
    const tape = makeTape([down, up, down, up], 2);
    const now = 10 * CANDLE_MS + 5_000;
    const real = candlesBefore(tape, CANDLE_MS + 5_000, now, 10, 1); // the replay started at minute 9
    expect(real.map((c) => c.close)).toEqual([95, 108, 95]); // the history hours, then the replayed minute
    expect(real.map((c) => c.time)).toEqual([7, 8, 9].map((m) => m * CANDLE_MS));
    // At ×30 a wall minute holds 30 market minutes: the candles are 2 s of wall clock apart, and each
    // closes at the price the replay had at the end of its market minute.
    const speed = 30;
    const offsetNow = 5 * CANDLE_MS + ((now * speed) % CANDLE_MS); // started on a market minute
    const fast = candlesBefore(tape, offsetNow, now, 3, speed);
    const marketNow = now * speed;
    const opens = [3, 2, 1].map((k) => (Math.floor(marketNow / CANDLE_MS) - k) * CANDLE_MS);
    expect(fast.map((c) => c.time)).toEqual(opens.map((m) => Math.ceil(m / speed)));
    // Each closes at its candle's close: loop minutes 2 and 3 are the bridge, then the next loop opens.
    expect(fast.map((c) => c.close)).toEqual([tape.loop[2]!.close, tape.loop[3]!.close, 95]);
    expect(tape.loop[3]!.close).toBe(108); // the bridge ends where the history ended
    for (const c of fast) expect(Math.floor((c.time * speed) / CANDLE_MS) * CANDLE_MS).toBe(opens[fast.indexOf(c)]);
  });

  it("the demo's backfill measures the market it replays: σ per market minute, at any speed", () => {
    const { params } = loadForecastParams(join(resourcesDir, 'forecast', 'params.json'));
    for (const [symbol, tape] of Object.entries(loadDemoTapes(resourcesDir))) {
      const hoursBeforeCrash = new MarketState(params);
      hoursBeforeCrash.ingestCandles(symbol, tape.candles.slice(0, tape.replayFrom));
      const expected = hoursBeforeCrash.sigma(symbol)!;
      for (const speed of [1, 30, 120]) {
        const now = Date.UTC(2026, 5, 1, 12) + 777;
        const demo = new MarketState(params, speed);
        demo.ingestCandles(symbol, candlesBefore(tape, (now * speed) % CANDLE_MS, now, 1440, speed));
        expect(demo.sigma(symbol)! / expected, `${symbol} ×${speed}`).toBeGreaterThan(0.97);
        expect(demo.sigma(symbol)! / expected, `${symbol} ×${speed}`).toBeLessThan(1.03);
      }
    }
  });

  it('rejects malformed candle files with the line number', () => {
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close\n1,2,3,1,2\n2,x,3,1,2\n', 'f.csv')).toThrow('f.csv:3');
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close\n5,2,3,1,2\n4,2,3,1,2\n', 'f.csv')).toThrow(/f.csv:3: timestamps/);
    expect(() => parseCandleCsv('timestamp_ms,open,high,low,close\n', 'f.csv')).toThrow(/no candles/);
  });
});
