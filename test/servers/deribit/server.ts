// A local Deribit v2 server on 127.0.0.1 (HTTP JSON-RPC style GETs): deri-hmac-sha256
// Authorization (sig = hex HMAC(secret, ts\nnonce\nMETHOD\nURI\nbody\n)), client_signature auth
// returning the key's scopes, JSON-RPC error objects with Deribit codes, a request budget per
// window (credits), numbers as bare JSON numbers like Deribit sends them, injectable faults.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody, sleep, WindowCounter } from '../shared/http';
import { num, toJsonText } from '../shared/jsonText';
import { listenOnLoopback, shutDown } from '../shared/loopback';

export type DeribitFault = { kind: 'rate-limit' } | { kind: 'maintenance' } | { kind: 'malformed' } | { kind: 'slow'; delayMs: number };

export interface DeribitAccountState {
  clientId: string;
  clientSecret: string;
  scope: string;
  summary: Record<string, unknown>;
  positions: Record<string, unknown>[];
}

export interface DeribitServerOptions {
  accounts: DeribitAccountState[];
  instruments: Record<string, unknown>[];
  tickers: Record<string, Record<string, unknown>>;
  limit?: number;
  windowMs?: number;
  tickerIntervalMs?: number;
}

export class DeribitTestServer {
  readonly requests: Array<{ path: string; at: number; code: number }> = [];
  /** Everything a client sent (URL, headers, body), for checking that secrets never travel. */
  readonly wire: string[] = [];
  readonly weights: WindowCounter;
  rejectedForLimit = 0;
  clockOffsetMs = 0;
  baseUrl = '';
  wsUrl = '';
  private faults: DeribitFault[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<{ ws: WebSocket; account: DeribitAccountState | null; channels: Set<string> }>();
  private tickerTimer: NodeJS.Timeout | null = null;
  private stalled = false;

  constructor(private readonly options: DeribitServerOptions) {
    this.weights = new WindowCounter(options.windowMs ?? 1_000, options.limit ?? 20);
    this.http = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        this.wire.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
        const url = new URL(req.url ?? '/', 'http://x');
        const path = url.pathname;
        const params = url.searchParams;
        const envelope = { jsonrpc: '2.0', usIn: this.now() * 1000, usOut: this.now() * 1000 + 50, usDiff: 50, testnet: true };
        const ok = (result: unknown): void => {
          this.requests.push({ path, at: Date.now(), code: 0 });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(toJsonText({ ...envelope, result }));
        };
        const fail = (status: number, code: number, message: string): void => {
          this.requests.push({ path, at: Date.now(), code });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(toJsonText({ ...envelope, error: { code, message } }));
        };
        const fault = this.faults.shift();
        if (fault?.kind === 'slow') await sleep(fault.delayMs);
        if (this.weights.add(1, Date.now()).over) {
          this.rejectedForLimit += 1;
          return fail(429, 10028, 'too_many_requests');
        }
        if (fault?.kind === 'rate-limit') return fail(429, 10028, 'too_many_requests');
        if (fault?.kind === 'maintenance') return fail(503, 13028, 'temporarily_unavailable');
        if (fault?.kind === 'malformed') {
          this.requests.push({ path, at: Date.now(), code: -1 });
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"jsonrpc":"2.0","result":{"balance":');
        }
        if (path === '/api/v2/public/get_time') return ok(num(String(this.now())));
        if (path === '/api/v2/public/get_instruments') return ok(this.options.instruments);
        if (path === '/api/v2/public/ticker') {
          const t = this.options.tickers[params.get('instrument_name') ?? ''];
          return t ? ok(t) : fail(400, 10020, 'instrument_not_found');
        }
        if (path === '/api/v2/public/auth') {
          // client_signature: signature = hex HMAC(secret, timestamp\nnonce\ndata)
          const account = this.options.accounts.find((a) => a.clientId === params.get('client_id'));
          if (!account || params.get('grant_type') !== 'client_signature') return fail(400, 13004, 'invalid_credentials');
          const expected = createHmac('sha256', account.clientSecret).update(`${params.get('timestamp')}\n${params.get('nonce')}\n${params.get('data') ?? ''}`).digest('hex');
          if (expected !== params.get('signature')) return fail(400, 13004, 'invalid_credentials');
          return ok({ access_token: 'token-not-used', expires_in: num('900'), refresh_token: 'r', scope: account.scope, token_type: 'bearer' });
        }
        // Private: deri-hmac-sha256.
        const header = String(req.headers.authorization ?? '');
        const fields = Object.fromEntries(header.replace(/^deri-hmac-sha256\s+/, '').split(',').map((kv) => kv.split('=', 2) as [string, string]));
        const account = this.options.accounts.find((a) => a.clientId === fields.id);
        if (!account) return fail(400, 13009, 'unauthorized');
        const ts = Number(fields.ts);
        if (!Number.isFinite(ts) || Math.abs(this.now() - ts) > 60_000) return fail(400, 13009, 'unauthorized');
        const expected = createHmac('sha256', account.clientSecret).update(`${fields.ts}\n${fields.nonce}\n${req.method}\n${req.url}\n${body}\n`).digest();
        const given = Buffer.from(fields.sig ?? '', 'hex');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail(400, 13009, 'unauthorized');
        if (path === '/api/v2/private/get_account_summary') return ok(account.summary);
        if (path === '/api/v2/private/get_positions') return ok(account.positions.filter((p) => !params.get('kind') || p.kind === params.get('kind')));
        return fail(400, 11050, 'bad_request');
      })();
    });
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ---- WebSocket /ws/api/v2: JSON-RPC public/auth (client_signature), subscribe, public/test ----

  private upgrade(req: import('node:http').IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    if (req.url !== '/ws/api/v2') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { ws, account: null as DeribitAccountState | null, channels: new Set<string>() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => this.conns.delete(conn));
      ws.on('message', (raw) => {
        this.wire.push(`WS ${raw.toString()}`);
        if (this.stalled) return;
        let msg: { id?: number; method?: string; params?: Record<string, unknown> };
        try {
          msg = JSON.parse(raw.toString()) as typeof msg;
        } catch {
          return;
        }
        const reply = (result: unknown): void => this.wsSend(ws, { jsonrpc: '2.0', id: msg.id, result });
        const error = (code: number, message: string): void => this.wsSend(ws, { jsonrpc: '2.0', id: msg.id, error: { code, message } });
        const p = msg.params ?? {};
        if (msg.method === 'public/test') return reply({ version: '1.2.26' });
        if (msg.method === 'public/auth') {
          const account = this.options.accounts.find((a) => a.clientId === p.client_id);
          const expected = account ? createHmac('sha256', account.clientSecret).update(`${String(p.timestamp)}\n${String(p.nonce)}\n${String(p.data ?? '')}`).digest('hex') : '';
          if (!account || p.grant_type !== 'client_signature' || expected !== p.signature) return error(13004, 'invalid_credentials');
          conn.account = account;
          return reply({ access_token: 'ws-token', expires_in: 900, scope: account.scope, token_type: 'bearer' });
        }
        if (msg.method === 'private/subscribe' || msg.method === 'public/subscribe') {
          if (msg.method === 'private/subscribe' && !conn.account) return error(13009, 'unauthorized');
          const channels = (p.channels ?? []) as string[];
          for (const c of channels) conn.channels.add(c);
          return reply(channels);
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
      for (const [name, t] of Object.entries(this.options.tickers)) {
        const channel = `ticker.${name}.100ms`;
        if (c.channels.has(channel)) this.wsSend(c.ws, { jsonrpc: '2.0', method: 'subscription', params: { channel, data: { ...t, timestamp: num(String(this.now())) } } });
      }
    }
  }

  setMarkPrice(name: string, price: string): void {
    const t = this.options.tickers[name];
    if (!t) throw new Error(`no ticker ${name}`);
    t.mark_price = num(price);
  }

  /**
   * Changes a position in the REST state and pushes user.changes to the account's sockets;
   * `{ rest: false }` pushes the event alone (stream and REST disagree: drift for reconciliation tests).
   */
  pushPositionChange(clientId: string, name: string, changes: Record<string, unknown>, { rest = true }: { rest?: boolean } = {}): void {
    const account = this.options.accounts.find((a) => a.clientId === clientId);
    const row = account?.positions.find((p) => p.instrument_name === name);
    if (!account || !row) throw new Error(`no position ${name}`);
    if (rest) Object.assign(row, changes);
    const pushed = { ...row, ...changes };
    for (const c of this.conns) {
      const channel = [...c.channels].find((x) => x.startsWith('user.changes.'));
      if (c.account === account && channel) this.wsSend(c.ws, { jsonrpc: '2.0', method: 'subscription', params: { channel, data: { trades: [], orders: [], positions: [pushed] } } });
    }
  }

  stall(on = true): void {
    this.stalled = on;
  }

  async listen(): Promise<this> {
    const port = await listenOnLoopback(this.http);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/ws/api/v2`;
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as import('node:net').Socket, head));
    this.tickerTimer = setInterval(() => this.pushTickers(), this.options.tickerIntervalMs ?? 200);
    return this;
  }

  async close(): Promise<void> {
    await shutDown(this.http, this.wss, this.conns, this.tickerTimer);
  }

  injectFaults(...faults: DeribitFault[]): void {
    this.faults.push(...faults);
  }
}

export async function startDeribitServer(options: DeribitServerOptions): Promise<DeribitTestServer> {
  return new DeribitTestServer(options).listen();
}
