// Pure replay of 1-minute candles: the price at any market offset into a looping window of the tape.
import type { Candle } from '../../domain/contracts';

export const CANDLE_MS = 60_000;

/**
 * A tape and the loop the demo plays from it. The loop is the replay window followed by a bridge back
 * to the window's first price, so the market never jumps at the seam: a jump there would read as a
 * crash-sized return to the volatility estimate and put every freshly reopened position at
 * "Liquidation imminent" on each loop after the first.
 */
export interface Tape {
  /** The file's candles: history (before `replayFrom`, never replayed as is), then the replay window. */
  candles: readonly Candle[];
  replayFrom: number;
  /** One loop: the window, then the history hours rescaled into the bridge (see `bridgeCandles`). */
  loop: readonly Candle[];
}

export function makeTape(candles: readonly Candle[], replayFrom: number): Tape {
  if (!(replayFrom >= 0 && replayFrom < candles.length)) throw new Error('demo tape: replayFrom must point into the tape');
  const window = candles.slice(replayFrom);
  return { candles, replayFrom, loop: [...window, ...bridgeCandles(candles.slice(0, replayFrom), window.at(-1)!.close)] };
}

/**
 * The history hours replayed with their own minute-to-minute moves but scaled by a factor that falls
 * log-linearly from (window's last close / history's first open) to 1: the bridge opens where the window
 * closed and ends where the history ended, which in the real tape is where the window begins. The drift
 * this adds is spread over the whole bridge (a few hundredths of a percent a minute for a 10 % gap).
 */
export function bridgeCandles(history: readonly Candle[], fromPrice: number): Candle[] {
  const n = history.length;
  if (n === 0) return [];
  const logGap = Math.log(fromPrice / history[0]!.open);
  const factor = (u: number) => Math.exp(logGap * (1 - u));
  return history.map((c, j) => {
    const open = c.open * factor(j / n);
    const close = c.close * factor((j + 1) / n);
    const mid = factor((j + 0.5) / n);
    return { time: c.time, open, close, high: Math.max(c.high * mid, open, close), low: Math.min(c.low * mid, open, close) };
  });
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
  return tape.loop.length * CANDLE_MS;
}

/** Which loop (0, 1, ...) a market offset falls in. */
export function loopIndex(tape: Tape, offsetMs: number): number {
  return Math.floor(Math.max(0, offsetMs) / loopLengthMs(tape));
}

/** Length of the history before the replay's start, in market milliseconds. */
function historyLengthMs(tape: Tape): number {
  return tape.replayFrom * CANDLE_MS;
}

/**
 * The candle playing at `offsetMs` and how far into it we are. From 0 on, the loop; before 0, the
 * tape's history hours as they were (the real market before the crash), held at their first candle
 * before that.
 */
function locate(tape: Tape, offsetMs: number): { candle: Candle; fraction: number } {
  if (offsetMs < 0) {
    const k = Math.max(Math.floor(offsetMs / CANDLE_MS), -tape.replayFrom);
    return { candle: tape.candles[tape.replayFrom + k]!, fraction: Math.max(0, (offsetMs - k * CANDLE_MS) / CANDLE_MS) };
  }
  const t = offsetMs % loopLengthMs(tape);
  const k = Math.floor(t / CANDLE_MS);
  return { candle: tape.loop[k]!, fraction: (t - k * CANDLE_MS) / CANDLE_MS };
}

/** Price at `offsetMs` of market time since the replay started (≥ 0: the loop; the history before). */
export function priceAt(tape: Tape, offsetMs: number): number {
  const { candle, fraction } = locate(tape, offsetMs);
  return priceInCandle(candle, fraction);
}

/** The last price before `offsetMs`: on a candle boundary, the close of the candle that ends there. */
function priceUntil(tape: Tape, offsetMs: number): number {
  const k = Math.ceil(offsetMs / CANDLE_MS) - 1;
  return priceInCandle(locate(tape, k * CANDLE_MS).candle, (offsetMs - k * CANDLE_MS) / CANDLE_MS);
}

/**
 * What the demo's kline backfill returns: the completed *market* minutes before `nowMs`, at most
 * `count`, of the market the demo played at `speed` market ms per wall ms, reaching back into the
 * tape's history hours before the replay's start and no further (a venue may have less history than
 * asked). Market minutes are those of the wall clock times `speed`, so they line up with the minutes
 * the forecaster builds from live marks (`MarketState`'s clockScale); each candle is stamped with the
 * wall-clock time its market minute starts at (rounded up to a whole ms, still inside it).
 */
export function candlesBefore(tape: Tape, offsetMs: number, nowMs: number, count: number, speed: number): Candle[] {
  const marketNow = nowMs * speed;
  const lastOpen = Math.floor(marketNow / CANDLE_MS) * CANDLE_MS - CANDLE_MS;
  const offsetAt = (marketMs: number) => offsetMs - (marketNow - marketMs);
  const out: Candle[] = [];
  for (let k = count - 1; k >= 0; k--) {
    const open = lastOpen - k * CANDLE_MS;
    if (offsetAt(open) < -historyLengthMs(tape)) continue;
    out.push({ time: Math.ceil(open / speed), ...marketRange(tape, offsetAt(open), offsetAt(open + CANDLE_MS)) });
  }
  return out;
}

/** OHLC of the replayed market between two offsets (the candles it crosses bound the extremes). */
function marketRange(tape: Tape, fromOffset: number, toOffset: number): Omit<Candle, 'time'> {
  const open = priceAt(tape, fromOffset);
  const close = priceUntil(tape, toOffset);
  let high = Math.max(open, close);
  let low = Math.min(open, close);
  // Whole candles strictly inside the span (at most one loop's worth: the loop repeats).
  const first = Math.ceil(fromOffset / CANDLE_MS);
  const last = Math.min(Math.floor(toOffset / CANDLE_MS), first + tape.loop.length);
  for (let m = first; m < last; m++) {
    const c = locate(tape, m * CANDLE_MS).candle;
    high = Math.max(high, c.high);
    low = Math.min(low, c.low);
  }
  return { open, high, low, close };
}
