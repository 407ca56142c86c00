// What both Binance futures products read the same way into a snapshot: tier tables (the bracket
// fields differ only in name: notional for USDⓈ-M, coin quantity for COIN-M) and one symbol's funding
// and price/lot steps. Pure.
import type { Position, Tier } from '../../../domain/contracts';
import { decimalField, decimalOf, millisField } from '../shared/decimals';
import type { BinanceUsdmRaw } from './usdmSnapshot';

type Row = Record<string, unknown>;

/** Tiers sorted by floor, from bracket rows whose floor/cap fields are named `floorField`/`capField`. */
export function tiersFrom(brackets: Row[], path: string, floorField: string, capField: string): Tier[] {
  return brackets
    .map((b, i) => ({
      floor: decimalField(b[floorField], `${path}[${i}].${floorField}`),
      cap: decimalField(b[capField], `${path}[${i}].${capField}`),
      maintenanceRate: decimalField(b.maintMarginRatio, `${path}[${i}].maintMarginRatio`),
      maintenanceAmount: decimalField(b.cum, `${path}[${i}].cum`),
      maxLeverage: decimalField(b.initialLeverage, `${path}[${i}].initialLeverage`),
    }))
    .sort((a, b) => decimalOf(a.floor, 'floor').cmp(decimalOf(b.floor, 'floor')));
}

/** Funding rate/time (premiumIndex) and tick/lot size (exchangeInfo) of the position's symbol, where sent. */
export function addMarketFacts(position: Position, raw: BinanceUsdmRaw): void {
  const symbol = position.symbol;
  const premium = raw.premium.get(symbol);
  if (premium) {
    position.fundingRate = decimalField(premium.lastFundingRate, `premiumIndex[${symbol}].lastFundingRate`);
    const next = millisField(premium.nextFundingTime, `premiumIndex[${symbol}].nextFundingTime`);
    if (next > 0) position.nextFundingTime = new Date(next).toISOString();
  }
  const filters = raw.filters.get(symbol);
  if (filters?.tickSize) position.tickSize = decimalField(filters.tickSize, `exchangeInfo[${symbol}].tickSize`);
  if (filters?.stepSize) position.lotSize = decimalField(filters.stepSize, `exchangeInfo[${symbol}].stepSize`);
}
