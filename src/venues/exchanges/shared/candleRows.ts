// Kline rows as venues send them ([time, open, high, low, close, ...], numbers as strings) → Candle.
import type { Candle } from '../../../domain/contracts';
import { decimalField } from './decimals';
import { VenueFailure } from './errors';

/** One `[time, o, h, l, c, ...]` row; `at` names the row in errors, `timeName` the venue's time field. */
export function klineRow(r: readonly unknown[], at: string, timeName: string): Candle {
  const time = Number(r[0]);
  if (!Number.isFinite(time)) throw new VenueFailure('malformed-payload', `${at}.${timeName} is unreadable`);
  return {
    time,
    open: Number(decimalField(r[1], `${at}.open`)),
    high: Number(decimalField(r[2], `${at}.high`)),
    low: Number(decimalField(r[3], `${at}.low`)),
    close: Number(decimalField(r[4], `${at}.close`)),
  };
}
