// What a venue's WebSocket layer gives the session engine: typed events (marks folded into the last
// snapshot at once; account events applied or answered by a REST read), and up/down as data.
import type { StreamDown, StreamEvent } from '../../streamEvents';

export interface StreamHandlers {
  onEvent(event: StreamEvent): void;
  /** Every socket is confirmed and delivering. */
  onUp(): void;
  onDown(down: StreamDown): void;
}

export interface VenueStreams {
  start(handlers: StreamHandlers, symbols: string[]): void;
  /** Positions opened/closed: subscribe marks for the new symbol set. */
  setSymbols(symbols: string[]): void;
  /** Close every socket and give back server-side resources (a listen key). */
  stop(): Promise<void>;
}
