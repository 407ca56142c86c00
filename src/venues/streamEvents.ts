// What a venue's stream adapter turns its raw WebSocket messages into: one typed union the session
// engine understands for every venue. Adapters parse and validate; the engine only applies events.
import type Decimal from 'decimal.js';
import type { Position } from '../domain/contracts';

/** A position as the stream carries it: the fields the venue sends, keyed by symbol (and hedge side). */
export interface PositionDelta {
  kind: 'position';
  /** Venue event time (Unix ms). */
  time: number;
  symbol: string;
  /** Hedge-mode leg; 'both' in one-way mode. */
  positionSide: Position['positionSide'];
  /**
   * The new state of the fields the stream reports, as validated decimal strings; `null` when the
   * position is closed (size zero). Fields not listed keep the last REST-read value (tiers, contract size).
   */
  fields: Partial<Pick<Position, 'side' | 'size' | 'entryPrice' | 'markPrice' | 'leverage' | 'isolatedMargin' | 'marginMode'>> | null;
}

/** The wallet balance the margin is measured against changed. */
export interface BalanceDelta {
  kind: 'balance';
  time: number;
  asset: string;
  /** New cross wallet balance of the account's settle asset (decimal string). */
  crossWalletBalance: string;
}

export interface MarkTickEvent {
  kind: 'mark';
  time: number;
  symbol: string;
  price: string;
  /** Funding the tick carries too (Binance markPriceUpdate r/T), when it does. */
  fundingRate?: string;
  nextFundingTime?: number;
}

/**
 * An order event worth telling the trader about: the venue closed (part of) a position itself, or the
 * trader's own order reduced/closed it ('trader-close': a position vanishing after it is no liquidation).
 * `reason` says why: a liquidation order, auto-deleveraging, the trader's close, or something else.
 */
export interface OrderEvent {
  kind: 'order';
  time: number;
  symbol: string;
  reason: 'liquidation' | 'adl' | 'forced-reduction' | 'trader-close' | 'other';
  /** Hedge-mode leg the venue closed ('both' in one-way mode), when the venue says. */
  positionSide?: Position['positionSide'];
  side?: 'buy' | 'sell';
  /** Filled quantity and average price, when the venue says (decimal strings). */
  size?: string;
  price?: string;
  /** The venue's own id, so an event repeated by a reconnect is recognised. */
  orderId?: string;
}

/** The stream is alive (pong, subscription confirmation, or a quiet-period keepalive). */
export interface HeartbeatEvent {
  kind: 'heartbeat';
  time: number;
}

/** Something in the account changed but the message does not carry it usably: read REST now. */
export interface AccountChangedEvent {
  kind: 'account-changed';
  time: number;
  /** Why, when the message was unusable (logged): a payload that failed validation. */
  reason?: string;
}

export type StreamEvent = PositionDelta | BalanceDelta | MarkTickEvent | OrderEvent | HeartbeatEvent | AccountChangedEvent;

/** Why a stream went down, as one object instead of positional arguments. */
export interface StreamDown {
  /** Which socket, e.g. "private stream: pong timeout". */
  reason: string;
  /** Consecutive failures of that socket (1 on the first). */
  attempt: number;
  retryInMs: number;
  /** Our own age-limit reconnect, not a failure: the data is not in doubt. */
  planned: boolean;
  cause?: unknown;
}

type DeltaFields = NonNullable<PositionDelta['fields']>;

/**
 * A PositionDelta from a venue row: amount zero = closed; otherwise the size is |amount| and the side is
 * the venue's (`side`), else the hedge leg's, else the sign of a one-way amount. `fields` is read only for
 * an open position (a closed row may carry empty prices).
 */
export function positionDelta(
  at: Pick<PositionDelta, 'time' | 'symbol' | 'positionSide'>,
  amount: Decimal,
  fields: () => Omit<DeltaFields, 'side' | 'size'>,
  side?: DeltaFields['side'],
): PositionDelta {
  if (amount.isZero()) return { kind: 'position', ...at, fields: null };
  const leg = side ?? (at.positionSide === 'both' ? (amount.isNegative() ? 'short' : 'long') : at.positionSide);
  return { kind: 'position', ...at, fields: { side: leg, size: amount.abs().toFixed(), ...fields() } };
}
