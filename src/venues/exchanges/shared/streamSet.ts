// The socket bookkeeping every streaming venue shares, written once: one ManagedSocket per channel
// (private account socket, public mark socket, or one socket for both), a confirmation deadline per
// connection (a socket that answers pings but never confirmed auth/subscribe delivers nothing), "up"
// once every socket confirmed, typed down events, and the symbol set for mark subscriptions.
// A venue supplies only its StreamAdapter: what to send on open and for new symbols, and how its raw
// messages become StreamEvents.
import type { StreamDown, StreamEvent } from '../../streamEvents';
import { decimalField, millisField } from './decimals';
import { parseLosslessJson } from './losslessJson';
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
  /** The socket's address; a function when it is made per connection (Binance: a fresh listen key). */
  url: string | (() => Promise<string>);
  /** Application-level ping (Bybit {"op":"ping"}, OKX "ping", ...); any reply counts as the pong. Absent: WebSocket ping frames. */
  appPing?: () => unknown;
  /** The venue sends money as bare JSON numbers (Deribit): keep them as their exact text, never a float. */
  lossless?: boolean;
  /** No message for this long = silent stall (0 or absent: rely on pings), e.g. while marks must tick. */
  idleTimeoutMs?: (symbols: ReadonlySet<string>) => number;
  /** Authenticate and/or subscribe on every (re)connect. */
  onOpen(ctx: SocketContext): void;
  /** The message subscribing marks of newly held symbols on this socket (an array: several messages). */
  subscribeMarks?(symbols: string[]): unknown;
  /** A raw message → the events it carries (none for acks and pongs); a throw means "unusable, read REST". */
  onMessage(message: Row, ctx: SocketContext): StreamEvent[];
  /** The connection went down (clear per-connection timers). */
  onClose?(): void;
  /** The session stops for good (give back server-side resources, e.g. delete a listen key). */
  onStop?(): Promise<void>;
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
  private sockets: { adapter: StreamSocketAdapter; socket: ManagedSocket; up: boolean; connections: number; ctx: SocketContext }[] = [];
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

  async stop(): Promise<void> {
    for (const s of this.sockets) s.socket.stop();
    this.sockets = [];
    this.handlers = null;
    for (const a of this.adapters) a.onClose?.();
    await Promise.all(this.adapters.map((a) => a.onStop?.().catch(() => undefined)));
  }

  private get allUp(): boolean {
    return this.sockets.length > 0 && this.sockets.every((s) => s.up);
  }

  private open(adapter: StreamSocketAdapter) {
    const label = (reason: string): string => (adapter.name ? `${adapter.name} stream: ${reason}` : reason);
    const entry = { adapter, up: false, connections: 0 } as (typeof this.sockets)[number];
    const confirm = (): void => {
      if (entry.up) return;
      const wasUp = this.allUp;
      entry.up = true;
      if (!wasUp && this.allUp) this.handlers?.onUp();
    };
    entry.socket = new ManagedSocket({
      url: typeof adapter.url === 'string' ? async () => adapter.url as string : adapter.url,
      ...tunedSocketOptions(this.deps.tuning, this.deps.random, this.deps.now),
      ...(adapter.idleTimeoutMs ? { idleTimeoutMs: () => adapter.idleTimeoutMs!(this.symbols) } : {}),
      ...(adapter.appPing ? { appPing: adapter.appPing } : {}),
      ...(adapter.lossless ? { parse: parseLosslessJson } : {}),
      onOpen: (socket) => {
        entry.up = false;
        const connection = ++entry.connections;
        adapter.onOpen(entry.ctx);
        const timer = setTimeout(() => {
          // Only this connection's deadline: an earlier connection's timer must not restart a newer one.
          if (!entry.up && this.handlers && entry.connections === connection) socket.restart('no auth/subscribe confirmation');
        }, this.deps.tuning.pongTimeoutMs * 2);
        timer.unref?.();
      },
      onMessage: (data) => {
        if (typeof data !== 'object' || data === null || !this.handlers) return;
        let events: StreamEvent[];
        try {
          events = adapter.onMessage(data as Row, entry.ctx);
        } catch (error) {
          // An unusable payload never crashes the session: REST carries the account instead.
          events = [{ kind: 'account-changed', time: this.deps.now(), reason: label(error instanceof Error ? error.message : String(error)) }];
        }
        for (const event of events) this.handlers?.onEvent(event);
      },
      onDown: (reason, attempt, retryInMs, cause, planned) => {
        entry.up = false;
        adapter.onClose?.();
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
