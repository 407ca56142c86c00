// The list of exchanges this build supports, as data (one descriptor per adapter folder). Every other
// list of venues (api schema, store, CLI, add-account form) is read from here; the adapters themselves
// (sessions, key checks) are looked up by id in src/venues/exchanges/registry.ts.
// The venue ids belong to the domain (snapshot contract, rulebooks); a test checks they agree.
import { binanceCoinmDescriptor, binanceUsdmDescriptor } from './exchanges/binance/descriptor';
import { bybitDescriptor } from './exchanges/bybit/descriptor';
import { okxDescriptor } from './exchanges/okx/descriptor';
import { hyperliquidDescriptor } from './exchanges/hyperliquid/descriptor';
import { deribitDescriptor } from './exchanges/deribit/descriptor';
import type { VenueDescriptor } from './descriptor';

export type { OptionField, VenueDescriptor } from './descriptor';

export const VENUE_CATALOG = [
  binanceUsdmDescriptor,
  binanceCoinmDescriptor,
  bybitDescriptor,
  okxDescriptor,
  hyperliquidDescriptor,
  deribitDescriptor,
] as const satisfies readonly VenueDescriptor[];

/** An exchange with an adapter in this build. */
export type ExchangeSource = (typeof VENUE_CATALOG)[number]['id'];

/** The ids, in catalog order (non-empty, for z.enum). */
export const EXCHANGE_SOURCES = VENUE_CATALOG.map((v) => v.id) as unknown as readonly [ExchangeSource, ...ExchangeSource[]];

export function venueDescriptor(id: string): VenueDescriptor | undefined {
  return (VENUE_CATALOG as readonly VenueDescriptor[]).find((v) => v.id === id);
}
