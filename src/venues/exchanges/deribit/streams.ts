// Deribit WebSocket (JSON-RPC 2.0 over /ws/api/v2): authenticate the connection with a
// client_signature public/auth (the secret is never sent), subscribe user.changes.future.<CCY>.raw
// (account changes → REST read) and ticker.<instrument>.100ms (mark prices). public/test is the
// application-level ping.
import { parseDeribitChanges } from './liquidation';
import { createHmac, randomBytes } from 'node:crypto';
import { decimalField, millisField } from '../shared/decimals';
import { ManagedSocket, tunedSocketOptions } from '../shared/managedSocket';
import type { SessionTuning } from '../shared/sessionOptions';
import type { StreamHandlers, VenueStreams } from '../shared/venueStreams';
import type { VenueSecret } from '../secret';

type Row = Record<string, unknown>;
const AUTH_ID = 9001;
const PRIVATE_SUB_ID = 9002;

export class DeribitStreams implements VenueStreams {
  private socket: ManagedSocket | null = null;
  private instruments = new Set<string>();
  private up = false;
  private handlers: StreamHandlers | null = null;
  private nextId = 1;

  constructor(
    private readonly wsUrl: string,
    private readonly currency: string,
    private readonly secret: VenueSecret,
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly tuning: SessionTuning,
  ) {}

  start(handlers: StreamHandlers, symbols: string[]): void {
    this.handlers = handlers;
    this.instruments = new Set(symbols);
    this.socket = new ManagedSocket({
      url: async () => this.wsUrl,
      ...tunedSocketOptions(this.tuning, this.random, this.now),
      appPing: () => ({ jsonrpc: '2.0', id: this.nextId++, method: 'public/test', params: {} }),
      onOpen: (socket) => {
        this.up = false;
        const timestamp = this.now();
        const nonce = randomBytes(8).toString('hex');
        const signature = createHmac('sha256', this.secret.secret).update(`${timestamp}\n${nonce}\n`).digest('hex');
        socket.send({ jsonrpc: '2.0', id: AUTH_ID, method: 'public/auth', params: { grant_type: 'client_signature', client_id: this.secret.apiKey, timestamp, nonce, data: '', signature } });
        const timer = setTimeout(() => {
          if (!this.up && this.handlers) socket.restart('no auth/subscribe confirmation');
        }, this.tuning.pongTimeoutMs * 2);
        timer.unref?.();
      },
      onMessage: (data) => this.onMessage(data),
      onDown: (reason, attempt, retryInMs) => {
        this.up = false;
        this.handlers?.onDown(reason, attempt, retryInMs);
      },
    });
    this.socket.start();
  }

  setSymbols(symbols: string[]): void {
    const added = symbols.filter((s) => !this.instruments.has(s));
    for (const s of symbols) this.instruments.add(s);
    if (added.length) this.subscribeTickers(added);
  }

  stop(): void {
    this.socket?.stop();
    this.socket = null;
    this.handlers = null;
  }

  private subscribeTickers(names: string[]): void {
    this.socket?.send({ jsonrpc: '2.0', id: this.nextId++, method: 'public/subscribe', params: { channels: names.map((n) => `ticker.${n}.100ms`) } });
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null || !this.handlers) return;
    const msg = data as Row;
    if (msg.id === AUTH_ID) {
      if (msg.error || !msg.result) {
        this.socket?.restart('authentication refused');
        return;
      }
      this.socket?.send({ jsonrpc: '2.0', id: PRIVATE_SUB_ID, method: 'private/subscribe', params: { channels: [`user.changes.future.${this.currency}.raw`] } });
      if (this.instruments.size) this.subscribeTickers([...this.instruments]);
      return;
    }
    if (msg.id === PRIVATE_SUB_ID && Array.isArray(msg.result)) {
      if (!this.up) {
        this.up = true;
        this.handlers.onUp();
      }
      return;
    }
    if (msg.method !== 'subscription') return;
    const params = (msg.params ?? {}) as Row;
    const channel = String(params.channel ?? '');
    const payload = (params.data ?? {}) as Row;
    if (channel.startsWith('user.changes.')) {
      for (const e of parseDeribitChanges(payload, Date.now())) this.handlers.onVenueEvent?.(e);
      this.handlers.onAccountChanged();
    }
    else if (channel.startsWith('ticker.')) {
      try {
        this.handlers.onMark(String(payload.instrument_name), decimalField(payload.mark_price, `${channel}.mark_price`), millisField(payload.timestamp, `${channel}.timestamp`));
      } catch {
        /* unreadable tick dropped; the REST resync carries the mark */
      }
    }
  }
}
