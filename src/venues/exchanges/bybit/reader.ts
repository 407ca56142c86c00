// Bybit v5 (UTA) over CCXT implicit methods, signed with Bybit's header scheme by CCXT.
// Limits: 600 requests per 5 s per IP (weight 1 each); risk-limit tables and fee rates change
// rarely and are cached for 10 minutes.
import ccxt from 'ccxt';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import { CcxtReader, type ReaderContext } from '../shared/ccxtReader';
import { streamUrl } from '../shared/streamUrl';
import { klineRow } from '../shared/candleRows';
import { VenueFailure } from '../shared/errors';
import type { VenueReader } from '../shared/sessionEngine';
import { classifyBybitError } from './errors';
import { buildBybitSnapshot, type BybitRaw } from './snapshot';
import { bybitStreams } from './streams';
import type { VenueStreams } from '../shared/venueStreams';

type Row = Record<string, unknown>;
const TABLE_TTL_MS = 10 * 60_000;

export class BybitReader extends CcxtReader implements VenueReader {
  private readonly category: 'linear' | 'inverse';
  private readonly settleCoin: string;
  private riskLimits = new Map<string, { rows: Row[]; at: number }>();
  private fees: { map: Map<string, Row>; at: number } | null = null;
  private collateral: { rows: Row[]; at: number } | null = null;
  private readonly wsBase: string | null;

  constructor(ctx: ReaderContext) {
    const { secret, tuning } = ctx;
    super(ctx, {
      exchange: new ccxt.bybit({ apiKey: secret?.apiKey, secret: secret?.secret, timeout: tuning.requestTimeoutMs, enableRateLimit: false, options: { recvWindow: 5_000 } }),
      baseUrl: ctx.options.restUrl ?? 'https://api.bybit.com',
      budget: { limit: 600, windowMs: 5_000, perSync: 6 }, // a sync is ~5 requests (+ tables every 10 min)
      classify: (error, headers) => classifyBybitError(error, headers, ctx.now(), tuning.rateLimitedWaitMs),
    });
    // Streams are on unless wsUrl=off (e.g. a REST-only proxy).
    this.wsBase = streamUrl(ctx.options, 'wss://stream.bybit.com');
    this.category = ctx.options.category === 'inverse' ? 'inverse' : 'linear';
    this.settleCoin = ctx.options.settleCoin ?? (this.category === 'linear' ? 'USDT' : 'BTC');
  }

  private async get(method: string, params: Row = {}): Promise<Row> {
    const body = (await this.client.call(method, 1, params)) as Row;
    const result = body?.result;
    if (typeof result !== 'object' || result === null) throw new VenueFailure('malformed-payload', `Bybit sent no result for ${method}`);
    return result as Row;
  }

  /** retCode 10002: our clock is off. Measure Bybit's time once and retry. */
  private clockSafe<T>(fn: () => Promise<T>): Promise<T> {
    return this.withClockRetry(fn, async () => Number(((await this.client.call('publicGetV5MarketTime', 1)) as Row).time), 'Bybit');
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    if (!this.ctx.secret) throw new VenueFailure('invalid-key', 'This Bybit account has no API key stored. Add a read-only key.');
    return this.clockSafe(async () => {
      const [wallet, accountInfo, positions, tickers] = await Promise.all([
        this.get('privateGetV5AccountWalletBalance', { accountType: 'UNIFIED' }),
        this.get('privateGetV5AccountInfo'),
        this.positions(),
        this.get('publicGetV5MarketTickers', { category: this.category }),
      ]);
      const walletRow = ((wallet.list ?? []) as Row[])[0];
      if (!walletRow) throw new VenueFailure('malformed-payload', 'Bybit sent no unified wallet (is this a Unified Trading Account?)');
      const symbols = [...new Set(positions.map((p) => String(p.symbol)))];
      const [riskLimits, fees, collateral] = await Promise.all([this.riskLimitTables(symbols), this.feeRates(), this.collateralTables()]);
      const raw: BybitRaw = {
        category: this.category,
        settleCoin: this.settleCoin,
        wallet: walletRow,
        accountInfo,
        positions,
        riskLimits,
        tickers: new Map(((tickers.list ?? []) as Row[]).map((t) => [String(t.symbol), t])),
        fees,
        ...collateral,
        asOfMs: this.ctx.now() - Number(this.client.exchange.options['timeDifference'] ?? 0),
      };
      return buildBybitSnapshot(raw);
    });
  }

