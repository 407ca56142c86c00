// A WebSocket that knows when it is dead: client pings with a pong deadline, an idle deadline for
// streams that should tick, reconnect with backoff, a hook to resubscribe on every open, and a
// planned reconnect before the venue's forced disconnect (Binance: 24 h).
import WebSocket from 'ws';
import type { SessionTuning } from './sessionOptions';
import { backoffDelay, type BackoffPolicy } from './backoff';

export interface ManagedSocketOptions {
  /** Resolved on every (re)connect, so listen keys can change between attempts. */
  url: () => Promise<string>;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Reconnect when no message arrived for this long (0 = only rely on pings); a function when it depends on subscriptions. */
  idleTimeoutMs: number | (() => number);
  /** Reconnect proactively before the venue cuts the connection. */
  maxConnectionAgeMs: number;
  backoff: BackoffPolicy;
  random: () => number;
  /** Venues with an application-level ping (Bybit {"op":"ping"}): sent instead of a ping frame; any reply counts. */
  appPing?: () => unknown;
  /** Message text → value; default JSON.parse (a venue sending money as bare JSON numbers passes a lossless parser). */
  parse?: (text: string) => unknown;
  onOpen(socket: ManagedSocket): void;
  onMessage(data: unknown, receivedAtMs: number): void;
  /** Called when the connection is lost or judged dead; `attempt` counts consecutive failures. */
  /** `planned`: our own age-limit reconnect, not a failure (the data is not in doubt). */
  onDown(reason: string, attempt: number, retryInMs: number, cause?: unknown, planned?: boolean): void;
  now: () => number;
}

/**
 * The heartbeat, reconnect and clock settings every venue's secondary streams share: ping/pong from the
 * session tuning, no idle limit (these streams can be quiet), reconnect before the venue's age limit.
 */
export function tunedSocketOptions(
  tuning: Pick<SessionTuning, 'pingIntervalMs' | 'pongTimeoutMs' | 'maxConnectionAgeMs' | 'backoff'>,
  random: () => number,
  now: () => number,
): Pick<ManagedSocketOptions, 'pingIntervalMs' | 'pongTimeoutMs' | 'idleTimeoutMs' | 'maxConnectionAgeMs' | 'backoff' | 'random' | 'now'> {
  return {
    pingIntervalMs: tuning.pingIntervalMs,
    pongTimeoutMs: tuning.pongTimeoutMs,
    idleTimeoutMs: 0,
    maxConnectionAgeMs: tuning.maxConnectionAgeMs,
    backoff: tuning.backoff,
    random,
    now,
  };
}

export class ManagedSocket {
  private ws: WebSocket | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private attempt = 0;
  private stopped = false;
  private lastMessageAt = 0;
  private awaitingPongSince: number | null = null;
  private openedAt = 0;

  constructor(private readonly options: ManagedSocketOptions) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
  }

  /** Objects are sent as JSON, strings as they are (OKX's text "ping"). */
  send(payload: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  /** Drop the connection now and reconnect (e.g. listen key expired). */
  restart(reason: string): void {
    this.fail(reason, true);
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let url: string;
    try {
      url = await this.options.url();
    } catch (error) {
      this.fail(`cannot prepare stream: ${error instanceof Error ? error.message : String(error)}`, false, error);
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(url, { handshakeTimeout: this.options.pongTimeoutMs * 2 });
    this.ws = ws;
    ws.on('open', () => {
      if (ws !== this.ws) return;
      // `attempt` is reset by the first message, not the open: a socket that opens and then says
      // nothing (silent stall) must keep counting as a failure.
      this.openedAt = this.lastMessageAt = this.options.now();
      this.awaitingPongSince = null;
      this.options.onOpen(this);
      this.scheduleHeartbeat(ws);
    });
    ws.on('message', (raw) => {
      if (ws !== this.ws) return;
      this.lastMessageAt = this.options.now();
      this.attempt = 0;
      this.awaitingPongSince = null; // any traffic proves the connection alive
      let data: unknown;
      try {
        data = (this.options.parse ?? JSON.parse)(raw.toString());
      } catch {
        return; // a garbled frame is dropped; the idle deadline catches a stream that only sends garbage
      }
      this.options.onMessage(data, this.lastMessageAt);
    });
    ws.on('pong', () => {
      if (ws === this.ws) this.awaitingPongSince = null;
    });
    ws.on('close', (code) => {
      if (ws === this.ws) this.fail(`stream closed (code ${code})`, false);
    });
    ws.on('error', (error) => {
      if (ws === this.ws) this.fail(`stream error: ${error.message}`, false);
    });
  }

  private scheduleHeartbeat(ws: WebSocket): void {
    const idle = (): number => (typeof this.options.idleTimeoutMs === 'function' ? this.options.idleTimeoutMs() : this.options.idleTimeoutMs);
    const tick = Math.max(50, Math.min(this.options.pingIntervalMs, this.options.pongTimeoutMs, idle() || Infinity) / 2);
    const check = (): void => {
      if (ws !== this.ws || this.stopped) return;
      const now = this.options.now();
      if (this.awaitingPongSince !== null && now - this.awaitingPongSince > this.options.pongTimeoutMs) {
        this.fail(`no pong within ${this.options.pongTimeoutMs} ms (silent stall)`, true);
        return;
      }
      const idleLimit = idle();
      if (idleLimit > 0 && now - this.lastMessageAt > idleLimit) {
        this.fail(`no message for ${idleLimit} ms (silent stall)`, true);
        return;
      }
      if (now - this.openedAt > this.options.maxConnectionAgeMs) {
        this.fail('planned reconnect before the forced disconnect', true, undefined, true);
        return;
      }
      if (this.awaitingPongSince === null && now - this.lastPingAt >= this.options.pingIntervalMs) {
        this.lastPingAt = now;
        this.awaitingPongSince = now;
        try {
          if (this.options.appPing) {
            const ping = this.options.appPing();
            ws.send(typeof ping === 'string' ? ping : JSON.stringify(ping)); // OKX: the text "ping"
          }
          else ws.ping();
        } catch {
          /* close handler follows */
        }
      }
      this.later(check, tick);
    };
    this.lastPingAt = this.options.now();
    this.later(check, tick);
  }

  private lastPingAt = 0;

  private fail(reason: string, immediate: boolean, cause?: unknown, planned = false): void {
    if (this.stopped) return;
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    this.attempt += 1;
    // A planned reconnect (age limit) goes straight back; failures back off.
    const waitAsked = (cause as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const delay =
      immediate && this.attempt === 1
        ? 0
        : backoffDelay(this.attempt, this.options.backoff, this.options.random, typeof waitAsked === 'number' ? waitAsked : null);
    this.options.onDown(reason, this.attempt, delay, cause, planned);
    this.later(() => void this.connect(), delay);
  }
}
