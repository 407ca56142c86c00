// Market data the venues stream and the forecast consumes (statistics, so plain numbers are fine here).

/** One mark-price tick. `price` is the decimal string the venue sent. */
export interface MarkTick {
  symbol: string;
  price: string;
  /** Unix ms of the venue's event time. */
  time: number;
}

/** One 1-minute mark-price candle (open time in Unix ms). */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}
