// Per-symbol volatility and pairwise correlation kept by the running service, fed by backfilled
// 1-minute candles and live mark ticks (aggregated here into 1-minute closes).
import type { Candle, MarkTick } from '../domain/contracts';
import {
  horizonSigmaPerMin,
  isVolReady,
  newPairState,
  newVolState,
  pairCorrelation,
  sigmaPerMin,
  updatePair,
  updateVol,
  type ForecastParams,
  type MarketView,
  type PairState,
  type VolConfig,
  type VolState,
} from '../domain/forecast';

const MINUTE = 60_000;
/** Synchronised returns kept per symbol for correlation pairing (3 days of minutes). */
const RETURN_BUFFER = 3 * 1440;
const MIN_PAIR_OBSERVATIONS = 60;
/**
 * Closed minutes remembered so that a backfill answered after live ticks already closed minutes can
 * still be put in front of them (a day: the longest backfill the service asks for).
 */
const CLOSE_LOG = 1440;

interface SymbolState {
  vol: VolState;
  /** Close of the last completed minute and that minute's open time. */
  lastClose: number | null;
  lastCloseMinute: number | null;
  /** The minute being built from ticks. */
  bucketMinute: number | null;
  bucketLast: number | null;
  /** Time of the tick that set `bucketLast`: an older tick (a polled mark) never replaces a newer one. */
  bucketLastMs: number | null;
  /** Recent returns by minute, for pairing with other symbols. */
  returns: Map<number, { r: number; dtMin: number }>;
  lastDataMs: number | null;
  /** Every closed minute, oldest first, while there are at most CLOSE_LOG of them; then null. */
  closeLog: { minute: number; close: number }[] | null;
}

export class MarketState implements MarketView {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly pairs = new Map<string, PairState>();
  private readonly volConfig: VolConfig;

  /**
   * @param clockScale market milliseconds per wall millisecond of the prices fed in: 1 for a real venue;
   * the demo's replay speed for the demo, whose σ (and so every horizon) is then per minute of the
   * replayed market, as the app would have measured it in real time, not per accelerated wall minute.
   * Times going in and `lastDataMs` coming out stay wall-clock.
   */
  constructor(
    private readonly params: ForecastParams,
    private readonly clockScale = 1,
  ) {
    if (!(clockScale > 0) || !Number.isFinite(clockScale)) throw new Error('clockScale must be a positive number');
    this.volConfig = { fastHalfLifeMin: params.fastHalfLifeMin, slowHalfLifeMin: params.slowHalfLifeMin, floorPerMin: 0, minReturns: params.minReturns };
  }

  private state(symbol: string): SymbolState {
    let s = this.symbols.get(symbol);
    if (!s) {
      s = { vol: newVolState(), lastClose: null, lastCloseMinute: null, bucketMinute: null, bucketLast: null, bucketLastMs: null, returns: new Map(), lastDataMs: null, closeLog: [] };
      this.symbols.set(symbol, s);
    }
    return s;
  }

  /**
   * Candles oldest first; candles at or before what we already have are skipped (idempotent backfill),
   * except history older than everything held while the state is young: live ticks may close minutes
   * while the backfill request is still in flight, and dropping the backfill then would leave the
   * symbol without volatility (and the σ-distance danger rule off) for half an hour.
   */
  ingestCandles(symbol: string, candles: readonly Candle[]): { accepted: number; rejected: number } {
    const s = this.state(symbol);
    let rejected = 0;
    const valid: { minute: number; close: number }[] = [];
    for (const c of candles) {
      if (!Number.isFinite(c.time) || !(c.close > 0) || !Number.isFinite(c.close)) {
        rejected++;
        continue;
      }
      valid.push({ minute: this.minuteOf(c.time), close: c.close });
    }
    let accepted = this.prependHistory(symbol, s, valid);
    for (const c of valid) {
      if (s.lastCloseMinute !== null && c.minute <= s.lastCloseMinute) continue;
      this.closeMinute(symbol, s, c.minute, c.close);
      s.lastDataMs = Math.max(s.lastDataMs ?? 0, (c.minute + MINUTE) / this.clockScale);
      accepted++;
    }
    return { accepted, rejected };
  }

  /**
   * Rebuilds a young symbol's volatility from candles older than its first closed minute followed by the
   * minutes it had already closed (their correlation pairs are not counted twice). Returns the number of
   * candles used.
   */
  private prependHistory(symbol: string, s: SymbolState, valid: readonly { minute: number; close: number }[]): number {
    const log = s.closeLog;
    if (!log || log.length === 0) return 0;
    const first = log[0]!.minute;
    const older = valid.filter((c, i) => c.minute < first && (i === 0 || c.minute > valid[i - 1]!.minute));
    if (older.length === 0) return 0;
    const replayed = new Set(s.returns.keys());
    s.vol = newVolState();
    s.lastClose = null;
    s.lastCloseMinute = null;
    s.returns = new Map();
    s.closeLog = [];
    for (const c of older) this.closeMinute(symbol, s, c.minute, c.close);
    for (const c of log) this.closeMinute(symbol, s, c.minute, c.close, !replayed.has(c.minute));
    return older.length;
  }

