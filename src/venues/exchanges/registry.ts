// Catalog id → adapter. The mapped type makes a catalog entry without an adapter a compile error.
import type { ExchangeSource } from '../catalog';
import type { VenueAdapter } from './adapter';
import { binanceCoinmAdapter, binanceUsdmAdapter } from './binance/adapter';
import { bybitAdapter } from './bybit/adapter';
import { okxAdapter } from './okx/adapter';
import { hyperliquidAdapter } from './hyperliquid/adapter';
import { deribitAdapter } from './deribit/adapter';

export const VENUE_ADAPTERS: { readonly [K in ExchangeSource]: VenueAdapter } = {
  'binance-usdm': binanceUsdmAdapter,
  'binance-coinm': binanceCoinmAdapter,
  bybit: bybitAdapter,
  okx: okxAdapter,
  hyperliquid: hyperliquidAdapter,
  deribit: deribitAdapter,
};

export function venueAdapter(source: string): VenueAdapter | undefined {
  return Object.hasOwn(VENUE_ADAPTERS, source) ? VENUE_ADAPTERS[source as ExchangeSource] : undefined;
}
