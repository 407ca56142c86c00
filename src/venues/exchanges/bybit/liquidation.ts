// Bybit v5 private "execution" topic: execType "BustTrade" is a liquidation fill, "AdlTrade" an
// auto-deleveraging fill (positionIdx 1 = hedge long, 2 = hedge short, 0 = one-way); a "Trade" fill with
// closedSize > 0 is the trader's own order closing (part of) the position ('trader-close').
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

export function parseBybitExecution(msg: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(msg) || msg.topic !== 'execution' || !Array.isArray(msg.data)) return [];
  const out: OrderEvent[] = [];
  for (const d of msg.data) {
    if (!isRow(d)) continue;
    const reason = d.execType === 'BustTrade' ? 'liquidation' : d.execType === 'AdlTrade' ? 'adl' : d.execType === 'Trade' && Number(d.closedSize) > 0 ? 'trader-close' : null;
    if (!reason) continue;
    const idx = String(d.positionIdx);
    const side = idx === '1' ? 'long' : idx === '2' ? 'short' : 'both';
    const ev = venueEvent(d.symbol, side, reason, d.execPrice, d.execTime, nowMs);
    if (ev) out.push(ev);
  }
  return out;
}
