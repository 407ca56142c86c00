// Synthetic candles for the backtest tests (no market data): deterministic, seeded random walks.
import type { CandleSeries } from '../../../src/backtest/candles';

const T0 = Date.UTC(2024, 0, 1);

/** Seeded random walk; `vol` per bar (or per bar index); `shock` = [bar index, bars, per-bar log drift]. */
export function walk(n: number, intervalMin: number, seed0: number, vol: number | ((i: number) => number), shock?: [number, number, number]): CandleSeries {
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let seed = seed0;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  let px = 100;
  for (let i = 0; i < n; i++) {
    const v = typeof vol === 'number' ? vol : vol(i);
    const drift = shock && i >= shock[0] && i < shock[0] + shock[1] ? shock[2] : 0;
    const o = px;
    px = px * Math.exp(drift + v * rnd() * 3.4);
    time[i] = T0 + i * intervalMin * 60_000;
    open[i] = o;
    close[i] = px;
    high[i] = Math.max(o, px) * (1 + Math.abs(rnd()) * v);
    low[i] = Math.min(o, px) * (1 - Math.abs(rnd()) * v);
  }
  return { name: `walk${seed0}`, intervalMin, time, open, high, low, close, gaps: [] };
}

/** Three days of 1-minute bars: a volatility burst on day 2 and a −12 % slide on day 3. */
export function syntheticSeries(seed0 = 12345): CandleSeries {
  const burst = (i: number): number => (i > 1.5 * 1440 && i < 2 * 1440 ? 0.004 : 0.0012);
  return { ...walk(3 * 1440, 1, seed0, burst, [Math.round(2.4 * 1440), 120, -0.001]), name: 'synthetic' };
}
