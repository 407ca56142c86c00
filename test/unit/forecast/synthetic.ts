// Synthetic candles for the backtest tests (no market data): deterministic, seeded.
import type { CandleSeries } from '../../../src/backtest/candles';

/** Three days of 1-minute bars: a seeded random walk with a volatility burst and a −12 % slide on day 3. */
export function syntheticSeries(seed0 = 12345): CandleSeries {
  const n = 3 * 1440;
  const t0 = Date.UTC(2024, 0, 1);
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let seed = seed0;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  let px = 100;
  for (let i = 0; i < n; i++) {
    const vol = i > 1.5 * 1440 && i < 2 * 1440 ? 0.004 : 0.0012;
    const drift = i > 2.4 * 1440 && i < 2.4 * 1440 + 120 ? -0.001 : 0;
    const o = px;
    px = px * Math.exp(drift + vol * rnd() * 3.4);
    time[i] = t0 + i * 60_000;
    open[i] = o;
    close[i] = px;
    high[i] = Math.max(o, px) * (1 + Math.abs(rnd()) * vol);
    low[i] = Math.min(o, px) * (1 - Math.abs(rnd()) * vol);
  }
  return { name: 'synthetic', intervalMin: 1, time, open, high, low, close, gaps: [] };
}
