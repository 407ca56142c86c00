// A local OKX v5 server on 127.0.0.1: OK-ACCESS-KEY/SIGN/TIMESTAMP/PASSPHRASE with
// SIGN = base64(HMAC-SHA256(secret, timestamp + method + requestPath + body)), the 30 s timestamp
// window, OKX error codes and HTTP statuses, per-endpoint request limits per window, faults.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody, sleep, WindowCounter } from '../shared/http';
import { toJsonText } from '../shared/jsonText';
import { listenOnLoopback, shutDown } from '../shared/loopback';

export type OkxFault = { kind: 'rate-limit' } | { kind: 'maintenance' } | { kind: 'malformed' } | { kind: 'slow'; delayMs: number };

export interface OkxAccountState {
  apiKey: string;
  secret: string;
  passphrase: string;
  perm: string;
  posMode: 'net_mode' | 'long_short_mode';
  /** account/config acctLv: 2 single-currency (default), 3 multi-currency, 4 portfolio margin. */
  acctLv?: '1' | '2' | '3' | '4';
  balance: Record<string, unknown>;
  positions: Record<string, unknown>[];
}

export interface OkxServerOptions {
  accounts: OkxAccountState[];
  instruments: Record<string, unknown>[];
  tiers: Record<string, unknown>[];
  marks: Record<string, unknown>[];
  funding: Record<string, unknown>[];
  takerFee: string;
  markCandles?: Record<string, Array<[number, string, string, string, string]>>;
  /** /api/v5/public/discount-rate-interest-free-quota rows (ccy, details[minAmt, maxAmt, discountRate]). */
  discounts?: Record<string, unknown>[];
  markIntervalMs?: number;
  /** Requests per endpoint per window (OKX: mostly 10–20 per 2 s). */
  perEndpointLimit?: number;
  windowMs?: number;
}

