// The socket bookkeeping every streaming venue shares, written once: one ManagedSocket per channel
// (private account socket, public mark socket, or one socket for both), a confirmation deadline per
// connection (a socket that answers pings but never confirmed auth/subscribe delivers nothing), "up"
// once every socket confirmed, typed down events, and the symbol set for mark subscriptions.
// A venue supplies only its StreamAdapter: what to send on open and for new symbols, and how its raw
// messages become StreamEvents.
import type { StreamDown, StreamEvent } from '../../streamEvents';
import { decimalField, millisField } from './decimals';
import { ManagedSocket, tunedSocketOptions } from './managedSocket';
import type { SessionTuning } from './sessionOptions';
import type { StreamHandlers, VenueStreams } from './venueStreams';

export type Row = Record<string, unknown>;

/** What an adapter may do with its socket while handling an open or a message. */
export interface SocketContext {
  send(payload: unknown): void;
  restart(reason: string): void;
  /** This socket's auth/subscription is confirmed: it delivers. */
  confirm(): void;
  /** Symbols whose marks the account needs now. */
  readonly symbols: ReadonlySet<string>;
}

export interface StreamSocketAdapter {
  /** Name used in health details and logs ("private stream: pong timeout"); '' for a venue's only socket. */
  name: string;
  url: string;
  /** Application-level ping (Bybit {"op":"ping"}, OKX "ping", ...); any reply counts as the pong. */
  appPing: () => unknown;
  /** Authenticate and/or subscribe on every (re)connect. */
  onOpen(ctx: SocketContext): void;
  /** The message subscribing marks of newly held symbols on this socket (an array: several messages). */
  subscribeMarks?(symbols: string[]): unknown;
  /** A raw message → the events it carries (none for acks and pongs). */
  onMessage(message: Row, ctx: SocketContext): StreamEvent[];
}

/** A mark tick as an event, or none when the venue sent an unreadable number (the REST resync carries the mark). */
export function markEvent(symbol: unknown, price: unknown, time: unknown, path: string): StreamEvent[] {
  try {
    return [{ kind: 'mark', symbol: String(symbol), price: decimalField(price, `${path}.price`), time: millisField(time, `${path}.time`) }];
  } catch {
    return [];
  }
}

export interface StreamSetDeps {
  now: () => number;
  random: () => number;
  tuning: SessionTuning;
}

export class StreamSet implements VenueStreams {
  private sockets: { adapter: StreamSocketAdapter; socket: ManagedSocket; up: boolean; ctx: SocketContext }[] = [];
  private symbols = new Set<string>();
  private handlers: StreamHandlers | null = null;

  constructor(
    private readonly adapters: StreamSocketAdapter[],
    private readonly deps: StreamSetDeps,
  ) {}

  start(handlers: StreamHandlers, symbols: string[]): void {
    this.handlers = handlers;
    this.symbols = new Set(symbols);
    this.sockets = this.adapters.map((adapter) => this.open(adapter));
    for (const s of this.sockets) s.socket.start();
  }

  setSymbols(symbols: string[]): void {
    const added = symbols.filter((s) => !this.symbols.has(s));
    for (const s of symbols) this.symbols.add(s);
    if (added.length === 0) return;
    for (const s of this.sockets) {
      const message = s.adapter.subscribeMarks?.(added);
      for (const m of Array.isArray(message) ? message : message === undefined ? [] : [message]) s.socket.send(m);
    }
  }

  stop(): void {
    for (const s of this.sockets) s.socket.stop();
    this.sockets = [];
    this.handlers = null;
  }

  private get allUp(): boolean {
    return this.sockets.length > 0 && this.sockets.every((s) => s.up);
  }

  private open(adapter: StreamSocketAdapter) {
    const label = (reason: string): string => (adapter.name ? `${adapter.name} stream: ${reason}` : reason);
    const entry = { adapter, up: false } as (typeof this.sockets)[number];
    const confirm = (): void => {
      if (entry.up) return;
      const wasUp = this.allUp;
      entry.up = true;
      if (!wasUp && this.allUp) this.handlers?.onUp();
    };
    entry.socket = new ManagedSocket({
      url: async () => adapter.url,
      ...tunedSocketOptions(this.deps.tuning, this.deps.random, this.deps.now),
      appPing: adapter.appPing,
      onOpen: (socket) => {
        entry.up = false;
        adapter.onOpen(entry.ctx);
        const timer = setTimeout(() => {
          if (!entry.up && this.handlers) socket.restart('no auth/subscribe confirmation');
        }, this.deps.tuning.pongTimeoutMs * 2);
        timer.unref?.();
      },
      onMessage: (data) => {
        if (typeof data !== 'object' || data === null || !this.handlers) return;
        for (const event of adapter.onMessage(data as Row, entry.ctx)) this.handlers?.onEvent(event);
      },
      onDown: (reason, attempt, retryInMs, cause, planned) => {
        entry.up = false;
        const down: StreamDown = { reason: label(reason), attempt, retryInMs, planned: planned ?? false, ...(cause !== undefined ? { cause } : {}) };
        this.handlers?.onDown(down);
      },
    });
    entry.ctx = {
      send: (payload) => entry.socket.send(payload),
      restart: (reason) => entry.socket.restart(reason),
      confirm,
      symbols: this.symbols,
    };
    return entry;
  }
}
