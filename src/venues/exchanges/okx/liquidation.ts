// OKX private "orders" channel: category "full_liquidation" / "partial_liquidation" (forced
// reduction) / "adl", reported when the order is filled; a "normal" order of the trader's that reduces
// (reduceOnly, or the opposite side of a long/short leg) is reported on each fill as 'trader-close'.
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent, type Row } from '../shared/liquidationEvent';

const KIND: Record<string, OrderEvent['reason']> = {
  full_liquidation: 'liquidation',
  partial_liquidation: 'forced-reduction',
  adl: 'adl',
};

export function parseOkxOrders(msg: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(msg) || !isRow(msg.arg) || msg.arg.channel !== 'orders' || !Array.isArray(msg.data)) return [];
  const out: OrderEvent[] = [];
  for (const d of msg.data) {
    if (!isRow(d) || typeof d.category !== 'string') continue;
    const reason = KIND[d.category] && d.state === 'filled' ? KIND[d.category]! : traderClose(d) ? 'trader-close' : null;
    if (!reason) continue;
    const side = d.posSide === 'long' ? 'long' : d.posSide === 'short' ? 'short' : 'both';
    const ev = venueEvent(d.instId, side, reason, d.avgPx ?? d.fillPx, d.uTime ?? d.fillTime, nowMs);
    if (ev) out.push(ev);
  }
  return out;
}

function traderClose(d: Row): boolean {
  if (d.category !== 'normal' || (d.state !== 'filled' && d.state !== 'partially_filled')) return false;
  if (d.reduceOnly === 'true' || d.reduceOnly === true) return true;
  return (d.posSide === 'long' && d.side === 'sell') || (d.posSide === 'short' && d.side === 'buy');
}
