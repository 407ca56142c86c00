// Deribit v2 over CCXT implicit methods; CCXT signs private calls with the deri-hmac-sha256
// Authorization header (HMAC of ts, nonce, method, URI and body). Credits: non-matching requests
// cost 500 of a 50,000 pool refilled at 10,000/s, i.e. 20 requests/s sustained; we budget that.
// Key scopes are read by a client_signature auth (the secret itself is never sent).
import { createHmac, randomBytes } from 'node:crypto';
import ccxt from 'ccxt';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import { classifyCcxtError } from '../shared/ccxtErrors';
import { CcxtReader, type ReaderContext } from '../shared/ccxtReader';
import { streamUrl } from '../shared/streamUrl';
import { redact, USER_MESSAGES, VenueFailure } from '../shared/errors';
import type { VenueErrorCode } from '../../types';
import type { VenueReader } from '../shared/sessionEngine';
import { buildDeribitSnapshot } from './snapshot';
import { deribitStreams } from './streams';
import type { VenueStreams } from '../shared/venueStreams';

type Row = Record<string, unknown>;
const TABLE_TTL_MS = 10 * 60_000;

const CODES: Record<string, VenueErrorCode> = {
  '13004': 'invalid-key', // invalid_credentials
  '13009': 'invalid-key', // unauthorized (bad signature, expired token)
  '13021': 'permission-denied', // forbidden
  '10028': 'rate-limited', // too_many_requests
  '13028': 'maintenance', // temporarily_unavailable
  '13034': 'maintenance', // not_open (maintenance)
};

export function classifyDeribitError(error: unknown, headers: Record<string, string>, defaultWaitMs: number): VenueFailure {
  if (error instanceof VenueFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const rpcCode = /"code"\s*:\s*(\d+)/.exec(message)?.[1];
  const detail = (/"message"\s*:\s*"([^"]*)"/.exec(message)?.[1] ?? '').slice(0, 160);
  const code = rpcCode ? CODES[rpcCode] : undefined;
  if (code) return new VenueFailure(code, redact(detail ? `${USER_MESSAGES[code]} (Deribit: ${detail})` : USER_MESSAGES[code]), code === 'rate-limited' ? defaultWaitMs : null);
  return classifyCcxtError(error, headers, 'Deribit', detail, defaultWaitMs);
}

export class DeribitReader extends CcxtReader implements VenueReader {
  private readonly currency: string;
  private instruments: { value: Map<string, Row>; at: number } | null = null;
  private readonly wsUrl: string | null;

  constructor(ctx: ReaderContext) {
    super(ctx, {
      exchange: new ccxt.deribit({ apiKey: ctx.secret?.apiKey, secret: ctx.secret?.secret, timeout: ctx.tuning.requestTimeoutMs, enableRateLimit: false }),
      baseUrl: ctx.options.restUrl ?? 'https://www.deribit.com',
      budget: { limit: 20, windowMs: 1_000, perSync: 4 },
      classify: (error, headers) => classifyDeribitError(error, headers, ctx.tuning.rateLimitedWaitMs),
    });
    this.wsUrl = streamUrl(ctx.options, 'wss://www.deribit.com/ws/api/v2');
    this.currency = ctx.options.currency ?? 'BTC';
  }

  private async result(method: string, params: Row = {}): Promise<unknown> {
    const body = (await this.client.call(method, 1, params)) as Row;
    if (!body || !('result' in body)) throw new VenueFailure('malformed-payload', `Deribit sent no result for ${method}`);
    return body.result;
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    if (!this.ctx.secret) throw new VenueFailure('invalid-key', 'This Deribit account has no API key stored. Add a read-only key.');
    const [summary, positions, instruments] = await Promise.all([
      this.result('privateGetGetAccountSummary', { currency: this.currency }),
      this.result('privateGetGetPositions', { currency: this.currency, kind: 'future' }),
      this.instrumentMap(),
    ]);
    if (typeof summary !== 'object' || summary === null || !Array.isArray(positions)) throw new VenueFailure('malformed-payload', 'Deribit sent an account summary or position list of the wrong shape');
    const open = (positions as Row[]).filter((p) => p.direction !== 'zero');
    const perpetuals = open.map((p) => String(p.instrument_name)).filter((n) => n.endsWith('PERPETUAL'));
    const tickers = new Map<string, Row>();
    await Promise.all(perpetuals.map(async (name) => tickers.set(name, (await this.result('publicGetTicker', { instrument_name: name })) as Row)));
    return buildDeribitSnapshot({ currency: this.currency, summary: summary as Row, positions: open, instruments, tickers, asOfMs: this.ctx.now() });
  }

  private async instrumentMap(): Promise<Map<string, Row>> {
    if (!this.instruments || this.instruments.at < this.ctx.now() - TABLE_TTL_MS) {
      const rows = (await this.result('publicGetGetInstruments', { currency: this.currency, kind: 'future' })) as Row[];
      if (!Array.isArray(rows)) throw new VenueFailure('malformed-payload', 'Deribit sent no instrument list');
      this.instruments = { value: new Map(rows.map((r) => [String(r.instrument_name), r])), at: this.ctx.now() };
    }
    return this.instruments.value;
  }

  /** Deribit publishes trade-price chart data (no mark candles); resolution 1 = 1 minute. */
  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const out: Candle[] = [];
    let start = fromMs;
    while (start <= toMs) {
      const end = Math.min(toMs, start + 5000 * 60_000);
      const r = (await this.result('publicGetGetTradingviewChartData', { instrument_name: symbol, start_timestamp: start, end_timestamp: end, resolution: '1' })) as Row;
      const ticks = (r.ticks ?? []) as unknown[];
      ticks.forEach((t, i) => {
        const candle = { time: Number(t), open: Number((r.open as unknown[])[i]), high: Number((r.high as unknown[])[i]), low: Number((r.low as unknown[])[i]), close: Number((r.close as unknown[])[i]) };
        if (![candle.time, candle.open, candle.high, candle.low, candle.close].every(Number.isFinite)) throw new VenueFailure('malformed-payload', `chart_data[${i}] is unreadable`);
        if (out.length === 0 || candle.time > out[out.length - 1]!.time) out.push(candle);
      });
      start = end + 60_000;
    }
    return out;
  }

  /** The key's scopes via client_signature auth: "account:read trade:read_write wallet:read ...". */
  async scopes(): Promise<string[]> {
    if (!this.ctx.secret) return [];
    const timestamp = String(this.ctx.now());
    const nonce = randomBytes(8).toString('hex');
    const signature = createHmac('sha256', this.ctx.secret.secret).update(`${timestamp}\n${nonce}\n`).digest('hex');
    const result = (await this.result('publicGetAuth', { grant_type: 'client_signature', client_id: this.ctx.secret.apiKey, timestamp, nonce, data: '', signature })) as Row;
    return String(result.scope ?? '').split(/\s+/).filter(Boolean);
  }

  streams(): VenueStreams | null {
    return this.ctx.secret && this.wsUrl ? deribitStreams(this.wsUrl, this.currency, this.ctx.secret, (name) => this.instruments?.value.get(name), this.ctx.now, this.ctx.random, this.ctx.tuning) : null;
  }
}
