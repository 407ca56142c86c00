// Deribit "user.changes.<kind>.<currency>.raw": trades with a `liquidation` field ("M" maker side, "T"
// taker side, "MT" both) are the user's position being liquidated (Deribit positions are one-way).
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

export function parseDeribitChanges(payload: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(payload) || !Array.isArray(payload.trades)) return [];
  const out: OrderEvent[] = [];
  const seen = new Set<string>();
  for (const t of payload.trades) {
    if (!isRow(t) || typeof t.liquidation !== 'string' || t.liquidation === '') continue;
    const ev = venueEvent(t.instrument_name, 'both', 'liquidation', t.price, t.timestamp, nowMs);
    if (ev && !seen.has(ev.symbol)) {
      seen.add(ev.symbol);
      out.push(ev);
    }
  }
  return out;
}
