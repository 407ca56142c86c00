// Hyperliquid WebSocket (no auth: the wallet address is public): userEvents (fills, funding,
// liquidations) signal account changes; activeAssetCtx per coin carries the mark price.
// Hyperliquid drops sockets silent for 60 s; we send {"method":"ping"} (reply channel "pong").
import { parseHyperliquidUserEvents } from './liquidation';
import { decimalField } from '../shared/decimals';
import { ManagedSocket, tunedSocketOptions } from '../shared/managedSocket';
import type { SessionTuning } from '../shared/sessionOptions';
import type { StreamHandlers, VenueStreams } from '../shared/venueStreams';

type Row = Record<string, unknown>;

export class HyperliquidStreams implements VenueStreams {
  private socket: ManagedSocket | null = null;
  private coins = new Set<string>();
  private up = false;
  private handlers: StreamHandlers | null = null;

  constructor(
    private readonly wsUrl: string,
    private readonly wallet: string,
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly tuning: SessionTuning,
  ) {}

  start(handlers: StreamHandlers, symbols: string[]): void {
    this.handlers = handlers;
    this.coins = new Set(symbols);
    this.socket = new ManagedSocket({
      url: async () => this.wsUrl,
      ...tunedSocketOptions(this.tuning, this.random, this.now),
      appPing: () => ({ method: 'ping' }),
      onOpen: (socket) => {
        this.up = false;
        socket.send({ method: 'subscribe', subscription: { type: 'userEvents', user: this.wallet } });
        for (const coin of this.coins) socket.send({ method: 'subscribe', subscription: { type: 'activeAssetCtx', coin } });
        const timer = setTimeout(() => {
          if (!this.up && this.handlers) socket.restart('no subscription confirmation');
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
    for (const coin of symbols) {
      if (this.coins.has(coin)) continue;
      this.coins.add(coin);
      this.socket?.send({ method: 'subscribe', subscription: { type: 'activeAssetCtx', coin } });
    }
  }

  stop(): void {
    this.socket?.stop();
    this.socket = null;
    this.handlers = null;
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null || !this.handlers) return;
    const msg = data as Row;
    const payload = (msg.data ?? {}) as Row;
    if (msg.channel === 'subscriptionResponse' && ((payload.subscription ?? {}) as Row).type === 'userEvents') {
      if (!this.up) {
        this.up = true;
        this.handlers.onUp();
      }
      return;
    }
    if (msg.channel === 'userEvents') {
      for (const e of parseHyperliquidUserEvents(msg, Date.now())) this.handlers.onVenueEvent?.(e);
      this.handlers.onAccountChanged();
    }
    if (msg.channel === 'activeAssetCtx') {
      const ctx = (payload.ctx ?? {}) as Row;
      try {
        this.handlers.onMark(String(payload.coin), decimalField(ctx.markPx, 'activeAssetCtx.ctx.markPx'), this.now());
      } catch {
        /* unreadable tick dropped; the REST resync carries the mark */
      }
    }
  }
}
