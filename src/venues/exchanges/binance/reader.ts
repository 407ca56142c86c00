// Binance USDⓈ-M / COIN-M reader for the shared session engine: one full REST read (account,
// positions, brackets, premium index, exchange filters; the asset index for Multi-Assets accounts)
// through CCXT's implicit API, mark history, the account's share of the weight budget, and the
// stream adapter (streams.ts: listen-key lifecycle, user data and marks on one socket).
import Decimal from 'decimal.js';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import type { VenueReader } from '../shared/sessionEngine';
import { decimalField, decimalOf } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import type { SessionDeps } from '../shared/sessionOptions';
import type { VenueStreams } from '../shared/venueStreams';
import type { VenueSecret } from '../secret';
import { BinanceClient, type BinanceHosts } from './client';
import { USDM, type BinanceProduct } from './product';
import { binanceStreams } from './streams';
import type { BinanceUsdmRaw } from './usdmSnapshot';

type Row = Record<string, unknown>;

/** USDⓈ-M REQUEST_WEIGHT limit: 2400 per minute per IP. */
export const BINANCE_WEIGHT_LIMIT = 2400;
/** GET /fapi/v1/assetIndex without a symbol: weight 10 (docs). Multi-Assets accounts only. */
export const ASSET_INDEX_WEIGHT = 10;
/** Haircut buffers and asset indexes move slowly: one read a minute is enough for collateral. */
const ASSET_INDEX_TTL_MS = 60_000;
const KLINE_PAGE = 1000; // weight 5 per 1000 candles: the cheapest weight per candle

export class BinanceReader implements VenueReader {
  readonly client: BinanceClient;
  private filters: BinanceUsdmRaw['filters'] | null = null;
  private assetIndex: { rows: Row[]; at: number } | null = null;

  constructor(
    private readonly accountId: string,
    private readonly hosts: BinanceHosts,
    private readonly secret: VenueSecret | null,
    private readonly deps: SessionDeps,
    private readonly product: BinanceProduct = USDM,
    private readonly settleAsset?: string,
  ) {
    const t = deps.tuning;
    this.client = new BinanceClient({ product, hosts, secret, now: deps.now, weightLimit: t.weightLimit ?? BINANCE_WEIGHT_LIMIT, windowMs: t.rateWindowMs ?? 60_000, timeoutMs: t.requestTimeoutMs });
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    return this.product.build(await this.readRest());
  }

  /** Streams need a key and a stream host (see streamUrl). */
  streams(): VenueStreams | null {
    if (!this.secret || !this.hosts.ws) return null;
    return binanceStreams(this.client, this.product, this.hosts.ws, { ...this.deps, accountId: this.accountId });
  }

  /**
   * Never ask for more than our share of the weight budget: one sync costs the product's syncWeight.
   * Accounts on the same host share the IP's budget, so each gets its share of half of it; a
   * Multi-Assets account also spends the asset index's weight once per ASSET_INDEX_TTL_MS.
   */
  minPollIntervalMs(): number {
    const t = this.deps.tuning;
    const window = t.rateWindowMs ?? 60_000;
    const indexWeight = this.assetIndex ? (ASSET_INDEX_WEIGHT * window) / ASSET_INDEX_TTL_MS : 0;
    const share = ((t.weightLimit ?? BINANCE_WEIGHT_LIMIT) * 0.5) / Math.max(1, this.client.budgetUsers()) - indexWeight;
    return Math.ceil((this.product.syncWeight * window) / Math.max(share, 1));
  }

  release(): void {
    this.client.release();
  }

