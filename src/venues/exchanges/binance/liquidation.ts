// Binance USDⓈ-M user-data ORDER_TRADE_UPDATE: the exchange's liquidation order (o.o "LIQUIDATION",
// client id "autoclose-…") and auto-deleveraging ("adl_autoclose…"), reported once when filled.
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

export function parseBinanceOrderUpdate(msg: unknown, nowMs: number): OrderEvent | null {
  if (!isRow(msg) || msg.e !== 'ORDER_TRADE_UPDATE' || !isRow(msg.o)) return null;
  const o = msg.o;
  const clientId = typeof o.c === 'string' ? o.c : '';
  const adl = clientId.startsWith('adl_autoclose');
  const liquidation = o.o === 'LIQUIDATION' || clientId.startsWith('autoclose-');
  if (!adl && !liquidation) return null;
  if (o.X !== 'FILLED') return null; // partial fills of the same order: one event, at the end
  const side = o.ps === 'LONG' ? 'long' : o.ps === 'SHORT' ? 'short' : 'both';
  const price = o.ap !== undefined && Number(o.ap) > 0 ? o.ap : o.L;
  return venueEvent(o.s, side, adl ? 'adl' : 'liquidation', price, o.T ?? msg.E, nowMs);
}