export class OkxTestServer {
  readonly requests: Array<{ path: string; at: number; code: string }> = [];
  private readonly counters = new Map<string, WindowCounter>();
  rejectedForLimit = 0;
  clockOffsetMs = 0;
  baseUrl = '';
  wsUrl = '';
  private faults: OkxFault[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<{ ws: WebSocket; kind: 'private' | 'public'; account: OkxAccountState | null; marks: Set<string>; channels: Set<string> }>();
  private markTimer: NodeJS.Timeout | null = null;
  private stalled = false;

  constructor(private readonly options: OkxServerOptions) {
    this.http = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://x');
        const path = url.pathname;
        const params = url.searchParams;
        const send = (status: number, code: string, msg: string, data: unknown = []): void => {
          this.requests.push({ path, at: Date.now(), code });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(toJsonText({ code, msg, data }));
        };
        const fault = this.faults.shift();
        if (fault?.kind === 'slow') await sleep(fault.delayMs);
        const counter = this.counter(path);
        if (counter.add(1, Date.now()).over) {
          this.rejectedForLimit += 1;
          return send(429, '50011', 'Too Many Requests');
        }
        if (fault?.kind === 'rate-limit') return send(429, '50011', 'Too Many Requests');
        if (fault?.kind === 'maintenance') return send(503, '50001', 'Service temporarily unavailable. Please try again later.');
        if (fault?.kind === 'malformed') {
          this.requests.push({ path, at: Date.now(), code: '?' });
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"code":"0","msg":"","data":[{"instId":');
        }
        // Public.
        if (path === '/api/v5/public/time') return send(200, '0', '', [{ ts: String(this.now()) }]);
        if (path === '/api/v5/public/instruments') return send(200, '0', '', this.options.instruments);
        if (path === '/api/v5/public/discount-rate-interest-free-quota') {
          const ccy = params.get('ccy');
          const rows = this.options.discounts ?? [];
          return send(200, '0', '', ccy ? rows.filter((r) => r.ccy === ccy) : rows);
        }
        if (path === '/api/v5/public/mark-price') return send(200, '0', '', this.options.marks);
        if (path === '/api/v5/public/funding-rate') return send(200, '0', '', this.options.funding.filter((f) => f.instId === params.get('instId')));
        if (path === '/api/v5/public/position-tiers') {
          return send(200, '0', '', this.options.tiers.filter((t) => t.instFamily === params.get('instFamily')));
        }
        if (path === '/api/v5/market/history-mark-price-candles') {
          const rows = this.options.markCandles?.[params.get('instId') ?? ''] ?? [];
          const after = Number(params.get('after') ?? Number.MAX_SAFE_INTEGER);
          const limit = Math.min(100, Number(params.get('limit') ?? 100));
          const list = rows.filter((r) => r[0] < after).slice(-limit).reverse().map((r) => [String(r[0]), r[1], r[2], r[3], r[4], '1']);
          return send(200, '0', '', list);
        }
        // Private: key, passphrase, timestamp window, signature.
        const account = this.options.accounts.find((a) => a.apiKey === req.headers['ok-access-key']);
        if (!account) return send(401, '50111', 'Invalid OK-ACCESS-KEY');
        if (req.headers['ok-access-passphrase'] !== account.passphrase) return send(401, '50105', 'Your OK-ACCESS-PASSPHRASE is incorrect.');
        const stamp = String(req.headers['ok-access-timestamp'] ?? '');
        const ts = Date.parse(stamp);
        if (!Number.isFinite(ts)) return send(401, '50112', 'Invalid OK-ACCESS-TIMESTAMP');
        if (Math.abs(this.now() - ts) > 30_000) return send(401, '50102', 'Timestamp request expired');
        const expected = createHmac('sha256', account.secret).update(`${stamp}${req.method}${req.url}${body}`).digest();
        const given = Buffer.from(String(req.headers['ok-access-sign'] ?? ''), 'base64');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(401, '50113', 'Invalid Sign');
        if (path === '/api/v5/account/config') return send(200, '0', '', [{ uid: '44705892343619584', acctLv: account.acctLv ?? '2', posMode: account.posMode, autoLoan: false, greeksType: 'PA', level: 'Lv1', levelTmp: '', ctIsoMode: 'automatic', mgnIsoMode: 'automatic', perm: account.perm, label: 'marginwatch' }]);
        if (path === '/api/v5/account/balance') return send(200, '0', '', [account.balance]);
        if (path === '/api/v5/account/positions') return send(200, '0', '', account.positions.filter((p) => !params.get('instType') || p.instType === params.get('instType')));
        if (path === '/api/v5/account/trade-fee') return send(200, '0', '', [{ instType: 'SWAP', instFamily: params.get('instFamily'), taker: this.options.takerFee, maker: '-0.0002', level: 'Lv1', ts: String(this.now()) }]);
        return send(404, '50000', `unknown path ${path}`);
      })();
    });
  }

  private counter(path: string): WindowCounter {
    let c = this.counters.get(path);
    if (!c) {
      c = new WindowCounter(this.options.windowMs ?? 2_000, this.options.perEndpointLimit ?? 10);
      this.counters.set(path, c);
    }
    return c;
  }

  get maxPerEndpoint(): number {
    return Math.max(0, ...[...this.counters.values()].map((c) => c.maxSeen));
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ---- WebSocket: /ws/v5/private (login; positions, account) and /ws/v5/public (mark-price) ----

  private upgrade(req: import('node:http').IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    const kind = req.url === '/ws/v5/private' ? 'private' : req.url === '/ws/v5/public' ? 'public' : null;
    if (!kind) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { ws, kind: kind as 'private' | 'public', account: null as OkxAccountState | null, marks: new Set<string>(), channels: new Set<string>() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => this.conns.delete(conn));
      ws.on('message', (raw) => {
        if (this.stalled) return;
        const text = raw.toString();
        if (text === 'ping') return this.wsSend(ws, 'pong');
        let msg: { op?: string; args?: Array<Record<string, string>> };
        try {
          msg = JSON.parse(text) as typeof msg;
        } catch {
          return this.wsSend(ws, { event: 'error', code: '60012', msg: 'Invalid request' });
        }
        if (msg.op === 'login') {
          const a = msg.args?.[0] ?? {};
          const account = this.options.accounts.find((x) => x.apiKey === a.apiKey);
          const expected = account ? createHmac('sha256', account.secret).update(`${a.timestamp}GET/users/self/verify`).digest('base64') : '';
          const fresh = Math.abs(this.now() / 1000 - Number(a.timestamp)) <= 30;
          if (!account || account.passphrase !== a.passphrase || expected !== a.sign || !fresh) return this.wsSend(ws, { event: 'error', code: '60009', msg: 'Login failed.' });
          conn.account = account;
          return this.wsSend(ws, { event: 'login', code: '0', msg: '', connId: 'c1' });
        }
        if (msg.op === 'subscribe') {
          for (const arg of msg.args ?? []) {
            if (conn.kind === 'private' && !conn.account) return this.wsSend(ws, { event: 'error', code: '60011', msg: 'Please log in' });
            if (arg.channel === 'mark-price' && arg.instId) conn.marks.add(arg.instId);
            conn.channels.add(String(arg.channel));
            this.wsSend(ws, { event: 'subscribe', arg, connId: 'c1' });
          }
        }
      });
    });
  }

  private wsSend(ws: WebSocket, payload: unknown): void {
    if (this.stalled) return;
    try {
      ws.send(typeof payload === 'string' ? payload : toJsonText(payload));
    } catch {
      /* gone */
    }
  }

  private pushMarks(): void {
    for (const c of this.conns) {
      if (c.kind !== 'public') continue;
      for (const m of this.options.marks) {
        if (c.marks.has(String(m.instId))) this.wsSend(c.ws, { arg: { channel: 'mark-price', instId: m.instId }, data: [{ instType: 'SWAP', instId: m.instId, markPx: m.markPx, ts: String(this.now()) }] });
      }
    }
  }

  setMarkPrice(instId: string, markPx: string): void {
    const m = this.options.marks.find((x) => x.instId === instId);
    if (!m) throw new Error(`no mark ${instId}`);
    m.markPx = markPx;
  }

  /**
   * Changes a position in the REST state and pushes it on the account's positions channel;
   * `{ rest: false }` pushes the event alone (stream and REST disagree: drift for reconciliation tests).
   */
  pushPosition(apiKey: string, instId: string, changes: Record<string, unknown>, { rest = true }: { rest?: boolean } = {}): void {
    const account = this.options.accounts.find((a) => a.apiKey === apiKey);
    const row = account?.positions.find((p) => p.instId === instId);
    if (!account || !row) throw new Error(`no position ${instId}`);
    if (rest) Object.assign(row, changes);
    const pushed = { ...row, ...changes };
    for (const c of this.conns) {
      if (c.kind === 'private' && c.account === account && c.channels.has('positions')) this.wsSend(c.ws, { arg: { channel: 'positions', instType: 'SWAP' }, data: [pushed] });
    }
  }

  stall(on = true): void {
    this.stalled = on;
  }

  async listen(): Promise<this> {
    const port = await listenOnLoopback(this.http);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as import('node:net').Socket, head));
    this.markTimer = setInterval(() => this.pushMarks(), this.options.markIntervalMs ?? 200);
    return this;
  }

  async close(): Promise<void> {
    await shutDown(this.http, this.wss, this.conns, this.markTimer);
  }

  injectFaults(...faults: OkxFault[]): void {
    this.faults.push(...faults);
  }
}

export async function startOkxServer(options: OkxServerOptions): Promise<OkxTestServer> {
  return new OkxTestServer(options).listen();
}
