import { describe, expect, it } from 'vitest';
import { MinuteCandles } from '../../src/service/minuteCandles';

describe('minute candles from snapshots', () => {
  it('builds open/high/low/close per symbol and minute from the exact price strings', () => {
    const c = new MinuteCandles();
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 5);
    c.observe('BTCUSDT', t0, '100.10');
    c.observe('BTCUSDT', t0 + 10_000, '99.5');
    c.observe('ETHUSDT', t0 + 10_000, '10');
    c.observe('BTCUSDT', t0 + 20_000, '101.25');
    c.observe('BTCUSDT', t0 + 30_000, '100.00');
    const first = c.drain();
    expect(first).toEqual([
      { symbol: 'BTCUSDT', minuteMs: Date.UTC(2026, 0, 1, 12), open: '100.10', high: '101.25', low: '99.5', close: '100.00' },
      { symbol: 'ETHUSDT', minuteMs: Date.UTC(2026, 0, 1, 12), open: '10', high: '10', low: '10', close: '10' },
    ]);
    c.observe('BTCUSDT', t0 + 60_000, '102');
    const second = c.drain();
    // The finished minute comes once more with its final state, then the new one.
    expect(second.map((x) => `${x.symbol}@${x.minuteMs}:${x.close}`)).toEqual([
      `BTCUSDT@${Date.UTC(2026, 0, 1, 12)}:100.00`,
      `BTCUSDT@${Date.UTC(2026, 0, 1, 12, 1)}:102`,
      `ETHUSDT@${Date.UTC(2026, 0, 1, 12)}:10`,
    ]);
  });

  it('lets a reader see the minutes not drained yet without draining them', () => {
    const c = new MinuteCandles();
    c.observe('BTCUSDT', 0, '1');
    c.observe('BTCUSDT', 60_000, '2');
    c.observe('ETHUSDT', 60_000, '9');
    expect(c.peek('BTCUSDT').map((x) => `${x.minuteMs}:${x.close}`)).toEqual(['0:1', '60000:2']);
    expect(c.drain()).toHaveLength(3); // peek took nothing away
    expect(c.peek('BTCUSDT').map((x) => x.minuteMs)).toEqual([60_000]);
  });
});