  /** Linear UTA collateral tiers (public, cached like risk limits) and the account's collateral switches. */
  private async collateralTables(): Promise<{ collateralTiers?: Row[]; collateralInfo?: Row[] }> {
    if (this.category !== 'linear') return {};
    if (!this.collateral || this.ctx.now() - this.collateral.at > TABLE_TTL_MS) {
      const result = await this.get('publicGetV5SpotMarginTradeCollateral');
      this.collateral = { rows: (result.list ?? []) as Row[], at: this.ctx.now() };
    }
    const info = await this.get('privateGetV5AccountCollateralInfo');
    return { collateralTiers: this.collateral.rows, collateralInfo: (info.list ?? []) as Row[] };
  }

  private async positions(): Promise<Row[]> {
    const out: Row[] = [];
    let cursor = '';
    for (let page = 0; page < 20; page++) {
      const result = await this.get('privateGetV5PositionList', { category: this.category, settleCoin: this.settleCoin, limit: 200, ...(cursor ? { cursor } : {}) });
      out.push(...((result.list ?? []) as Row[]));
      cursor = typeof result.nextPageCursor === 'string' ? result.nextPageCursor : '';
      if (!cursor) break;
    }
    return out;
  }

  private async riskLimitTables(symbols: string[]): Promise<Map<string, Row[]>> {
    const now = this.ctx.now();
    const stale = symbols.filter((s) => (this.riskLimits.get(s)?.at ?? -Infinity) < now - TABLE_TTL_MS);
    await Promise.all(
      stale.map(async (symbol) => {
        const result = await this.get('publicGetV5MarketRiskLimit', { category: this.category, symbol });
        this.riskLimits.set(symbol, { rows: ((result.list ?? []) as Row[]).filter((r) => r.symbol === symbol), at: now });
      }),
    );
    return new Map(symbols.map((s) => [s, this.riskLimits.get(s)!.rows]));
  }

  private async feeRates(): Promise<Map<string, Row>> {
    const now = this.ctx.now();
    if (!this.fees || this.fees.at < now - TABLE_TTL_MS) {
      const result = await this.get('privateGetV5AccountFeeRate', { category: this.category });
      this.fees = { map: new Map(((result.list ?? []) as Row[]).map((f) => [String(f.symbol), f])), at: now };
    }
    return this.fees.map;
  }

  /** Mark-price klines come newest first, at most 1000 per call: page backwards from `toMs`. */
  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const byTime = new Map<number, Candle>();
    let end = toMs;
    for (let page = 0; page < 1000 && end >= fromMs; page++) {
      const result = await this.get('publicGetV5MarketMarkPriceKline', { category: this.category, symbol, interval: '1', start: fromMs, end, limit: 1000 });
      const rows = (result.list ?? []) as unknown[][];
      for (const [i, r] of rows.entries()) {
        const candle = klineRow(r, `markPriceKline[${i}]`, 'startTime');
        byTime.set(candle.time, candle);
      }
      if (rows.length < 1000) break;
      end = Math.min(...rows.map((r) => Number(r[0]))) - 60_000;
    }
    return [...byTime.values()].filter((c) => c.time >= fromMs && c.time <= toMs).sort((a, b) => a.time - b.time);
  }

  /** GET /v5/user/query-api: readOnly flag and permission lists. */
  async permissions(): Promise<Row> {
    return this.clockSafe(() => this.get('privateGetV5UserQueryApi'));
  }

  streams(): VenueStreams | null {
    return this.ctx.secret && this.wsBase ? bybitStreams(this.wsBase, this.category, this.ctx.secret, this.ctx.now, this.ctx.random, this.ctx.tuning) : null;
  }
}
