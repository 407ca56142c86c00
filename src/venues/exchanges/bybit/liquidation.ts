// Bybit v5 private "execution" topic: execType "BustTrade" is a liquidation fill, "AdlTrade" an
// auto-deleveraging fill (positionIdx 1 = hedge long, 2 = hedge short, 0 = one-way).
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

export function parseBybitExecution(msg: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(msg) || msg.topic !== 'execution' || !Array.isArray(msg.data)) return [];
  const out: OrderEvent[] = [];
  for (const d of msg.data) {
    if (!isRow(d) || (d.execType !== 'BustTrade' && d.execType !== 'AdlTrade')) continue;
    const idx = String(d.positionIdx);
    const side = idx === '1' ? 'long' : idx === '2' ? 'short' : 'both';
    const ev = venueEvent(d.symbol, side, d.execType === 'AdlTrade' ? 'adl' : 'liquidation', d.execPrice, d.execTime, nowMs);
    if (ev) out.push(ev);
  }
  return out;
}
