// Pure replay of 1-minute candles: the price at any market offset into a looping window of the tape.
import type { Candle } from '../../domain/contracts';

export const CANDLE_MS = 60_000;

/** Candles before `replayFrom` are history only (volatility warm-up, backfill); the replay loops over the rest. */
export interface Tape {
  candles: readonly Candle[];
  replayFrom: number;
}

/**
 * Price inside a candle, walking open → first extreme → second extreme → close.
 * A down candle (close < open) is assumed to make its high first, an up candle its low first,
 * so the replay visits both extremes as the exchange's mark would have.
 */
export function priceInCandle(candle: Candle, fraction: number): number {
  const f = Math.min(1, Math.max(0, fraction));
  const down = candle.close < candle.open;
  const points = [candle.open, down ? candle.high : candle.low, down ? candle.low : candle.high, candle.close];
  const scaled = f * 3;
  const segment = Math.min(2, Math.floor(scaled));
  return points[segment]! + (points[segment + 1]! - points[segment]!) * (scaled - segment);
}

/** Length of one replay loop, in market milliseconds. */
export function loopLengthMs(tape: Tape): number {
  return (tape.candles.length - tape.replayFrom) * CANDLE_MS;
}

/** Which loop (0, 1, ...) a market offset falls in. */
export function loopIndex(tape: Tape, offsetMs: number): number {
  return Math.floor(Math.max(0, offsetMs) / loopLengthMs(tape));
}

/** Index into `tape.candles` of the candle playing at `offsetMs`, and how far into it we are. */
function locate(tape: Tape, offsetMs: number): { index: number; fraction: number } {
  const t = Math.max(0, offsetMs) % loopLengthMs(tape);
  const k = Math.floor(t / CANDLE_MS);
  return { index: tape.replayFrom + k, fraction: (t - k * CANDLE_MS) / CANDLE_MS };
}

/** Price at `offsetMs` of market time since the replay started. */
export function priceAt(tape: Tape, offsetMs: number): number {
  const { index, fraction } = locate(tape, offsetMs);
  return priceInCandle(tape.candles[index]!, fraction);
}

/**
 * The `count` completed 1-minute candles before `offsetMs` (history first, then replayed ones),
 * re-timed so the last one closes at the current minute of `nowMs`: what a venue's kline backfill returns.
 */
export function candlesBefore(tape: Tape, offsetMs: number, nowMs: number, count: number): Candle[] {
  const { index } = locate(tape, offsetMs);
  const first = Math.max(0, index - count);
  const lastOpen = Math.floor(nowMs / CANDLE_MS) * CANDLE_MS - CANDLE_MS;
  return tape.candles.slice(first, index).map((c, k, all) => ({ ...c, time: lastOpen - (all.length - 1 - k) * CANDLE_MS }));
}
