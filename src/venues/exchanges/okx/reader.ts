// OKX v5 over CCXT implicit methods; CCXT signs with base64 HMAC-SHA256 of
// timestamp + method + path + body and sends the passphrase. Rate limits are per endpoint
// (typically 10–20 requests per 2 s); we budget 10 per 2 s per endpoint and cache slow-moving tables
// (instruments, tiers, fees: 10 min; funding: 1 min).
import ccxt from 'ccxt';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import { CcxtReader, type ReaderContext } from '../shared/ccxtReader';
import { streamUrl } from '../shared/streamUrl';
import { klineRow } from '../shared/candleRows';
import { decimalField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import type { VenueReader } from '../shared/sessionEngine';
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

export class OkxReader extends CcxtReader implements VenueReader {
  private readonly settleCcy: string;
  private instruments: Cached<Map<string, Row>> | null = null;
  private config: Cached<Row> | null = null;
  private tiers = new Map<string, Cached<Row[]>>();
  private fee: Cached<string> | null = null;
  private discounts: Cached<Row[]> | null = null;
  private funding = new Map<string, Cached<Row>>();
  private readonly wsBase: string | null;

  constructor(ctx: ReaderContext) {
    const { secret, tuning } = ctx;
    super(ctx, {
      exchange: new ccxt.okx({ apiKey: secret?.apiKey, secret: secret?.secret, password: secret?.passphrase, timeout: tuning.requestTimeoutMs, enableRateLimit: false }),
      baseUrl: ctx.options.restUrl ?? 'https://www.okx.com',
      budget: { limit: 10, windowMs: 2_000, perSync: 1 }, // per endpoint; a warm sync calls each once
      budgetScope: 'endpoint',
      classify: (error, headers) => classifyOkxError(error, headers, tuning.rateLimitedWaitMs),
    });
    this.wsBase = streamUrl(ctx.options, 'wss://ws.okx.com:8443');
    this.settleCcy = ctx.options.settleCcy ?? 'USDT';
  }

  private async data(method: string, params: Row = {}): Promise<Row[]> {
    const body = (await this.client.call(method, 1, params)) as Row;
    if (!Array.isArray(body?.data)) throw new VenueFailure('malformed-payload', `OKX sent no data list for ${method}`);
    return body.data as Row[];
  }

  /** Code 50102: our clock is off. Measure OKX's time once and retry. */
  private clockSafe<T>(fn: () => Promise<T>): Promise<T> {
    return this.withClockRetry(fn, async () => Number((await this.data('publicGetPublicTime'))[0]?.ts), 'OKX');
  }

  private fresh<T>(entry: Cached<T> | null | undefined, ttl: number): entry is Cached<T> {
    return !!entry && entry.at >= this.ctx.now() - ttl;
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    if (!this.ctx.secret?.passphrase) throw new VenueFailure('invalid-key', 'This OKX account has no API key, secret and passphrase stored. Add a read-only key.');
    return this.clockSafe(async () => {
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
      const [tiers, takerFees, funding, discounts] = await Promise.all([
        this.tierTables(tierKeys),
        this.takerFees(families),
        this.fundingRates([...new Set(open.map((p) => String(p.instId)))]),
        isMultiCurrencyAccount(config) ? this.discountTiers() : undefined,
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
        ...(discounts ? { discounts } : {}),
        asOfMs: this.ctx.now() - Number(this.client.exchange.options['timeDifference'] ?? 0),
      };
      return buildOkxSnapshot(raw);
    });
  }

  private async accountConfig(): Promise<Row> {
    if (!this.fresh(this.config, TABLE_TTL_MS)) this.config = { value: (await this.data('privateGetAccountConfig'))[0] ?? {}, at: this.ctx.now() };
    return this.config.value;
  }

  private async instrumentMap(): Promise<Map<string, Row>> {
    if (!this.fresh(this.instruments, TABLE_TTL_MS)) {
      const rows = await this.data('publicGetPublicInstruments', { instType: 'SWAP' });
      this.instruments = { value: new Map(rows.map((r) => [String(r.instId), r])), at: this.ctx.now() };
    }
    return this.instruments.value;
  }

  private async tierTables(keys: string[]): Promise<Map<string, Row[]>> {
    await Promise.all(
      keys
        .filter((k) => !this.fresh(this.tiers.get(k), TABLE_TTL_MS))
        .map(async (key) => {
          const [instFamily, tdMode] = key.split(':');
          this.tiers.set(key, { value: await this.data('publicGetPublicPositionTiers', { instType: 'SWAP', tdMode, instFamily }), at: this.ctx.now() });
        }),
    );
    return new Map(keys.map((k) => [k, this.tiers.get(k)!.value]));
  }

  /** Discount-rate tiers of every currency (public, slow-moving: cached like the other tables). */
  private async discountTiers(): Promise<Row[]> {
    if (!this.fresh(this.discounts, TABLE_TTL_MS)) this.discounts = { value: await this.data('publicGetPublicDiscountRateInterestFreeQuota'), at: this.ctx.now() };
    return this.discounts.value;
  }

  /** The account's SWAP taker rate (fee level applies to every swap; OKX writes it negative). */
  private async takerFees(families: string[]): Promise<Map<string, string>> {
    if (!this.fresh(this.fee, TABLE_TTL_MS)) {
      const [row] = await this.data('privateGetAccountTradeFee', { instType: 'SWAP' });
      this.fee = { value: decimalField(row?.taker, 'tradeFee.taker'), at: this.ctx.now() };
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
        if (row) this.funding.set(instId, { value: row, at: this.ctx.now() });
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
        const candle = klineRow(r, `markPriceCandles[${i}]`, 'ts');
        if (candle.time >= fromMs && candle.time <= toMs) byTime.set(candle.time, candle);
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
    const config = await this.clockSafe(() => this.data('privateGetAccountConfig'));
    return String(config[0]?.perm ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  }

  streams(): VenueStreams | null {
    return this.ctx.secret?.passphrase && this.wsBase ? okxStreams(this.wsBase, this.ctx.secret, this.ctx.now, this.ctx.random, this.ctx.tuning) : null;
  }
}

/** acctLv 3 (multi-currency margin) and 4 (portfolio margin) pool every currency, discounted, as margin. */
export function isMultiCurrencyAccount(config: Row): boolean {
  return config.acctLv === '3' || config.acctLv === '4';
}