  /** Live mark tick: builds the current minute; the previous minute closes when a later one starts. */
  ingestTick(tick: MarkTick): boolean {
    const price = Number(tick.price);
    if (!(price > 0) || !Number.isFinite(price) || !Number.isFinite(tick.time)) return false;
    const s = this.state(tick.symbol);
    const minute = this.minuteOf(tick.time);
    if (s.lastCloseMinute !== null && minute <= s.lastCloseMinute) return false; // late tick
    if (s.bucketMinute !== null && minute < s.bucketMinute) return false;
    if (s.bucketMinute !== null && minute > s.bucketMinute && s.bucketLast !== null) this.closeMinute(tick.symbol, s, s.bucketMinute, s.bucketLast);
    if (s.bucketMinute === minute && s.bucketLastMs !== null && tick.time < s.bucketLastMs) return false; // older than what we have
    s.bucketMinute = minute;
    s.bucketLast = price;
    s.bucketLastMs = tick.time;
    s.lastDataMs = Math.max(s.lastDataMs ?? 0, tick.time);
    return true;
  }

  /** Start of the market minute (market ms) that a wall-clock time falls in. */
  private minuteOf(wallMs: number): number {
    return Math.floor((wallMs * this.clockScale) / MINUTE) * MINUTE;
  }

  private closeMinute(symbol: string, s: SymbolState, minute: number, close: number, pair = true): void {
    if (s.lastClose !== null && s.lastCloseMinute !== null) {
      const dtMin = (minute - s.lastCloseMinute) / MINUTE;
      const r = Math.log(close / s.lastClose);
      updateVol(s.vol, r, dtMin, this.volConfig);
      if (pair) this.pairReturn(symbol, s, minute, r, dtMin);
      else this.rememberReturn(s, minute, r, dtMin);
    }
    s.lastClose = close;
    s.lastCloseMinute = minute;
    if (s.closeLog) {
      s.closeLog.push({ minute, close });
      if (s.closeLog.length > CLOSE_LOG) s.closeLog = null;
    }
    if (s.bucketMinute !== null && s.bucketMinute <= minute) {
      s.bucketMinute = null;
      s.bucketLast = null;
      s.bucketLastMs = null;
    }
  }

  private rememberReturn(s: SymbolState, minute: number, r: number, dtMin: number): void {
    s.returns.set(minute, { r, dtMin });
    if (s.returns.size > RETURN_BUFFER) {
      const oldest = s.returns.keys().next().value;
      if (oldest !== undefined) s.returns.delete(oldest);
    }
  }

  private pairReturn(symbol: string, s: SymbolState, minute: number, r: number, dtMin: number): void {
    this.rememberReturn(s, minute, r, dtMin);
    for (const [other, os] of this.symbols) {
      if (other === symbol) continue;
      const o = os.returns.get(minute);
      // Pair only returns over the same interval, so the two legs see the same market moves.
      if (!o || o.dtMin !== dtMin) continue;
      const key = pairKey(symbol, other);
      let p = this.pairs.get(key);
      if (!p) this.pairs.set(key, (p = newPairState()));
      const [a, b] = symbol < other ? [r, o.r] : [o.r, r];
      updatePair(p, a, b, dtMin, this.params.slowHalfLifeMin);
    }
  }

  sigma(symbol: string): number | null {
    const s = this.symbols.get(symbol);
    if (!s || !isVolReady(s.vol, this.volConfig)) return null;
    const v = sigmaPerMin(s.vol, this.volConfig);
    return Number.isFinite(v) && v > 0 ? v : null;
  }

  sigmaAt(symbol: string, tMin: number): number | null {
    const s = this.symbols.get(symbol);
    if (!s || !isVolReady(s.vol, this.volConfig)) return null;
    const v = horizonSigmaPerMin(s.vol, this.volConfig, tMin);
    return Number.isFinite(v) && v > 0 ? v : null;
  }

  correlation(a: string, b: string): number | null {
    const p = this.pairs.get(pairKey(a, b));
    return p ? pairCorrelation(p, MIN_PAIR_OBSERVATIONS) : null;
  }

  /** Unix ms of the newest price seen for a symbol (for staleness warnings). */
  lastDataMs(symbol: string): number | null {
    return this.symbols.get(symbol)?.lastDataMs ?? null;
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
