// Held books for replays: an isolated hedge pair (long + short) opened at one price, as a Binance
// USDⓈ-M hedge-mode snapshot. Used by the danger backtest script and the api's demo replay.
import type { AccountSnapshot, Tier } from '../domain/contracts';

function decimals(price: number): number {
  return price >= 1000 ? 2 : price >= 10 ? 3 : 4;
}

export interface HedgePairOptions {
  symbol: string;
  price: number;
  leverage: number;
  atMs: number;
  tiers: Tier[];
  /** Notional of each leg in USDT (default 10,000). */
  notional?: number;
  sides?: readonly ('long' | 'short')[];
}

export function hedgePairSnapshot(o: HedgePairOptions): AccountSnapshot {
  const d = decimals(o.price);
  const entry = o.price.toFixed(d);
  const size = ((o.notional ?? 10_000) / o.price).toPrecision(6);
  const margin = ((Number(size) * Number(entry)) / o.leverage).toFixed(8);
  const leg = (side: 'long' | 'short') => ({
    symbol: o.symbol, contractType: 'linear' as const, marginMode: 'isolated' as const, positionSide: side, side, size, contractSize: '1',
    entryPrice: entry, markPrice: entry, leverage: String(o.leverage), isolatedMargin: margin, tiers: o.tiers, tickSize: (10 ** -d).toFixed(d),
  });
  return {
    schema: 'marginwatch.snapshot/1', venue: 'binance-usdm', asOf: new Date(o.atMs).toISOString(), positionMode: 'hedge', settleAsset: 'USDT', crossWalletBalance: '0',
    positions: (o.sides ?? ['long', 'short']).map(leg),
  };
}
