// What a polled venue's WebSocket layer gives the polling session: mark prices to fold into the
// last snapshot at once, and "the account changed" signals that trigger an immediate REST read.
import type { VenueLiquidationEvent } from '../../types';

export interface StreamHandlers {
  onMark(symbol: string, price: string, timeMs: number): void;
  /** A private event (position, balance) arrived: the REST state is out of date. */
  onAccountChanged(): void;
  /** The venue reported a liquidation / ADL / forced reduction (each venue's liquidation.ts parses it). */
  onVenueEvent?(event: VenueLiquidationEvent): void;
  /** Both sockets are delivering. */
  onUp(): void;
  onDown(reason: string, attempt: number, retryInMs: number): void;
}

export interface VenueStreams {
  start(handlers: StreamHandlers, symbols: string[]): void;
  /** Positions opened/closed: subscribe marks for the new symbol set. */
  setSymbols(symbols: string[]): void;
  stop(): void;
}
