// OKX v5 over CCXT implicit methods; CCXT signs with base64 HMAC-SHA256 of
// timestamp + method + path + body and sends the passphrase. Rate limits are per endpoint
// (typically 10–20 requests per 2 s); we budget 10 per 2 s per endpoint and cache slow-moving tables
// (instruments, tiers, fees: 10 min; funding: 1 min).
import ccxt from 'ccxt';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import { CcxtClient } from '../shared/ccxtClient';
import { streamUrl } from '../shared/streamUrl';
import { decimalField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import type { VenueReader } from '../shared/pollingSession';
import type { SessionTuning } from '../shared/sessionOptions';
import type { VenueSecret } from '../secret';
import { classifyOkxError } from './errors';
import { buildOkxSnapshot, type OkxRaw } from './snapshot';
import { okxStreams } from './streams';
import type { VenueStreams } from '../shared/venueStreams';

type Row = Record<string, unknown>;
const TABLE_TTL_MS = 10 * 60_000;
const FUNDING_TTL_MS = 60_000;
const FUNDING_PER_SYNC = 5;

interface Cached<T> {
  value: T;
  at: number;
}

export class OkxReader implements VenueReader {
  readonly client: CcxtClient;
  private readonly settleCcy: string;
  private readonly limit: number;
  private readonly windowMs: number;
  private instruments: Cached<Map<string, Row>> | null = null;
  private config: Cached<Row> | null = null;
  private tiers = new Map<string, Cached<Row[]>>();
  private fee: Cached<string> | null = null;
  private funding = new Map<string, Cached<Row>>();
  private readonly wsBase: string | null;

  constructor(
    options: Record<string, string>,
    private readonly secret: VenueSecret | null,
    private readonly now: () => number,
    private readonly tuning: SessionTuning,
    private readonly random: () => number = Math.random,
  ) {
    this.wsBase = streamUrl(options, 'wss://ws.okx.com:8443');
    this.settleCcy = options.settleCcy ?? 'USDT';
    this.limit = tuning.weightLimit ?? 10;
    this.windowMs = tuning.rateWindowMs ?? 2_000;
    const exchange = new ccxt.okx({ apiKey: secret?.apiKey, secret: secret?.secret, password: secret?.passphrase, timeout: tuning.requestTimeoutMs, enableRateLimit: false });
    this.client = new CcxtClient({
      exchange: exchange as never,
      baseUrl: options.restUrl ?? 'https://www.okx.com',
      now,
      weightLimit: this.limit,
      windowMs: this.windowMs,
      classify: (error, headers) => classifyOkxError(error, headers, tuning.rateLimitedWaitMs),
      budgetScope: 'endpoint',
    });
  }

  private async data(method: string, params: Row = {}): Promise<Row[]> {
    const body = (await this.client.call(method, 1, params)) as Row;
    if (!Array.isArray(body?.data)) throw new VenueFailure('malformed-payload', `OKX sent no data list for ${method}`);
    return body.data as Row[];
  }

  private async withClockRetry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VenueFailure) || error.code !== 'clock-skew') throw error;
      const before = this.now();
      const [row] = await this.data('publicGetPublicTime');
      const server = Number(row?.ts);
      if (!Number.isFinite(server)) throw new VenueFailure('malformed-payload', 'OKX sent an unreadable server time');
      this.client.exchange.options['timeDifference'] = Math.round((before + this.now()) / 2 - server);
      return fn();
    }
  }

  private fresh<T>(entry: Cached<T> | null | undefined, ttl: number): entry is Cached<T> {
    return !!entry && entry.at >= this.now() - ttl;
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    if (!this.secret?.passphrase) throw new VenueFailure('invalid-key', 'This OKX account has no API key, secret and passphrase stored. Add a read-only key.');
    return this.withClockRetry(async () => {
      const [balance, positions, config, instruments, marks] = await Promise.all([
        this.data('privateGetAccountBalance'),
        this.data('privateGetAccountPositions', { instType: 'SWAP' }),
        this.accountConfig(),
        this.instrumentMap(),
        this.data('publicGetPublicMarkPrice', { instType: 'SWAP' }),
      ]);
      if (!balance[0]) throw new VenueFailure('malformed-payload', 'OKX sent no account balance');
      const open = positions.filter((p) => p.pos !== '0' && p.pos !== '');
      const families = [...new Set(open.map((p) => String(instruments.get(String(p.instId))?.instFamily ?? '')))].filter(Boolean);
      const tierKeys = [...new Set(open.map((p) => `${String(instruments.get(String(p.instId))?.instFamily ?? '')}:${p.mgnMode === 'isolated' ? 'isolated' : 'cross'}`))];
      const [tiers, takerFees, funding] = await Promise.all([
        this.tierTables(tierKeys),
        this.takerFees(families),
        this.fundingRates([...new Set(open.map((p) => String(p.instId)))]),
      ]);
      const raw: OkxRaw = {
        settleCcy: this.settleCcy,
        balance: balance[0],
        config,
        positions: open,
        instruments,
        tiers,
        marks: new Map(marks.map((m) => [String(m.instId), m])),
        funding,
        takerFees,
        asOfMs: this.now() - Number(this.client.exchange.options['timeDifference'] ?? 0),
      };
      return buildOkxSnapshot(raw);
    });
  }

  private async accountConfig(): Promise<Row> {
    if (!this.fresh(this.config, TABLE_TTL_MS)) this.config = { value: (await this.data('privateGetAccountConfig'))[0] ?? {}, at: this.now() };
    return this.config.value;
  }

  private async instrumentMap(): Promise<Map<string, Row>> {
    if (!this.fresh(this.instruments, TABLE_TTL_MS)) {
      const rows = await this.data('publicGetPublicInstruments', { instType: 'SWAP' });
      this.instruments = { value: new Map(rows.map((r) => [String(r.instId), r])), at: this.now() };
    }
    return this.instruments.value;
  }

  private async tierTables(keys: string[]): Promise<Map<string, Row[]>> {
    await Promise.all(
      keys
        .filter((k) => !this.fresh(this.tiers.get(k), TABLE_TTL_MS))
        .map(async (key) => {
          const [instFamily, tdMode] = key.split(':');
          this.tiers.set(key, { value: await this.data('publicGetPublicPositionTiers', { instType: 'SWAP', tdMode, instFamily }), at: this.now() });
        }),
    );
    return new Map(keys.map((k) => [k, this.tiers.get(k)!.value]));
  }

  /** The account's SWAP taker rate (fee level applies to every swap; OKX writes it negative). */
  private async takerFees(families: string[]): Promise<Map<string, string>> {
    if (!this.fresh(this.fee, TABLE_TTL_MS)) {
      const [row] = await this.data('privateGetAccountTradeFee', { instType: 'SWAP' });
      this.fee = { value: decimalField(row?.taker, 'tradeFee.taker'), at: this.now() };
    }
    return new Map(families.map((f) => [f, this.fee!.value]));
  }

  /**
   * Funding is per instrument only; it moves slowly, so at most FUNDING_PER_SYNC stale entries are
   * refreshed per sync (oldest first) and the rest use the cached value until their turn.
   */
  private async fundingRates(instIds: string[]): Promise<Map<string, Row>> {
    const due = instIds
      .filter((id) => !this.fresh(this.funding.get(id), FUNDING_TTL_MS))
      .sort((a, b) => (this.funding.get(a)?.at ?? 0) - (this.funding.get(b)?.at ?? 0))
      .slice(0, FUNDING_PER_SYNC);
    await Promise.all(
      due.map(async (instId) => {
        const [row] = await this.data('publicGetPublicFundingRate', { instId });
        if (row) this.funding.set(instId, { value: row, at: this.now() });
      }),
    );
    const out = new Map<string, Row>();
    for (const id of instIds) {
      const entry = this.funding.get(id);
      if (entry) out.set(id, entry.value);
    }
    return out;
  }

  /** history-mark-price-candles: newest first, 100 per call; `after` pages back in time. */
  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const byTime = new Map<number, Candle>();
    let after = toMs + 1;
    for (let page = 0; page < 10_000; page++) {
      const rows = (await this.data('publicGetMarketHistoryMarkPriceCandles', { instId: symbol, bar: '1m', after, limit: 100 })) as unknown as unknown[][];
      for (const [i, r] of rows.entries()) {
        const at = `markPriceCandles[${i}]`;
        const time = Number(r[0]);
        if (!Number.isFinite(time)) throw new VenueFailure('malformed-payload', `${at}.ts is unreadable`);
        if (time < fromMs || time > toMs) continue;
        byTime.set(time, {
          time,
          open: Number(decimalField(r[1], `${at}.open`)),
          high: Number(decimalField(r[2], `${at}.high`)),
          low: Number(decimalField(r[3], `${at}.low`)),
          close: Number(decimalField(r[4], `${at}.close`)),
        });
      }
      if (rows.length < 100) break;
      const oldest = Math.min(...rows.map((r) => Number(r[0])));
      if (oldest <= fromMs) break;
      after = oldest;
    }
    return [...byTime.values()].sort((a, b) => a.time - b.time);
  }

  /** The key's permissions, from account/config `perm` ("read_only,trade,withdraw"). */
  async permissions(): Promise<string[]> {
    const config = await this.withClockRetry(() => this.data('privateGetAccountConfig'));
    return String(config[0]?.perm ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  }

  minPollIntervalMs(): number {
    // A warm sync calls each of its endpoints once; keep every account within half an endpoint's budget.
    return Math.ceil((this.windowMs * Math.max(1, this.client.budgetUsers())) / (this.limit * 0.5));
  }

  streams(): VenueStreams | null {
    return this.secret?.passphrase && this.wsBase ? okxStreams(this.wsBase, this.secret, this.now, this.random, this.tuning) : null;
  }

  release(): void {
    this.client.release();
  }

  reacquire(): void {
    this.client.reacquire();
  }
}