  reacquire(): void {
    this.client.reacquire();
  }

  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const candles: Candle[] = [];
    let start = Math.floor(fromMs / 60_000) * 60_000;
    while (start <= toMs) {
      const page = (await this.withClockRetry(() =>
        this.client.call(this.product.klines, 5, { symbol, interval: '1m', startTime: start, endTime: toMs, limit: KLINE_PAGE }),
      )) as unknown[];
      if (!Array.isArray(page)) throw new VenueFailure('malformed-payload', 'exchange sent no kline list for markPriceKlines');
      for (const [i, row] of page.entries()) {
        if (!Array.isArray(row)) throw new VenueFailure('malformed-payload', `markPriceKlines[${i}] is not a kline row`);
        const at = `markPriceKlines[${i}]`;
        const candle: Candle = {
          time: Number(row[0]),
          open: Number(decimalField(row[1], `${at}.open`)),
          high: Number(decimalField(row[2], `${at}.high`)),
          low: Number(decimalField(row[3], `${at}.low`)),
          close: Number(decimalField(row[4], `${at}.close`)),
        };
        if (!Number.isFinite(candle.time)) throw new VenueFailure('malformed-payload', `${at}.openTime is unreadable`);
        const last = candles[candles.length - 1];
        if (!last || candle.time > last.time) candles.push(candle);
      }
      if (page.length < KLINE_PAGE) break;
      start = candles[candles.length - 1]!.time + 60_000;
    }
    return candles;
  }

  private async readRest(): Promise<BinanceUsdmRaw> {
    if (!this.secret) throw new VenueFailure('invalid-key', 'This Binance account has no API key stored. Add a read-only key.');
    return this.withClockRetry(async () => {
      if (!this.filters) this.filters = await this.readFilters();
      const [account, positionRisk, brackets, premium] = await Promise.all([
        this.client.call(...this.product.account),
        this.client.call(...this.product.positionRisk),
        this.client.call(...this.product.brackets),
        this.client.call(...this.product.premium),
      ]);
      if (!isRow(account) || !Array.isArray(positionRisk) || !Array.isArray(brackets) || !Array.isArray(premium)) {
        throw new VenueFailure('malformed-payload', 'exchange sent an account, position or bracket payload of the wrong shape');
      }
      const assetIndex = this.product.venue === 'binance-usdm' && isMultiAssetsAccount(account) ? await this.readAssetIndex() : undefined;
      return {
        account,
        ...(assetIndex ? { assetIndex } : {}),
        positionRisk: positionRisk as Row[],
        brackets: new Map((brackets as Row[]).map((b) => [String(b.symbol), (b.brackets ?? []) as Row[]])),
        premium: new Map((premium as Row[]).map((p) => [String(p.symbol), p])),
        filters: this.filters,
        ...(this.settleAsset ? { settleAsset: this.settleAsset } : {}),
        asOfMs: this.deps.now() - this.client.clockOffsetMs,
      };
    });
  }

  /** The Multi-Assets asset index (haircut buffers), cached for ASSET_INDEX_TTL_MS within the weight budget. */
  private async readAssetIndex(): Promise<Row[]> {
    if (!this.assetIndex || this.deps.now() - this.assetIndex.at >= ASSET_INDEX_TTL_MS) {
      const rows = await this.client.call('fapiPublicGetAssetIndex', ASSET_INDEX_WEIGHT);
      if (!Array.isArray(rows)) throw new VenueFailure('malformed-payload', 'exchange sent no list for assetIndex');
      this.assetIndex = { rows: rows as Row[], at: this.deps.now() };
    }
    return this.assetIndex.rows;
  }

  private async readFilters(): Promise<BinanceUsdmRaw['filters']> {
    const info = await this.client.call(...this.product.exchangeInfo);
    const out: BinanceUsdmRaw['filters'] = new Map();
    for (const s of ((info as Row).symbols ?? []) as Row[]) {
      const filters = (s.filters ?? []) as Row[];
      const price = filters.find((f) => f.filterType === 'PRICE_FILTER');
      const lot = filters.find((f) => f.filterType === 'LOT_SIZE');
      const entry: { tickSize?: string; stepSize?: string; contractSize?: string; marginAsset?: string } = {};
      if (typeof price?.tickSize === 'string') entry.tickSize = price.tickSize;
      if (typeof lot?.stepSize === 'string') entry.stepSize = lot.stepSize;
      if (s.contractSize !== undefined) entry.contractSize = String(s.contractSize);
      if (typeof s.marginAsset === 'string') entry.marginAsset = s.marginAsset;
      out.set(String(s.symbol), entry);
    }
    return out;
  }

  /** -1021 means our clock is off: measure the offset once and retry. */
  private async withClockRetry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VenueFailure) || error.code !== 'clock-skew') throw error;
      const offset = await this.client.resyncClock();
      this.deps.logger.warn('clock skew against Binance corrected', { accountId: this.accountId, offsetMs: offset });
      return fn();
    }
  }
}

/**
 * Multi-Assets mode, read from the account payload itself (no extra call): an explicit
 * multiAssetsMargin flag when sent, else the totals — in single-asset mode they cover USDT alone
 * (GET /fapi/v2/account docs), in Multi-Assets mode the USD value of every asset.
 */
export function isMultiAssetsAccount(account: Row): boolean {
  if (typeof account.multiAssetsMargin === 'boolean') return account.multiAssetsMargin;
  if (!Array.isArray(account.assets)) return false;
  const assets = account.assets as Row[];
  const held = (a: Row, i: number): Decimal => decimalOf(a.crossWalletBalance, `account.assets[${i}].crossWalletBalance`);
  if (!assets.some((a, i) => a.asset !== 'USDT' && !held(a, i).isZero())) return false;
  const k = assets.findIndex((a) => a.asset === 'USDT');
  const usdt = k < 0 ? new Decimal(0) : held(assets[k]!, k);
  return !decimalOf(account.totalCrossWalletBalance, 'account.totalCrossWalletBalance').eq(usdt);
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
