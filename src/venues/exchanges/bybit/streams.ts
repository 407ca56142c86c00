// Bybit v5 WebSockets: the private stream (auth with HMAC of "GET/realtime" + expires; topics
// position and wallet) signals account changes, the public stream (tickers.<symbol>) carries
// mark prices. Bybit expects {"op":"ping"} at least every 20 s; any reply proves the socket alive.
import { parseBybitExecution } from './liquidation';
import { createHmac } from 'node:crypto';
import { decimalField, millisField } from '../shared/decimals';
import { ManagedSocket, tunedSocketOptions } from '../shared/managedSocket';
import type { SessionTuning } from '../shared/sessionOptions';
import type { StreamHandlers, VenueStreams } from '../shared/venueStreams';
import type { VenueSecret } from '../secret';

type Row = Record<string, unknown>;

export class BybitStreams implements VenueStreams {
  private privateSocket: ManagedSocket | null = null;
  private publicSocket: ManagedSocket | null = null;
  private symbols = new Set<string>();
  private privateUp = false;
  private publicUp = false;
  private handlers: StreamHandlers | null = null;

  constructor(
    private readonly wsBase: string,
    private readonly category: 'linear' | 'inverse',
    private readonly secret: VenueSecret,
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly tuning: SessionTuning,
  ) {}

  start(handlers: StreamHandlers, symbols: string[]): void {
    this.handlers = handlers;
    this.symbols = new Set(symbols);
    this.privateSocket = this.socket(`${this.wsBase}/v5/private`, 'private');
    this.publicSocket = this.socket(`${this.wsBase}/v5/public/${this.category}`, 'public');
    this.privateSocket.start();
    this.publicSocket.start();
  }

  setSymbols(symbols: string[]): void {
    const added = symbols.filter((s) => !this.symbols.has(s));
    for (const s of symbols) this.symbols.add(s);
    if (added.length) this.publicSocket?.send({ op: 'subscribe', args: added.map((s) => `tickers.${s}`) });
  }

  stop(): void {
    this.privateSocket?.stop();
    this.publicSocket?.stop();
    this.privateSocket = this.publicSocket = null;
    this.handlers = null;
  }

  private socket(url: string, kind: 'private' | 'public'): ManagedSocket {
    return new ManagedSocket({
      url: async () => url,
      ...tunedSocketOptions(this.tuning, this.random, this.now),
      appPing: () => ({ op: 'ping' }),
      onOpen: (socket) => {
        this.expectConfirmation(kind, socket);
        if (kind === 'private') {
          const expires = this.now() + 10_000;
          const signature = createHmac('sha256', this.secret.secret).update(`GET/realtime${expires}`).digest('hex');
          socket.send({ op: 'auth', args: [this.secret.apiKey, expires, signature] });
        } else if (this.symbols.size > 0) {
          socket.send({ op: 'subscribe', args: [...this.symbols].map((s) => `tickers.${s}`) });
        } else {
          socket.send({ op: 'ping' }); // nothing to subscribe yet; the pong proves the socket
        }
      },
      onMessage: (data) => this.onMessage(kind, data),
      onDown: (reason, attempt, retryInMs) => {
        if (kind === 'private') this.privateUp = false;
        else this.publicUp = false;
        this.handlers?.onDown(`${kind} stream: ${reason}`, attempt, retryInMs);
      },
    });
  }

  /**
   * A socket that answers pings but never confirmed auth/subscribe (a reply lost in a stall) would
   * look alive forever while delivering nothing: restart it if confirmation does not come in time.
   */
  private expectConfirmation(kind: 'private' | 'public', socket: ManagedSocket): void {
    const timer = setTimeout(() => {
      const up = kind === 'private' ? this.privateUp : this.publicUp;
      if (!up && this.handlers) socket.restart(`${kind} stream: no ${kind === 'private' ? 'auth/subscribe' : 'subscribe'} confirmation`);
    }, this.tuning.pongTimeoutMs * 2);
    timer.unref?.();
  }

  private onMessage(kind: 'private' | 'public', data: unknown): void {
    if (typeof data !== 'object' || data === null || !this.handlers) return;
    const msg = data as Row;
    if (kind === 'private' && msg.op === 'auth') {
      if (msg.success === true) this.privateSocket?.send({ op: 'subscribe', args: ['position', 'wallet', 'execution'] });
      else this.privateSocket?.restart('authentication refused');
      return;
    }
    const wasUp = this.privateUp && this.publicUp;
    if (kind === 'private' && msg.op === 'subscribe' && msg.success === true) this.privateUp = true;
    // Public: a subscribe confirmation or data; a bare pong only when there is nothing to subscribe.
    if (kind === 'public' && (msg.op === 'subscribe' || typeof msg.topic === 'string' || (msg.op === 'ping' && this.symbols.size === 0))) this.publicUp = true;
    if (!wasUp && this.privateUp && this.publicUp) this.handlers.onUp();
    if (kind === 'private' && (msg.topic === 'position' || msg.topic === 'wallet')) this.handlers.onAccountChanged();
    if (kind === 'private' && msg.topic === 'execution') for (const e of parseBybitExecution(msg, Date.now())) this.handlers.onVenueEvent?.(e);
    if (kind === 'public' && typeof msg.topic === 'string' && msg.topic.startsWith('tickers.')) {
      const d = (msg.data ?? {}) as Row;
      if (d.markPrice === undefined || d.markPrice === '') return; // deltas omit unchanged fields
      try {
        this.handlers.onMark(String(d.symbol), decimalField(d.markPrice, `${msg.topic}.markPrice`), millisField(msg.ts, `${msg.topic}.ts`));
      } catch {
        /* an unreadable tick is dropped; the REST resync still carries the mark */
      }
    }
  }
}
