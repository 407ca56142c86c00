// OKX private "orders" channel: category "full_liquidation" / "partial_liquidation" (forced
// reduction) / "adl", reported when the order is filled.
import type { VenueLiquidationEvent } from '../../types';
import { isRow, venueEvent } from '../shared/liquidationEvent';

const KIND: Record<string, VenueLiquidationEvent['kind']> = {
  full_liquidation: 'liquidation',
  partial_liquidation: 'forced-reduction',
  adl: 'adl',
};

export function parseOkxOrders(msg: unknown, nowMs: number): VenueLiquidationEvent[] {
  if (!isRow(msg) || !isRow(msg.arg) || msg.arg.channel !== 'orders' || !Array.isArray(msg.data)) return [];
  const out: VenueLiquidationEvent[] = [];
  for (const d of msg.data) {
    if (!isRow(d) || typeof d.category !== 'string' || !KIND[d.category] || d.state !== 'filled') continue;
    const side = d.posSide === 'long' ? 'long' : d.posSide === 'short' ? 'short' : 'both';
    const ev = venueEvent(d.instId, side, KIND[d.category]!, d.avgPx ?? d.fillPx, d.uTime ?? d.fillTime, nowMs);
    if (ev) out.push(ev);
  }
  return out;
}
