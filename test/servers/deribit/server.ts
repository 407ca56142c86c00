// A local Deribit v2 server on 127.0.0.1 (HTTP JSON-RPC style GETs): deri-hmac-sha256
// Authorization (sig = hex HMAC(secret, ts\nnonce\nMETHOD\nURI\nbody\n)), client_signature auth
// returning the key's scopes, JSON-RPC error objects with Deribit codes, a request budget per
// window (credits), numbers as bare JSON numbers like Deribit sends them, injectable faults.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sleep, WindowCounter } from '../shared/http';
import { num, toJsonText } from '../shared/jsonText';

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
}

export class DeribitTestServer {
  readonly requests: Array<{ path: string; at: number; code: number }> = [];
  /** Everything a client sent (URL, headers, body), for checking that secrets never travel. */
  readonly wire: string[] = [];
  readonly weights: WindowCounter;
  rejectedForLimit = 0;
  clockOffsetMs = 0;
  baseUrl = '';
  private faults: DeribitFault[] = [];
  private readonly http: Server;

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

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  injectFaults(...faults: DeribitFault[]): void {
    this.faults.push(...faults);
  }
}

export async function startDeribitServer(options: DeribitServerOptions): Promise<DeribitTestServer> {
  return new DeribitTestServer(options).listen();
}
