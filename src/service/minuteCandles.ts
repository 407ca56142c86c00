// Builds 1-minute mark-price candles from the snapshots an account receives. Prices stay the decimal
// strings the venue sent; comparisons only pick which string is higher or lower.
import type { StoredCandle } from '../store/historyStore';

const MINUTE_MS = 60_000;

export class MinuteCandles {
  private readonly current = new Map<string, StoredCandle>();
  private finished: StoredCandle[] = [];

  observe(symbol: string, atMs: number, price: string): void {
    const minuteMs = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    const candle = this.current.get(symbol);
    if (!candle || candle.minuteMs !== minuteMs) {
      if (candle) this.finished.push(candle);
      this.current.set(symbol, { symbol, minuteMs, open: price, high: price, low: price, close: price });
      return;
    }
    if (Number(price) > Number(candle.high)) candle.high = price;
    if (Number(price) < Number(candle.low)) candle.low = price;
    candle.close = price;
  }

  /** Candles not yet drained (finished and forming) of one symbol, oldest first, as copies. */
  peek(symbol: string): StoredCandle[] {
    const current = this.current.get(symbol);
    return [...this.finished.filter((c) => c.symbol === symbol), ...(current ? [current] : [])].map((c) => ({ ...c }));
  }

  /** Finished candles since the last drain plus copies of the ones still forming (upserted again later). */
  drain(): StoredCandle[] {
    const out = [...this.finished, ...[...this.current.values()].map((c) => ({ ...c }))];
    this.finished = [];
    return out;
  }
}
