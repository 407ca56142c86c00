// A local Hyperliquid info server on 127.0.0.1: POST /info with clearinghouseState,
// metaAndAssetCtxs and candleSnapshot, weight accounting per window (1200/min per IP in
// production), 429 when over, 422 for undecodable bodies, and injectable faults.
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody, sleep, WindowCounter } from '../shared/http';
import { toJsonText } from '../shared/jsonText';
import { listenOnLoopback, shutDown } from '../shared/loopback';

export type HyperliquidFault = { kind: 'rate-limit' } | { kind: 'maintenance' } | { kind: 'malformed' } | { kind: 'slow'; delayMs: number };

export interface HyperliquidServerOptions {
  /** clearinghouseState per lower-case wallet address (as Hyperliquid returns it). */
  states: Record<string, unknown>;
  /** [meta, assetCtxs] as metaAndAssetCtxs returns it. */
  metaAndAssetCtxs: [unknown, unknown[]];
  candles?: Record<string, Array<{ t: number; o: string; h: string; l: string; c: string }>>;
  weightLimit?: number;
  windowMs?: number;
  ctxIntervalMs?: number;
}

const ADDRESS_RE = /^0x[0-9a-f]{40}$/;

export class HyperliquidTestServer {
  readonly requests: Array<{ type: string; weight: number; at: number; status: number }> = [];
  readonly weights: WindowCounter;
  rejectedForWeight = 0;
  baseUrl = '';
  wsUrl = '';
  private faults: HyperliquidFault[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<{ ws: WebSocket; users: Set<string>; coins: Set<string>; webData: Set<string> }>();
  private ctxTimer: NodeJS.Timeout | null = null;
  private stalled = false;

  constructor(private readonly options: HyperliquidServerOptions) {
    this.weights = new WindowCounter(options.windowMs ?? 60_000, options.weightLimit ?? 1200);
    this.http = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const reply = (status: number, payload: unknown, type = '?', weight = 0): void => {
          this.requests.push({ type, weight, at: Date.now(), status });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(typeof payload === 'string' ? payload : toJsonText(payload));
        };
        if (req.method !== 'POST' || req.url !== '/info') return reply(404, 'Not Found');
        let msg: { type?: string; user?: string; req?: { coin?: string; startTime?: number; endTime?: number } };
        try {
          msg = JSON.parse(body) as typeof msg;
        } catch {
          return reply(422, 'Failed to deserialize the JSON body into the target type');
        }
        const type = String(msg.type);
        const candleRows = type === 'candleSnapshot' ? this.candles(msg.req ?? {}) : [];
        const weight = type === 'clearinghouseState' ? 2 : type === 'candleSnapshot' ? 20 + Math.ceil(candleRows.length / 60) : 20;
        const fault = this.faults.shift();
        if (fault?.kind === 'slow') await sleep(fault.delayMs);
        if (fault?.kind === 'rate-limit') return reply(429, 'null', type, weight);
        if (fault?.kind === 'maintenance') return reply(503, 'Service Unavailable', type, weight);
        const w = this.weights.add(weight, Date.now());
        if (w.over) {
          this.rejectedForWeight += 1;
          return reply(429, 'null', type, weight);
        }
        if (fault?.kind === 'malformed') return reply(200, '{"assetPositions":[{"position":', type, weight);
        if (type === 'clearinghouseState') {
          if (!ADDRESS_RE.test(String(msg.user))) return reply(422, 'Failed to deserialize the JSON body into the target type', type, weight);
          const state = this.options.states[String(msg.user)] ?? emptyState();
          return reply(200, state, type, weight);
        }
        if (type === 'metaAndAssetCtxs') return reply(200, this.options.metaAndAssetCtxs, type, weight);
        if (type === 'candleSnapshot') return reply(200, candleRows, type, weight);
        return reply(422, 'Failed to deserialize the JSON body into the target type', type, weight);
      })();
    });
  }

  // ---- WebSocket /ws: subscribe userEvents / activeAssetCtx, {"method":"ping"} → pong ----

  private upgrade(req: import('node:http').IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    if (req.url !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { ws, users: new Set<string>(), coins: new Set<string>(), webData: new Set<string>() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => this.conns.delete(conn));
      ws.on('message', (raw) => {
        if (this.stalled) return;
        let msg: { method?: string; subscription?: { type?: string; user?: string; coin?: string } };
        try {
          msg = JSON.parse(raw.toString()) as typeof msg;
        } catch {
          return this.wsSend(ws, { channel: 'error', data: 'Invalid JSON' });
        }
        if (msg.method === 'ping') return this.wsSend(ws, { channel: 'pong' });
        if (msg.method === 'subscribe' && msg.subscription) {
          if (msg.subscription.type === 'userEvents' && msg.subscription.user) conn.users.add(msg.subscription.user.toLowerCase());
          if (msg.subscription.type === 'activeAssetCtx' && msg.subscription.coin) conn.coins.add(msg.subscription.coin);
          this.wsSend(ws, { channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: msg.subscription } });
          // webData2 starts with the current state, as Hyperliquid's does.
          if (msg.subscription.type === 'webData2' && msg.subscription.user) {
            const user = msg.subscription.user.toLowerCase();
            conn.webData.add(user);
            this.wsSend(ws, { channel: 'webData2', data: { user, clearinghouseState: this.options.states[user] } });
          }
          return;
        }
      });
    });
  }

  private wsSend(ws: WebSocket, payload: unknown): void {
    if (this.stalled) return;
    try {
      ws.send(toJsonText(payload));
    } catch {
      /* gone */
    }
  }

  private pushCtxs(): void {
    const [meta, ctxs] = this.options.metaAndAssetCtxs as [{ universe: Array<{ name: string }> }, Record<string, unknown>[]];
    for (const c of this.conns) {
      meta.universe.forEach((u, i) => {
        if (c.coins.has(u.name)) this.wsSend(c.ws, { channel: 'activeAssetCtx', data: { coin: u.name, ctx: ctxs[i] } });
      });
    }
  }

  setMarkPrice(coin: string, markPx: string): void {
    const [meta, ctxs] = this.options.metaAndAssetCtxs as [{ universe: Array<{ name: string }> }, Record<string, unknown>[]];
    const i = meta.universe.findIndex((u) => u.name === coin);
    if (i < 0) throw new Error(`no coin ${coin}`);
    ctxs[i]!.markPx = markPx;
  }

  /** Replaces a wallet's clearinghouseState, pushes a fill on its userEvents stream and the new state on webData2. */
  pushUserEvent(user: string, state: unknown): void {
    this.options.states[user] = state;
    for (const c of this.conns) if (c.users.has(user)) this.wsSend(c.ws, { channel: 'userEvents', data: { fills: [{ coin: 'ETH', px: '2990.0', sz: '0.01', side: 'B', time: Date.now() }] } });
    this.pushWebData(user, state);
  }

  /** Pushes a clearinghouseState on webData2 alone (REST keeps its state: drift for reconciliation tests). */
  pushWebData(user: string, state: unknown): void {
    for (const c of this.conns) if (c.webData.has(user)) this.wsSend(c.ws, { channel: 'webData2', data: { user, clearinghouseState: state } });
  }

  stall(on = true): void {
    this.stalled = on;
  }

  async listen(): Promise<this> {
    const port = await listenOnLoopback(this.http);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/ws`;
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as import('node:net').Socket, head));
    this.ctxTimer = setInterval(() => this.pushCtxs(), this.options.ctxIntervalMs ?? 200);
    return this;
  }

  async close(): Promise<void> {
    await shutDown(this.http, this.wss, this.conns, this.ctxTimer);
  }

  injectFaults(...faults: HyperliquidFault[]): void {
    this.faults.push(...faults);
  }

  private candles(req: { coin?: string; startTime?: number; endTime?: number }): unknown[] {
    const rows = this.options.candles?.[req.coin ?? ''] ?? [];
    // Hyperliquid returns at most 5000 candles per request.
    return rows
      .filter((r) => r.t >= (req.startTime ?? 0) && r.t <= (req.endTime ?? Number.MAX_SAFE_INTEGER))
      .slice(0, 5000)
      .map((r) => ({ t: r.t, T: r.t + 59_999, s: req.coin, i: '1m', o: r.o, c: r.c, h: r.h, l: r.l, v: '0', n: 0 }));
  }
}

function emptyState(): unknown {
  const zero = { accountValue: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0', totalMarginUsed: '0.0' };
  return { marginSummary: zero, crossMarginSummary: zero, crossMaintenanceMarginUsed: '0.0', withdrawable: '0.0', assetPositions: [], time: Date.now() };
}

export async function startHyperliquidServer(options: HyperliquidServerOptions): Promise<HyperliquidTestServer> {
  return new HyperliquidTestServer(options).listen();
}
