// One rulebook per venue behind the Rulebook interface.
import type { VenueId } from '../../contracts';
import type { Rulebook } from '../rulebook';
import { binanceCoinm } from './binance-coinm';
import { binanceUsdm } from './binance-usdm';
import { bybit } from './bybit';
import { deribit } from './deribit';
import { gate } from './gate';
import { hyperliquid } from './hyperliquid';
import { okx } from './okx';

export const RULEBOOKS: Readonly<Record<VenueId, Rulebook>> = {
  'binance-usdm': binanceUsdm,
  'binance-coinm': binanceCoinm,
  bybit,
  okx,
  hyperliquid,
  gate,
  deribit,
};

export function rulebookFor(venue: VenueId): Rulebook {
  return RULEBOOKS[venue];
}
