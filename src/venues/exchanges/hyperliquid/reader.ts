// Hyperliquid: read-only by wallet address (no key). POST /info through CCXT's implicit
// publicPostInfo. Weights (docs, "Rate limits"): clearinghouseState 2, metaAndAssetCtxs 20,
// candleSnapshot 20 (+1 per 60 candles); 1200 per minute per IP.
import ccxt from 'ccxt';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import { classifyCcxtError } from '../shared/ccxtErrors';
import { CcxtReader, type ReaderContext } from '../shared/ccxtReader';
import { streamUrl } from '../shared/streamUrl';
import { decimalField, millisField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import type { VenueReader } from '../shared/sessionEngine';
import { buildHyperliquidSnapshot } from './snapshot';
import { hyperliquidStreams } from './streams';
import type { VenueStreams } from '../shared/venueStreams';

const WALLET_RE = /^0x[0-9a-fA-F]{40}$/;
export const HYPERLIQUID_SYNC_WEIGHT = 22;
const CANDLE_PAGE = 5000;

export function hyperliquidWallet(options: Record<string, string>): string {
  const wallet = options.wallet ?? '';
  if (!WALLET_RE.test(wallet)) throw new VenueFailure('invalid-key', 'Hyperliquid needs the wallet address (option wallet=0x… with 40 hex digits).');
  return wallet.toLowerCase();
}

export class HyperliquidReader extends CcxtReader implements VenueReader {

  constructor(ctx: ReaderContext) {
    super(ctx, {
      exchange: new ccxt.hyperliquid({ timeout: ctx.tuning.requestTimeoutMs, enableRateLimit: false }),
      baseUrl: ctx.options.restUrl ?? 'https://api.hyperliquid.xyz',
      budget: { limit: 1200, windowMs: 60_000, perSync: HYPERLIQUID_SYNC_WEIGHT },
      classify: (error, headers) => classifyCcxtError(error, headers, 'Hyperliquid', '', ctx.tuning.rateLimitedWaitMs),
    });
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    const user = hyperliquidWallet(this.ctx.options);
    const [state, metaAndCtxs] = await Promise.all([
      this.client.call('publicPostInfo', 2, { type: 'clearinghouseState', user }),
      this.client.call('publicPostInfo', 20, { type: 'metaAndAssetCtxs' }),
    ]);
    if (!isRow(state) || !Array.isArray(metaAndCtxs) || !isRow(metaAndCtxs[0]) || !Array.isArray(metaAndCtxs[1])) {
      throw new VenueFailure('malformed-payload', 'Hyperliquid sent a clearinghouseState or metaAndAssetCtxs of the wrong shape');
    }
    return buildHyperliquidSnapshot({ state, meta: metaAndCtxs[0], assetCtxs: metaAndCtxs[1] as Record<string, unknown>[] });
  }

  /** Hyperliquid publishes trade-price candles only (no mark-price candles); used as the closest proxy. */
  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const candles: Candle[] = [];
    let start = fromMs;
    while (start <= toMs) {
      const page = await this.client.call('publicPostInfo', 20 + Math.ceil(CANDLE_PAGE / 60), {
        type: 'candleSnapshot',
        req: { coin: symbol, interval: '1m', startTime: start, endTime: toMs },
      });
      if (!Array.isArray(page)) throw new VenueFailure('malformed-payload', 'Hyperliquid sent no candle list');
      for (const [i, c] of (page as Record<string, unknown>[]).entries()) {
        const at = `candleSnapshot[${i}]`;
        const candle = {
          time: millisField(c.t, `${at}.t`),
          open: Number(decimalField(c.o, `${at}.o`)),
          high: Number(decimalField(c.h, `${at}.h`)),
          low: Number(decimalField(c.l, `${at}.l`)),
          close: Number(decimalField(c.c, `${at}.c`)),
        };
        if (candle.time > toMs) continue;
        const last = candles[candles.length - 1];
        if (!last || candle.time > last.time) candles.push(candle);
      }
      if (page.length < CANDLE_PAGE || candles.length === 0) break;
      start = candles[candles.length - 1]!.time + 60_000;
    }
    return candles;
  }

  /** Streams: wsUrl, or production when REST is not overridden; wsUrl=off disables (see streamUrl). */
  streams(): VenueStreams | null {
    const url = streamUrl(this.ctx.options, 'wss://api.hyperliquid.xyz/ws');
    if (!url) return null;
    let wallet: string;
    try {
      wallet = hyperliquidWallet(this.ctx.options);
    } catch {
      return null;
    }
    return hyperliquidStreams(url, wallet, this.ctx.now, this.ctx.random, this.ctx.tuning);
  }
}

function isRow(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
