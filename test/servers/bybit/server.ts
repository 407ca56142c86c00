// A local Bybit v5 server on 127.0.0.1: header signing (X-BAPI-API-KEY / TIMESTAMP / RECV-WINDOW /
// SIGN = hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow + queryString)), retCode errors
// in HTTP 200 bodies as Bybit sends them, request counting per window with X-Bapi-Limit headers,
// and injectable faults.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody, sleep, WindowCounter } from '../shared/http';
import { toJsonText } from '../shared/jsonText';
import { listenOnLoopback, shutDown } from '../shared/loopback';

export type BybitFault = { kind: 'rate-limit' } | { kind: 'maintenance' } | { kind: 'malformed' } | { kind: 'slow'; delayMs: number };

export interface BybitAccountState {
  apiKey: string;
  secret: string;
  readOnly: boolean;
  permissions: Record<string, string[]>;
  wallet: Record<string, unknown>;
  marginMode: 'REGULAR_MARGIN' | 'ISOLATED_MARGIN' | 'PORTFOLIO_MARGIN';
  positions: Record<string, unknown>[];
  /** /v5/account/collateral-info rows (currency, collateralSwitch, marginCollateral, …). */
  collateralInfo?: Record<string, unknown>[];
}

export interface BybitServerOptions {
  accounts: BybitAccountState[];
  riskLimits: Record<string, unknown>[];
  tickers: Record<string, unknown>[];
  fees: Record<string, unknown>[];
  markKlines?: Record<string, Array<[number, string, string, string, string]>>;
  /** /v5/spot-margin-trade/collateral rows (currency, collateralRatioList). */
  collateralRatios?: Record<string, unknown>[];
  /** Interval of tickers.<symbol> pushes on the public stream. */
  tickerIntervalMs?: number;
  limit?: number;
  windowMs?: number;
}

