// The one interface every data source implements: the demo venue and each real exchange adapter.
// The service cannot tell them apart. Freshness is data (asOf, health), never only a log line.
import type { AccountSnapshot, Candle, MarkTick } from '../domain/contracts';
import type { ExchangeSource } from './catalog';
import type { OrderEvent } from './streamEvents';

export type { VenueError, VenueErrorCode, VenueHealth, VenueHealthState } from '../domain/contracts';
import type { VenueHealth } from '../domain/contracts';

export interface VenueListener {
  /** A complete, validated account snapshot. */
  onSnapshot(snapshot: AccountSnapshot): void;
  onHealth(health: VenueHealth): void;
  /** Mark-price ticks for symbols the account holds (optional fast path for the forecast). */
  onMarkTick?(tick: MarkTick): void;
  /** The venue closed (part of) a position itself: a liquidation or auto-deleveraging order seen on the stream. */
  onOrderEvent?(event: OrderEvent): void;
}

/** A running connection to one account at one venue. */
export interface VenueSession {
  readonly accountId: string;
  start(listener: VenueListener): Promise<void>;
  stop(): Promise<void>;
  /** Fetch one full snapshot now (REST), bypassing streams. */
  fetchSnapshot(): Promise<AccountSnapshot>;
  /** 1-minute mark-price candles for backfilling the forecast's volatility, oldest first. */
  markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]>;
  /**
   * Market milliseconds per wall millisecond of the prices served (absent = 1, a real venue). The demo
   * replays faster than real time; its `markHistory` candles are then one *market* minute each.
   */
  readonly clockScale?: number;
  /** Ask for faster polling when risk is high (ms between polls); adapters clamp to rate limits. */
  setUrgency?(pollIntervalMs: number): void;
}

/** Where an account's data comes from; secrets are never part of this record. */
export interface AccountConfig {
  id: string;
  name: string;
  /** 'demo' is the built-in replay venue; others are real exchanges. */
  source: 'demo' | ExchangeSource;
  /** Per-account overrides (base URLs for testnet/proxies/local test servers, wallet address, ...). */
  options: Record<string, string>;
}
