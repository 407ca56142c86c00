// The demo venue: serves the demo account through the same VenueSession interface as a real exchange,
// replaying real crash-day candles at a configurable speed. Time and timers are injected for tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Decimal from 'decimal.js';
import type { AccountSnapshot, Candle, Tier } from '../../domain/contracts';
import type { VenueListener, VenueSession } from '../types';
import { loadCandleFile } from './candles';
import { computeMarginReport } from '../../domain/margin';
import { demoSnapshot, liquidateDemoAccount, openDemoAccount, roundToTick, type DemoAccountState } from './account';
import { CANDLE_MS, candlesBefore, loopIndex, makeTape, priceAt, type Tape } from './replay';

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DemoVenueOptions {
  accountId: string;
  resourcesDir: string;
  /** Market milliseconds per wall millisecond (30 = one candle every 2 s). */
  speed?: number;
  /** Wall milliseconds between ticks. */
  tickMs?: number;
  now?: () => number;
  timers?: Timers;
}

export const DEMO_SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
export const DEFAULT_DEMO_SPEED = 30;
const TAPE_FILES: Record<(typeof DEMO_SYMBOLS)[number], string> = {
  BTCUSDT: 'BTCUSDT_1m_20210519T0400-1600.csv',
  ETHUSDT: 'ETHUSDT_1m_20210519T0400-1600.csv',
};
/** The first six hours of each file are history (and the bridge that closes the loop); the replay starts at 10:00 UTC. */
const REPLAY_FROM_INDEX = 360;
const FUNDING_INTERVAL_MS = 8 * 3600_000;

export function loadDemoTapes(resourcesDir: string): Record<string, Tape> {
  const tapes: Record<string, Tape> = {};
  for (const symbol of DEMO_SYMBOLS) {
    const candles = loadCandleFile(join(resourcesDir, 'demo', TAPE_FILES[symbol]));
    tapes[symbol] = makeTape(candles, Math.min(REPLAY_FROM_INDEX, candles.length - 1));
  }
  return tapes;
}

export function loadDemoTiers(resourcesDir: string): Record<string, Tier[]> {
  const parsed = JSON.parse(readFileSync(join(resourcesDir, 'demo', 'tiers.json'), 'utf8')) as { tiers: Record<string, Tier[]> };
  return parsed.tiers;
}

export class DemoVenueSession implements VenueSession {
  readonly accountId: string;
  private readonly tapes: Record<string, Tape>;
  private readonly tiers: Record<string, Tier[]>;
  private readonly speed: number;
  private readonly tickMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  /** Market time (wall ms × speed) at which the replay's first candle opens. */
  private marketOrigin = 0;
  private loop = -1;
  private account: DemoAccountState | null = null;
  private handle: unknown = null;
  private listener: VenueListener | null = null;

  constructor(options: DemoVenueOptions) {
    this.accountId = options.accountId;
    this.tapes = loadDemoTapes(options.resourcesDir);
    this.tiers = loadDemoTiers(options.resourcesDir);
    this.speed = options.speed ?? DEFAULT_DEMO_SPEED;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new Error('demo speed must be a positive number');
    this.tickMs = options.tickMs ?? 250;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    this.marketOrigin = this.originAt(this.now());
  }

  async start(listener: VenueListener): Promise<void> {
    this.listener = listener;
    this.marketOrigin = this.originAt(this.now());
    listener.onHealth({ state: 'connecting', dataAsOf: null, lastError: null, detail: 'Starting demo replay' });
    this.tick();
    this.handle = this.timers.setInterval(() => this.tick(), this.tickMs);
  }

  async stop(): Promise<void> {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
    this.listener?.onHealth({ state: 'stopped', dataAsOf: null, lastError: null });
    this.listener = null;
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    return this.snapshotAt(this.now());
  }

  /** Its prices are a market replayed `speed` times faster than the wall clock. */
  get clockScale(): number {
    return this.speed;
  }

  /** Market-minute candles (each 1/speed of a wall minute long), as `clockScale` says. */
  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const tape = this.tapes[symbol];
    if (!tape) throw new Error(`demo venue: unknown symbol ${symbol}`);
    const now = this.now();
    const count = Math.max(0, Math.ceil(((toMs - fromMs) * this.speed) / CANDLE_MS));
    return candlesBefore(tape, this.marketOffset(now), now, count, this.speed).filter((c) => c.time >= fromMs && c.time < toMs);
  }

  /** Market time elapsed since the replay started. */
  marketOffset(nowMs: number): number {
    return nowMs * this.speed - this.marketOrigin;
  }

  /**
   * The replay starts at the market minute under way (at most one market minute in), so its candles
   * are the market minutes the forecaster counts (`MarketState`'s clockScale): the backfill's closes
   * are the tape's closes, and each live minute closes near one.
   */
  private originAt(nowMs: number): number {
    return Math.floor((nowMs * this.speed) / CANDLE_MS) * CANDLE_MS;
  }

  private tick(): void {
    const listener = this.listener;
    if (!listener) return;
    const nowMs = this.now();
    const snapshot = this.snapshotAt(nowMs);
    for (const position of snapshot.positions) {
      listener.onMarkTick?.({ symbol: position.symbol, price: position.markPrice, time: nowMs });
    }
    listener.onSnapshot(snapshot);
    listener.onHealth({ state: 'live', dataAsOf: snapshot.asOf, lastError: null, detail: `Demo replay ×${this.speed}` });
  }

  private snapshotAt(nowMs: number): AccountSnapshot {
    const offset = this.marketOffset(nowMs);
    const marks: Record<string, Decimal> = {};
    for (const symbol of DEMO_SYMBOLS) marks[symbol] = roundToTick(priceAt(this.tapes[symbol]!, offset));
    const loop = loopIndex(this.tapes.BTCUSDT!, offset);
    if (!this.account || loop !== this.loop) {
      // Each loop replays the same crash with a freshly opened account.
      const start: Record<string, number> = {};
      for (const symbol of DEMO_SYMBOLS) start[symbol] = priceAt(this.tapes[symbol]!, 0);
      this.account = openDemoAccount(start);
      this.loop = loop;
    }
    const nextFunding = new Date(Math.ceil((nowMs + 1) / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS).toISOString();
    const asOf = new Date(nowMs).toISOString();
    const snapshot = demoSnapshot(this.account, marks, this.tiers, asOf, nextFunding);
    // The venue plays the exchange: positions past their liquidation price are liquidated, and it
    // says so as a real venue's stream does (ORDER_TRADE_UPDATE with a liquidation order).
    const liquidated = liquidateDemoAccount(this.account, snapshot, computeMarginReport(snapshot));
    if (liquidated.length > 0) {
      for (const l of liquidated) this.listener?.onOrderEvent?.({ kind: 'order', time: nowMs, symbol: l.symbol, reason: 'liquidation', positionSide: l.positionSide, price: l.price });
      return demoSnapshot(this.account, marks, this.tiers, asOf, nextFunding);
    }
    return snapshot;
  }
}
