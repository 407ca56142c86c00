// A local Binance USDⓈ-M futures server on 127.0.0.1 that speaks the real protocol closely enough
// for CCXT and our stream client: HMAC-SHA256 query signing with timestamp/recvWindow, weight
// accounting per window with X-MBX-USED-WEIGHT-1M, Binance error codes, listen keys, and a
// WebSocket with the user-data stream (ACCOUNT_UPDATE, listenKeyExpired) and markPrice streams.
// Faults are switched on by tests: 429/418/503, slow and malformed bodies, clock skew, silent
// stalls, abrupt closes and listen-key expiry.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody, sleep, WindowCounter } from '../shared/http';
import { num, toJsonText } from '../shared/jsonText';
import type { BinanceAccountState, BinanceMarket, RawAccountUpdate } from './state';
import { listenOnLoopback, shutDown } from '../shared/loopback';
import { capturedAssetIndex } from './fixtures';

export type RestFault =
  | { kind: 'rate-limit'; retryAfterSec: number }
  | { kind: 'ban'; retryAfterSec: number }
  | { kind: 'maintenance' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformed' };

export interface BinanceServerOptions {
  /** usdm serves /fapi (USDⓈ-M), coinm serves /dapi (COIN-M) with its own payload shapes. */
  product?: 'usdm' | 'coinm';
  markets: BinanceMarket[];
  accounts: BinanceAccountState[];
  /** Request-weight limit per window (Binance: 2400 per minute). */
  weightLimit?: number;
  windowMs?: number;
  markIntervalMs?: number;
  /** 1-minute mark-price candles served by /fapi/v1/markPriceKlines, per symbol. */
  klines?: Record<string, Array<[number, string, string, string, string]>>;
  /** Multi-Assets asset index rows served by /fapi/v1/assetIndex (documented shape); default: the captured account's USDC row. */
  assetIndex?: Record<string, unknown>[];
}

interface RequestRecord {
  method: string;
  path: string;
  weight: number;
  at: number;
  status: number;
}

interface Conn {
  ws: WebSocket;
  listenKey: string;
  marks: Set<string>;
}

const COINM_ROUTES: Record<string, string> = {
  '/dapi/v1/time': '/fapi/v1/time',
  '/dapi/v1/exchangeInfo': '/fapi/v1/exchangeInfo',
  '/dapi/v1/premiumIndex': '/fapi/v1/premiumIndex',
  '/dapi/v1/markPriceKlines': '/fapi/v1/markPriceKlines',
  '/dapi/v1/listenKey': '/fapi/v1/listenKey',
  '/dapi/v1/account': 'coinm:account',
  '/dapi/v1/positionRisk': 'coinm:positionRisk',
  '/dapi/v2/leverageBracket': 'coinm:brackets',
};

const WEIGHTS: Record<string, number> = {
  'coinm:account': 5,
  'coinm:positionRisk': 1,
  'coinm:brackets': 1,
  '/fapi/v1/time': 1,
  '/fapi/v1/exchangeInfo': 1,
  '/fapi/v2/account': 5,
  '/fapi/v3/account': 5,
  '/fapi/v3/positionRisk': 5,
  '/fapi/v1/leverageBracket': 1,
  '/fapi/v1/listenKey': 1,
};

function klineWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

export class BinanceTestServer {
  readonly requests: RequestRecord[] = [];
  readonly weights: WindowCounter;
  rejectedForWeight = 0;
  /** Server clock = real clock + offset (simulates the client's clock being off). */
  clockOffsetMs = 0;
  private faults: RestFault[] = [];
  private stalled = false;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly conns = new Set<Conn>();
  private readonly listenKeys = new Map<string, { apiKey: string; alive: boolean }>();
  private markTimer: NodeJS.Timeout | null = null;
  private readonly markets = new Map<string, BinanceMarket>();
  private readonly accounts = new Map<string, BinanceAccountState>();
  baseUrl = '';
  wsUrl = '';

  constructor(private readonly options: BinanceServerOptions) {
    for (const m of options.markets) this.markets.set(m.symbol, m);
    for (const a of options.accounts) this.accounts.set(a.apiKey, a);
    this.weights = new WindowCounter(options.windowMs ?? 60_000, options.weightLimit ?? 2400);
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as import('node:net').Socket, head));
  }

  async listen(): Promise<this> {
    const port = await listenOnLoopback(this.http);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.markTimer = setInterval(() => this.pushMarks(), this.options.markIntervalMs ?? 1000);
    return this;
  }

  async close(): Promise<void> {
    await shutDown(this.http, this.wss, this.conns, this.markTimer);
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ---- test controls -------------------------------------------------------------------------

  /** The next requests (one fault each, in order) fail or misbehave. */
  injectFaults(...faults: RestFault[]): void {
    this.faults.push(...faults);
  }

  account(apiKey: string): BinanceAccountState {
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no test account ${apiKey}`);
    return a;
  }

  /** The key is deleted on the exchange: every keyed request now fails with -2015. */
  revokeKey(apiKey: string): void {
    this.accounts.delete(apiKey);
  }

  setMarkPrice(symbol: string, price: string): void {
    const m = this.markets.get(symbol);
    if (!m) throw new Error(`no market ${symbol}`);
    m.markPrice = price;
  }

  /** Stops every socket delivering anything and answering pings, without closing (the silent stall). */
  stall(on = true): void {
    this.stalled = on;
  }

  /** Drops every WebSocket without a close frame. */
  dropConnections(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  get openConnections(): number {
    return this.conns.size;
  }

  /** Expires a listen key the way Binance does: a listenKeyExpired event, then nothing more for it. */
  expireListenKey(listenKey: string): void {
    const entry = this.listenKeys.get(listenKey);
    if (!entry) return;
    for (const c of this.conns) if (c.listenKey === listenKey) this.send(c, { e: 'listenKeyExpired', E: this.now(), listenKey });
    entry.alive = false;
  }

  activeListenKeys(apiKey: string): string[] {
    return [...this.listenKeys.entries()].filter(([, v]) => v.apiKey === apiKey && v.alive).map(([k]) => k);
  }

  /**
   * Forgets a listen key without telling the client (Binance after 60 min without keepalive): the
   * connection stays open but user data stops; only the next keepalive (-1125) notices.
   */
  dropListenKey(listenKey: string): void {
    const entry = this.listenKeys.get(listenKey);
    if (entry) entry.alive = false;
  }

  /**
   * Applies a balance/position change to the REST state and pushes ACCOUNT_UPDATE to its streams;
   * `{ rest: false }` pushes the event alone, so the stream and REST disagree (drift for reconciliation tests).
   */
  pushAccountUpdate(apiKey: string, update: RawAccountUpdate, reason = 'ORDER', { rest = true }: { rest?: boolean } = {}): void {
    const account = this.account(apiKey);
    if (rest) this.applyAccountUpdate(account, update);
    const event = { e: 'ACCOUNT_UPDATE', E: this.now(), T: this.now(), a: { m: reason, B: update.B, P: update.P } };
    for (const c of this.conns) {
      const key = this.listenKeys.get(c.listenKey);
      if (key?.apiKey === apiKey && key.alive) this.send(c, event);
    }
  }

  private applyAccountUpdate(account: BinanceAccountState, update: RawAccountUpdate): void {
    for (const b of update.B) {
      const asset = account.assets.find((a) => a.asset === b.a);
      if (asset) {
        asset.walletBalance = b.wb;
        asset.crossWalletBalance = b.cw;
      }
    }
    for (const p of update.P) {
      const side = p.ps;
      let row = account.positions.find((r) => r.symbol === p.s && r.positionSide === side);
      if (!row) {
        row = { ...account.positions[0]!, symbol: p.s, positionSide: side };
        account.positions.push(row);
      }
      row.positionAmt = p.pa;
      row.entryPrice = p.ep;
      row.unRealizedProfit = p.up;
      row.isolatedWallet = p.iw;
    }
  }

  // ---- WebSocket -----------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/ws\/([A-Za-z0-9]+)$/.exec(url.pathname);
    const entry = match ? this.listenKeys.get(match[1]!) : undefined;
    if (!match || !entry || !entry.alive) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, listenKey: match[1]!, marks: new Set() };
      this.conns.add(conn);
      ws.on('ping', (data) => {
        if (!this.stalled) ws.pong(data);
      });
      ws.on('message', (raw) => {
        if (this.stalled) return;
        let msg: { method?: string; params?: string[]; id?: number };
        try {
          msg = JSON.parse(raw.toString()) as typeof msg;
        } catch {
          this.send(conn, { code: 3, msg: 'Invalid JSON' });
          return;
        }
        if (msg.method === 'LIST_SUBSCRIPTIONS') {
          this.send(conn, { result: [...conn.marks].map((s) => `${s.toLowerCase()}@markPrice@1s`), id: msg.id ?? null });
          return;
        }
        if (msg.method === 'SUBSCRIBE' || msg.method === 'UNSUBSCRIBE') {
          for (const stream of msg.params ?? []) {
            const m = /^([a-z0-9]+)@markPrice(@1s)?$/.exec(stream);
            if (!m) continue;
            if (msg.method === 'SUBSCRIBE') conn.marks.add(m[1]!.toUpperCase());
            else conn.marks.delete(m[1]!.toUpperCase());
          }
          this.send(conn, { result: null, id: msg.id ?? null });
        }
      });
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => this.conns.delete(conn));
    });
  }

  private send(conn: Conn, payload: unknown): void {
    if (this.stalled) return;
    try {
      conn.ws.send(JSON.stringify(payload));
    } catch {
      /* socket already gone */
    }
  }

  private pushMarks(): void {
    const now = this.now();
    for (const c of this.conns) {
      for (const symbol of c.marks) {
        const m = this.markets.get(symbol);
        if (!m) continue;
        this.send(c, { e: 'markPriceUpdate', E: now, s: symbol, p: m.markPrice, i: m.indexPrice, P: m.markPrice, r: m.lastFundingRate, T: m.nextFundingTime });
      }
    }
  }

  // ---- REST ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    const coinm = this.options.product === 'coinm';
    // COIN-M shares most endpoints with USDⓈ-M under /dapi; the differing ones are routed apart.
    const rawPath = url.pathname;
    const path = coinm ? COINM_ROUTES[rawPath] ?? (rawPath.startsWith('/dapi/') ? `/unknown${rawPath}` : rawPath) : rawPath.startsWith('/dapi/') ? `/unknown${rawPath}` : rawPath;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method: req.method ?? 'GET', path, weight, at: Date.now(), status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof payload === 'string' ? payload : toJsonText(payload));
    };
    const error = (status: number, code: number, msg: string, headers: Record<string, string> = {}): void => reply(status, { code, msg }, headers);

    let weight = path.startsWith('/fapi/') || path.startsWith('coinm:') ? (WEIGHTS[path] ?? 1) : 0;
    if (path === '/fapi/v1/markPriceKlines') weight = klineWeight(Number(url.searchParams.get('limit') ?? 500));
    if (path === '/fapi/v1/premiumIndex') weight = url.searchParams.has('symbol') ? 1 : 10;
    if (path === '/fapi/v1/assetIndex') weight = url.searchParams.has('symbol') ? 1 : 10;

    const fault = this.faults.shift();
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    if (fault?.kind === 'rate-limit') {
      return error(429, -1003, 'Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.', {
        'Retry-After': String(fault.retryAfterSec),
      });
    }
    if (fault?.kind === 'ban') {
      const until = this.now() + fault.retryAfterSec * 1000;
      return error(418, -1003, `Way too many requests; IP(127.0.0.1) banned until ${until}. Please use the websocket for live updates to avoid bans.`, {
        'Retry-After': String(fault.retryAfterSec),
      });
    }
    if (fault?.kind === 'maintenance') return reply(503, '{"code":-1001,"msg":"Service Unavailable."}');

    const weightHeaders: Record<string, string> = {};
    if (weight > 0) {
      const w = this.weights.add(weight, Date.now());
      weightHeaders['X-MBX-USED-WEIGHT-1M'] = String(w.used);
      if (w.over) {
        this.rejectedForWeight += 1;
        return error(429, -1003, 'Too many requests; current limit of IP(127.0.0.1) is exceeded.', {
          'Retry-After': String(Math.ceil((w.windowEndsAt - Date.now()) / 1000)),
          ...weightHeaders,
        });
      }
    }
    const ok = (payload: unknown): void => (fault?.kind === 'malformed' ? reply(200, '{"symbol":"BTCUSDT","positionAmt":', weightHeaders) : reply(200, payload, weightHeaders));

    // Public endpoints.
    if (path === '/fapi/v1/time') return ok({ serverTime: this.now() });
    if (path === '/fapi/v1/exchangeInfo') return ok(this.exchangeInfo());
    if (path === '/fapi/v1/premiumIndex') {
      const symbol = url.searchParams.get('symbol');
      const rows = [...this.markets.values()].filter((m) => !symbol || m.symbol === symbol).map((m) => this.premiumRow(m));
      if (symbol && rows.length === 0) return error(400, -1121, 'Invalid symbol.');
      return ok(symbol ? rows[0] : rows);
    }
    if (path === '/fapi/v1/markPriceKlines') return ok(this.klines(url.searchParams));
    if (path === '/fapi/v1/assetIndex') {
      const rows = this.options.assetIndex ?? capturedAssetIndex();
      const symbol = url.searchParams.get('symbol');
      return ok(symbol ? (rows.find((r) => r.symbol === symbol) ?? {}) : rows);
    }

    // Keyed endpoints.
    const apiKey = req.headers['x-mbx-apikey'];
    const account = typeof apiKey === 'string' ? this.accounts.get(apiKey) : undefined;
    if (!account) return error(401, -2015, 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1', weightHeaders);

    if (path === '/fapi/v1/listenKey') return this.listenKeyEndpoint(req.method ?? 'GET', account, body, ok, error);

    // Signed endpoints (USER_DATA): check timestamp window and HMAC over the exact query string.
    const query = (req.url ?? '').split('?')[1] ?? '';
    const signed = verifySignature(account.secret, query, body);
    if (signed === 'missing') return error(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    if (signed === 'bad') return error(400, -1022, 'Signature for this request is not valid.');
    const params = new URLSearchParams(query);
    const timestamp = Number(params.get('timestamp'));
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    if (!Number.isFinite(timestamp)) return error(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    if (!(recvWindow > 0 && recvWindow <= 60_000)) return error(400, -1131, 'recvWindow must be less than 60000');
    const serverTime = this.now();
    if (!(timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow)) {
      return error(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    }

    if (path === '/sapi/v1/account/apiRestrictions') return ok({ ...account.permissions, createTime: 1700000000000 });
    if (!account.permissions.enableReading) return error(401, -2015, 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1');
    if (path === '/fapi/v2/account') return ok(this.accountBody(account));
    if (path === 'coinm:account') return ok({ assets: account.assets, positions: (this.accountBody(account) as { positions: unknown[] }).positions, canDeposit: true, canTrade: true, canWithdraw: true, feeTier: 0, updateTime: 0 });
    if (path === 'coinm:positionRisk') return ok(this.coinmPositionRisk(account));
    if (path === 'coinm:brackets') return ok(this.coinmBrackets(account));
    if (path === '/fapi/v3/positionRisk') return ok(this.positionRisk(account, params.get('symbol')));
    if (path === '/fapi/v1/leverageBracket') return ok(this.brackets(account, params.get('symbol')));
    return error(404, -5000, `Path ${path}, Method ${req.method} is invalid`);
  }

  private listenKeyEndpoint(
    method: string,
    account: BinanceAccountState,
    body: string,
    ok: (p: unknown) => void,
    error: (status: number, code: number, msg: string) => void,
  ): void {
    if (method === 'POST') {
      // Binance returns the account's active key if there is one, else a new one.
      const existing = this.activeListenKeys(account.apiKey)[0];
      const key = existing ?? randomBytes(32).toString('hex');
      this.listenKeys.set(key, { apiKey: account.apiKey, alive: true });
      return ok({ listenKey: key });
    }
    const key = new URLSearchParams(body).get('listenKey') ?? this.activeListenKeys(account.apiKey)[0];
    const entry = key ? this.listenKeys.get(key) : undefined;
    if (method === 'PUT') {
      if (!entry || !entry.alive) return error(400, -1125, 'This listenKey does not exist.');
      return ok({ listenKey: key });
    }
    if (method === 'DELETE') {
      if (entry) entry.alive = false;
      for (const c of this.conns) if (c.listenKey === key) c.ws.close(1000);
      return ok({});
    }
    error(405, -1000, 'method not allowed');
  }

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.now(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: this.weights.limit }],
      assets: [],
      symbols: [...this.markets.values()].map((m) => ({
        symbol: m.symbol,
        pair: m.symbol,
        contractType: 'PERPETUAL',
        status: 'TRADING',
        baseAsset: m.symbol.replace(/USDT$/, ''),
        quoteAsset: 'USDT',
        marginAsset: m.marginAsset ?? 'USDT',
        ...(m.contractSize ? { contractSize: num(m.contractSize) } : {}),
        pricePrecision: 2,
        quantityPrecision: 3,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: m.tickSize, maxPrice: '4529764', tickSize: m.tickSize },
          { filterType: 'LOT_SIZE', minQty: m.stepSize, maxQty: '1000', stepSize: m.stepSize },
        ],
      })),
    };
  }

  private premiumRow(m: BinanceMarket): unknown {
    return {
      symbol: m.symbol,
      markPrice: m.markPrice,
      indexPrice: m.indexPrice,
      estimatedSettlePrice: m.indexPrice,
      lastFundingRate: m.lastFundingRate,
      interestRate: '0.00010000',
      nextFundingTime: m.nextFundingTime,
      time: this.now(),
    };
  }

  private klines(params: URLSearchParams): unknown {
    const symbol = params.get('symbol') ?? '';
    const rows = this.options.klines?.[symbol] ?? [];
    const start = Number(params.get('startTime') ?? 0);
    const end = Number(params.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const limit = Math.min(1500, Number(params.get('limit') ?? 500));
    return rows
      .filter((r) => r[0] >= start && r[0] <= end)
      .slice(0, limit)
      .map((r) => [r[0], r[1], r[2], r[3], r[4], '0', r[0] + 59_999, '0', 0, '0', '0', '0']);
  }

  private accountBody(a: BinanceAccountState): unknown {
    return {
      ...a.totals,
      assets: a.assets,
      positions: a.positions.map((p) => ({
        symbol: p.symbol,
        initialMargin: p.initialMargin,
        maintMargin: p.maintMargin,
        unrealizedProfit: p.unRealizedProfit,
        positionInitialMargin: p.initialMargin,
        openOrderInitialMargin: '0',
        leverage: p.leverage,
        isolated: p.isolated,
        entryPrice: p.entryPrice,
        maxNotional: '250000',
        bidNotional: '0',
        askNotional: '0',
        positionSide: p.positionSide,
        positionAmt: p.positionAmt,
        updateTime: p.updateTime,
      })),
    };
  }

  private positionRisk(a: BinanceAccountState, symbol: string | null): unknown {
    return a.positions
      .filter((p) => p.positionAmt !== '0' && (!symbol || p.symbol === symbol))
      .map((p) => ({
        symbol: p.symbol,
        positionSide: p.positionSide,
        positionAmt: p.positionAmt,
        entryPrice: p.entryPrice,
        breakEvenPrice: p.entryPrice,
        markPrice: this.markets.get(p.symbol)?.markPrice ?? p.markPrice,
        unRealizedProfit: p.unRealizedProfit,
        liquidationPrice: p.liquidationPrice,
        isolatedMargin: p.isolatedWallet,
        notional: p.notional,
        marginAsset: 'USDT',
        isolatedWallet: p.isolatedWallet,
        initialMargin: p.initialMargin,
        maintMargin: p.maintMargin,
        positionInitialMargin: p.initialMargin,
        openOrderInitialMargin: '0',
        adl: 2,
        bidNotional: '0',
        askNotional: '0',
        updateTime: Number(p.updateTime),
      }));
  }

  private coinmPositionRisk(a: BinanceAccountState): unknown {
    return a.positions.map((p) => ({
      symbol: p.symbol,
      positionAmt: p.positionAmt,
      entryPrice: p.entryPrice,
      markPrice: this.markets.get(p.symbol)?.markPrice ?? p.markPrice,
      unRealizedProfit: p.unRealizedProfit,
      liquidationPrice: p.liquidationPrice,
      leverage: p.leverage,
      maxQty: '150',
      marginType: p.isolated ? 'isolated' : 'cross',
      isolatedMargin: p.isolatedWallet,
      isAutoAddMargin: 'false',
      positionSide: p.positionSide,
      notionalValue: p.notional,
      isolatedWallet: p.isolatedWallet,
      updateTime: p.updateTime,
      breakEvenPrice: p.entryPrice,
    }));
  }

  /** /dapi/v2/leverageBracket: per symbol, floors/caps in coin (qtyFloor/qtyCap). */
  private coinmBrackets(a: BinanceAccountState): unknown {
    return Object.entries(a.brackets).map(([symbol, brackets]) => ({
      symbol,
      notionalCoef: num('1.00'),
      brackets: brackets.map((b) => ({
        bracket: num(b.bracket),
        initialLeverage: num(b.initialLeverage),
        qtyCap: num(b.notionalCap),
        qtyFloor: num(b.notionalFloor),
        maintMarginRatio: num(b.maintMarginRatio),
        cum: num(b.cum),
      })),
    }));
  }

  private brackets(a: BinanceAccountState, symbol: string | null): unknown {
    const rows = Object.entries(a.brackets)
      .filter(([s]) => !symbol || s === symbol)
      .map(([s, brackets]) => ({
        symbol: s,
        notionalCoef: num('1.00'),
        brackets: brackets.map((b) => ({
          bracket: num(b.bracket),
          initialLeverage: num(b.initialLeverage),
          notionalCap: num(b.notionalCap),
          notionalFloor: num(b.notionalFloor),
          maintMarginRatio: num(b.maintMarginRatio),
          cum: num(b.cum),
        })),
      }));
    return symbol ? rows : rows;
  }
}

/** Binance signs totalParams = query string (without signature) concatenated with the body. */
function verifySignature(secret: string, query: string, body: string): 'ok' | 'missing' | 'bad' {
  const idx = query.lastIndexOf('&signature=');
  const sigText = idx >= 0 ? query.slice(idx + '&signature='.length) : new URLSearchParams(query).get('signature');
  if (!sigText) return 'missing';
  const payload = (idx >= 0 ? query.slice(0, idx) : '') + body;
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(sigText, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'bad';
}

export async function startBinanceServer(options: BinanceServerOptions): Promise<BinanceTestServer> {
  return new BinanceTestServer(options).listen();
}
