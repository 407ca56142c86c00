// Mark-price candles for the position chart: the service's 1-minute candles (decimal strings) as
// chart numbers, and live marks folded into them between queries.
import type { PriceCandle } from '../../api/messages';

/** Times in seconds since the epoch (minute open), prices as plain numbers for drawing only. */
export interface ChartCandle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

const MINUTE_S = 60;

function finite(text: string): number | null {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Ascending, one per time, finite only: unreadable candles are dropped, never drawn as zero. */
export function chartCandles(input: readonly PriceCandle[]): ChartCandle[] {
  const byTime = new Map<number, ChartCandle>();
  for (const c of input) {
    const ms = Date.parse(c.at);
    const open = finite(c.open);
    const high = finite(c.high);
    const low = finite(c.low);
    const close = finite(c.close);
    if (!Number.isFinite(ms) || open === null || high === null || low === null || close === null) continue;
    byTime.set(Math.floor(ms / 1000), { time: Math.floor(ms / 1000), open, high, low, close });
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/**
 * Folds one mark (at `atMs`) into the candles: the last candle's minute grows its high/low/close,
 * a later minute opens a new candle. Marks older than the last candle are ignored (history already
 * has them). Returns the candle that changed or was added, or null.
 */
export function foldMark(candles: ChartCandle[], atMs: number, price: number): ChartCandle | null {
  if (!Number.isFinite(atMs) || !Number.isFinite(price)) return null;
  const minute = Math.floor(atMs / 1000 / MINUTE_S) * MINUTE_S;
  const last = candles[candles.length - 1];
  if (last && minute < last.time) return null;
  if (last && minute === last.time) {
    last.high = Math.max(last.high, price);
    last.low = Math.min(last.low, price);
    last.close = price;
    return last;
  }
  const fresh = { time: minute, open: price, high: price, low: price, close: price };
  candles.push(fresh);
  return fresh;
}
