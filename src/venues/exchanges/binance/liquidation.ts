// Binance USDⓈ-M user-data ORDER_TRADE_UPDATE: the exchange's liquidation order (o.o "LIQUIDATION",
// client id "autoclose-…") and auto-deleveraging ("adl_autoclose…"), reported once when filled; and the
// trader's own fills that reduce a position (reduce-only, close-position, the opposite side of a hedge
// leg, or a one-way fill with realised profit "rp" ≠ 0), reported as 'trader-close'.
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent, type Row } from '../shared/liquidationEvent';

export function parseBinanceOrderUpdate(msg: unknown, nowMs: number): OrderEvent | null {
  if (!isRow(msg) || msg.e !== 'ORDER_TRADE_UPDATE' || !isRow(msg.o)) return null;
  const o = msg.o;
  const clientId = typeof o.c === 'string' ? o.c : '';
  const adl = clientId.startsWith('adl_autoclose');
  const liquidation = o.o === 'LIQUIDATION' || clientId.startsWith('autoclose-');
  const side = o.ps === 'LONG' ? 'long' : o.ps === 'SHORT' ? 'short' : 'both';
  const price = o.ap !== undefined && Number(o.ap) > 0 ? o.ap : o.L;
  if (!adl && !liquidation) {
    if ((o.X !== 'FILLED' && o.X !== 'PARTIALLY_FILLED') || !reducesPosition(o)) return null;
    return venueEvent(o.s, side, 'trader-close', price, o.T ?? msg.E, nowMs);
  }
  if (o.X !== 'FILLED') return null; // partial fills of the same order: one event, at the end
  return venueEvent(o.s, side, adl ? 'adl' : 'liquidation', price, o.T ?? msg.E, nowMs);
}

function reducesPosition(o: Row): boolean {
  if (o.R === true || o.cp === true) return true;
  if (o.ps === 'LONG') return o.S === 'SELL';
  if (o.ps === 'SHORT') return o.S === 'BUY';
  // One-way mode: only a fill that closes part of the position realises profit or loss.
  const rp = Number(o.rp);
  return Number.isFinite(rp) && rp !== 0;
}
