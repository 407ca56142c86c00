// OKX private "orders" channel: category "full_liquidation" / "partial_liquidation" (forced
// reduction) / "adl", reported when the order is filled.
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

const KIND: Record<string, OrderEvent['reason']> = {
  full_liquidation: 'liquidation',
  partial_liquidation: 'forced-reduction',
  adl: 'adl',
};

export function parseOkxOrders(msg: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(msg) || !isRow(msg.arg) || msg.arg.channel !== 'orders' || !Array.isArray(msg.data)) return [];
  const out: OrderEvent[] = [];
  for (const d of msg.data) {
    if (!isRow(d) || typeof d.category !== 'string' || !KIND[d.category] || d.state !== 'filled') continue;
    const side = d.posSide === 'long' ? 'long' : d.posSide === 'short' ? 'short' : 'both';
    const ev = venueEvent(d.instId, side, KIND[d.category]!, d.avgPx ?? d.fillPx, d.uTime ?? d.fillTime, nowMs);
    if (ev) out.push(ev);
  }
  return out;
}
