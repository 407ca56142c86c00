// OKX v5 WebSockets: the private socket (login = base64 HMAC of timestamp + "GET/users/self/verify";
// channels positions and account) signals account changes; the public socket's mark-price channel
// carries marks. OKX closes idle sockets after 30 s: we send the text "ping" (reply "pong").
import { parseOkxOrders } from './liquidation';
import { createHmac } from 'node:crypto';
import { decimalField, millisField } from '../shared/decimals';
import { ManagedSocket, tunedSocketOptions } from '../shared/managedSocket';
import type { SessionTuning } from '../shared/sessionOptions';
import type { StreamHandlers, VenueStreams } from '../shared/venueStreams';
import type { VenueSecret } from '../secret';

type Row = Record<string, unknown>;

export class OkxStreams implements VenueStreams {
  private privateSocket: ManagedSocket | null = null;
  private publicSocket: ManagedSocket | null = null;
  private symbols = new Set<string>();
  private privateUp = false;
  private publicUp = false;
  private handlers: StreamHandlers | null = null;

  constructor(
    private readonly wsBase: string,
    private readonly secret: VenueSecret,
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly tuning: SessionTuning,
  ) {}

  start(handlers: StreamHandlers, symbols: string[]): void {
    this.handlers = handlers;
    this.symbols = new Set(symbols);
    this.privateSocket = this.socket(`${this.wsBase}/ws/v5/private`, 'private');
    this.publicSocket = this.socket(`${this.wsBase}/ws/v5/public`, 'public');
    this.privateSocket.start();
    this.publicSocket.start();
  }

  setSymbols(symbols: string[]): void {
    const added = symbols.filter((s) => !this.symbols.has(s));
    for (const s of symbols) this.symbols.add(s);
    if (added.length) this.publicSocket?.send({ op: 'subscribe', args: added.map((instId) => ({ channel: 'mark-price', instId })) });
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
      appPing: () => 'ping',
      onOpen: (socket) => {
        if (kind === 'private') {
          this.privateUp = false;
          const timestamp = String(Math.floor(this.now() / 1000));
          const sign = createHmac('sha256', this.secret.secret).update(`${timestamp}GET/users/self/verify`).digest('base64');
          socket.send({ op: 'login', args: [{ apiKey: this.secret.apiKey, passphrase: this.secret.passphrase ?? '', timestamp, sign }] });
        } else {
          this.publicUp = false;
          if (this.symbols.size > 0) socket.send({ op: 'subscribe', args: [...this.symbols].map((instId) => ({ channel: 'mark-price', instId })) });
          else socket.send('ping');
        }
        // A socket that never confirms login/subscribe would look alive on pongs alone.
        const timer = setTimeout(() => {
          const up = kind === 'private' ? this.privateUp : this.publicUp;
          if (!up && this.handlers) socket.restart(`${kind} stream: no confirmation`);
        }, this.tuning.pongTimeoutMs * 2);
        timer.unref?.();
      },
      onMessage: (data) => this.onMessage(kind, data),
      onDown: (reason, attempt, retryInMs) => {
        if (kind === 'private') this.privateUp = false;
        else this.publicUp = false;
        this.handlers?.onDown(`${kind} stream: ${reason}`, attempt, retryInMs);
      },
    });
  }

  private onMessage(kind: 'private' | 'public', data: unknown): void {
    if (typeof data !== 'object' || data === null || !this.handlers) return;
    const msg = data as Row;
    if (kind === 'private' && msg.event === 'login') {
      if (msg.code === '0') this.privateSocket?.send({ op: 'subscribe', args: [{ channel: 'positions', instType: 'SWAP' }, { channel: 'account' }, { channel: 'orders', instType: 'SWAP' }] });
      else this.privateSocket?.restart('login refused');
      return;
    }
    if (msg.event === 'error') return;
    const wasUp = this.privateUp && this.publicUp;
    if (kind === 'private' && msg.event === 'subscribe') this.privateUp = true;
    if (kind === 'public' && (msg.event === 'subscribe' || msg.arg !== undefined)) this.publicUp = true;
    if (!wasUp && this.privateUp && this.publicUp) this.handlers.onUp();
    const arg = (msg.arg ?? {}) as Row;
    if (!Array.isArray(msg.data)) return;
    if (kind === 'private' && (arg.channel === 'positions' || arg.channel === 'account')) this.handlers.onAccountChanged();
    if (kind === 'private' && arg.channel === 'orders') for (const e of parseOkxOrders(msg, Date.now())) this.handlers.onVenueEvent?.(e);
    if (kind === 'public' && arg.channel === 'mark-price') {
      for (const d of msg.data as Row[]) {
        try {
          this.handlers.onMark(String(d.instId), decimalField(d.markPx, 'mark-price.markPx'), millisField(d.ts, 'mark-price.ts'));
        } catch {
          /* unreadable tick dropped; REST resync carries the mark */
        }
      }
    }
  }
}