export class BybitTestServer {
  readonly requests: Array<{ path: string; at: number; retCode: number }> = [];
  readonly weights: WindowCounter;
  rejectedForLimit = 0;
  clockOffsetMs = 0;
  baseUrl = '';
  wsUrl = '';
  private faults: BybitFault[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<{ ws: WebSocket; kind: 'private' | 'public'; apiKey: string | null; topics: Set<string> }>();
  private tickerTimer: NodeJS.Timeout | null = null;
  private stalled = false;

  constructor(private readonly options: BybitServerOptions) {
    this.weights = new WindowCounter(options.windowMs ?? 5_000, options.limit ?? 600);
    this.http = createServer((req, res) => {
      void (async () => {
        await readBody(req);
        const url = new URL(req.url ?? '/', 'http://x');
        const query = (req.url ?? '').split('?')[1] ?? '';
        const path = url.pathname;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        const send = (retCode: number, retMsg: string, result: unknown = {}): void => {
          this.requests.push({ path, at: Date.now(), retCode });
          res.writeHead(200, headers);
          res.end(toJsonText({ retCode, retMsg, result, retExtInfo: {}, time: this.now() }));
        };
        const fault = this.faults.shift();
        if (fault?.kind === 'slow') await sleep(fault.delayMs);
        const w = this.weights.add(1, Date.now());
        headers['X-Bapi-Limit'] = String(this.weights.limit);
        headers['X-Bapi-Limit-Status'] = String(Math.max(0, this.weights.limit - w.used));
        headers['X-Bapi-Limit-Reset-Timestamp'] = String(w.windowEndsAt);
        if (w.over) {
          this.rejectedForLimit += 1;
          return send(10006, 'Too many visits!');
        }
        if (fault?.kind === 'rate-limit') return send(10006, 'Too many visits!');
        if (fault?.kind === 'maintenance') return send(10016, 'Server error.');
        if (fault?.kind === 'malformed') {
          this.requests.push({ path, at: Date.now(), retCode: -1 });
          res.writeHead(200, headers);
          return res.end('{"retCode":0,"retMsg":"OK","result":{"list":[{"symbol"');
        }
        const params = url.searchParams;
        // Public market data.
        if (path === '/v5/market/time') return send(0, 'OK', { timeSecond: String(Math.floor(this.now() / 1000)), timeNano: `${this.now()}000000` });
        if (path === '/v5/spot-margin-trade/collateral') {
          const currency = params.get('currency');
          const rows = this.options.collateralRatios ?? [];
          return send(0, 'OK', { list: currency ? rows.filter((r) => r.currency === currency) : rows });
        }
        if (path === '/v5/market/tickers') return send(0, 'OK', { category: params.get('category'), list: this.options.tickers });
        if (path === '/v5/market/risk-limit') {
          const list = this.options.riskLimits.filter((r) => !params.get('symbol') || r.symbol === params.get('symbol'));
          return send(0, 'OK', { category: params.get('category'), list, nextPageCursor: '' });
        }
        if (path === '/v5/market/mark-price-kline') {
          const rows = this.options.markKlines?.[params.get('symbol') ?? ''] ?? [];
          const start = Number(params.get('start') ?? 0);
          const end = Number(params.get('end') ?? Number.MAX_SAFE_INTEGER);
          const limit = Math.min(1000, Number(params.get('limit') ?? 200));
          // Newest first, the latest `limit` candles in [start, end].
          const list = rows.filter((r) => r[0] >= start && r[0] <= end).slice(-limit).reverse().map((r) => [String(r[0]), r[1], r[2], r[3], r[4]]);
          return send(0, 'OK', { category: params.get('category'), symbol: params.get('symbol'), list });
        }
        // Signed endpoints.
        const apiKey = String(req.headers['x-bapi-api-key'] ?? '');
        const account = this.options.accounts.find((a) => a.apiKey === apiKey);
        if (!account) return send(10003, 'API key is invalid.');
        const timestamp = Number(req.headers['x-bapi-timestamp']);
        const recvWindow = Number(req.headers['x-bapi-recv-window'] ?? 5000);
        const expected = createHmac('sha256', account.secret).update(`${req.headers['x-bapi-timestamp']}${apiKey}${req.headers['x-bapi-recv-window'] ?? ''}${query}`).digest();
        const given = Buffer.from(String(req.headers['x-bapi-sign'] ?? ''), 'hex');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(10004, 'error sign! origin_string[...]');
        const serverTime = this.now();
        if (!(serverTime - recvWindow <= timestamp && timestamp < serverTime + 1000)) {
          return send(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${serverTime}],recv_window[${recvWindow}]`);
        }
        if (path === '/v5/user/query-api') return send(0, '', { apiKey: `${apiKey.slice(0, 4)}…`, readOnly: account.readOnly ? 1 : 0, permissions: account.permissions, ips: ['*'], uta: 1 });
        if (path === '/v5/account/wallet-balance') return send(0, 'OK', { list: [account.wallet] });
        if (path === '/v5/account/collateral-info') return send(0, 'OK', { list: account.collateralInfo ?? [] });
        if (path === '/v5/account/info') return send(0, 'OK', { unifiedMarginStatus: 4, marginMode: account.marginMode, isMasterTrader: false, spotHedgingStatus: 'OFF', updatedTime: '1697078946000', dcpStatus: 'OFF', timeWindow: 10, smpGroup: 0 });
        if (path === '/v5/account/fee-rate') return send(0, 'OK', { list: this.options.fees });
        if (path === '/v5/position/list') {
          const list = account.positions.filter((p) => !params.get('symbol') || p.symbol === params.get('symbol'));
          return send(0, 'OK', { list, nextPageCursor: '', category: params.get('category') });
        }
        return send(10001, `unknown path ${path}`);
      })();
    });
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ---- WebSocket: /v5/private (auth, position, wallet) and /v5/public/<category> (tickers) ----

  private upgrade(req: import('node:http').IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    const kind = path === '/v5/private' ? 'private' : path?.startsWith('/v5/public/') ? 'public' : null;
    if (!kind) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { ws, kind: kind as 'private' | 'public', apiKey: null as string | null, topics: new Set<string>() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => this.conns.delete(conn));
      ws.on('message', (raw) => {
        if (this.stalled) return;
        let msg: { op?: string; args?: unknown[]; req_id?: string };
        try {
          msg = JSON.parse(raw.toString()) as typeof msg;
        } catch {
          return;
        }
        const reply = (payload: unknown): void => this.wsSend(ws, payload);
        if (msg.op === 'ping') return reply(conn.kind === 'private' ? { op: 'pong', args: [String(this.now())], conn_id: 'c1' } : { success: true, ret_msg: 'pong', conn_id: 'c1', op: 'ping' });
        if (msg.op === 'auth') {
          const [apiKey, expires, signature] = (msg.args ?? []) as [string, number, string];
          const account = this.options.accounts.find((a) => a.apiKey === apiKey);
          const expected = account ? createHmac('sha256', account.secret).update(`GET/realtime${expires}`).digest('hex') : '';
          const ok = !!account && Number(expires) > this.now() && expected === signature;
          if (ok) conn.apiKey = apiKey;
          return reply({ success: ok, ret_msg: ok ? '' : 'Invalid apikey or signature', op: 'auth', conn_id: 'c1' });
        }
        if (msg.op === 'subscribe') {
          if (conn.kind === 'private' && !conn.apiKey) return reply({ success: false, ret_msg: 'Request not authorized', op: 'subscribe', conn_id: 'c1' });
          for (const t of (msg.args ?? []) as string[]) conn.topics.add(t);
          return reply({ success: true, ret_msg: '', op: 'subscribe', conn_id: 'c1', req_id: msg.req_id ?? '' });
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

  private pushTickers(): void {
    for (const c of this.conns) {
      if (c.kind !== 'public') continue;
      for (const t of this.options.tickers) {
        const topic = `tickers.${String(t.symbol)}`;
        if (c.topics.has(topic)) this.wsSend(c.ws, { topic, type: 'snapshot', data: t, cs: 1, ts: this.now() });
      }
    }
  }

  setMarkPrice(symbol: string, price: string): void {
    const t = this.options.tickers.find((x) => x.symbol === symbol);
    if (!t) throw new Error(`no ticker ${symbol}`);
    t.markPrice = price;
  }

  /**
   * Changes a position in the REST state and pushes a position event to the account's private streams;
   * `{ rest: false }` pushes the event alone (stream and REST disagree: drift for reconciliation tests).
   */
  pushPosition(apiKey: string, symbol: string, changes: Record<string, unknown>, { rest = true }: { rest?: boolean } = {}): void {
    const account = this.options.accounts.find((a) => a.apiKey === apiKey);
    const row = account?.positions.find((p) => p.symbol === symbol);
    if (!account || !row) throw new Error(`no position ${symbol}`);
    if (rest) Object.assign(row, changes);
    const pushed = { ...row, ...changes };
    for (const c of this.conns) {
      if (c.kind === 'private' && c.apiKey === apiKey && c.topics.has('position')) this.wsSend(c.ws, { id: 'p1', topic: 'position', creationTime: this.now(), data: [{ ...pushed, category: 'inverse' }] });
    }
  }

  stall(on = true): void {
    this.stalled = on;
  }

  dropConnections(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  async listen(): Promise<this> {
    const port = await listenOnLoopback(this.http);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as import('node:net').Socket, head));
    this.tickerTimer = setInterval(() => this.pushTickers(), this.options.tickerIntervalMs ?? 200);
    return this;
  }

  async close(): Promise<void> {
    await shutDown(this.http, this.wss, this.conns, this.tickerTimer);
  }

  injectFaults(...faults: BybitFault[]): void {
    this.faults.push(...faults);
  }
}

export async function startBybitServer(options: BybitServerOptions): Promise<BybitTestServer> {
  return new BybitTestServer(options).listen();
}
