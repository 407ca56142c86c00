// Hyperliquid "userEvents": fills that carry a `liquidation` marker closed the user's position by
// liquidation (positions are one-way: side "both"); a `liquidation` event without fills is one too.
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

export function parseHyperliquidUserEvents(msg: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(msg) || msg.channel !== 'userEvents' || !isRow(msg.data)) return [];
  const fills = Array.isArray(msg.data.fills) ? msg.data.fills : [];
  const out: OrderEvent[] = [];
  const seen = new Set<string>();
  for (const f of fills) {
    if (!isRow(f) || f.liquidation === undefined || f.liquidation === null) continue;
    const ev = venueEvent(f.coin, 'both', 'liquidation', f.px, f.time, nowMs);
    if (ev && !seen.has(ev.symbol)) {
      seen.add(ev.symbol);
      out.push(ev);
    }
  }
  return out;
}
