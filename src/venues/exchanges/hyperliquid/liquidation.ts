// Hyperliquid "userEvents": fills that carry a `liquidation` marker closed the user's position by
// liquidation (positions are one-way: side "both"); a `liquidation` event without fills is one too.
// Other fills whose `dir` is "Close Long" / "Close Short" are the trader's own close ('trader-close').
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent } from '../shared/liquidationEvent';

export function parseHyperliquidUserEvents(msg: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(msg) || msg.channel !== 'userEvents' || !isRow(msg.data)) return [];
  const fills = Array.isArray(msg.data.fills) ? msg.data.fills : [];
  const out: OrderEvent[] = [];
  const seen = new Set<string>();
  for (const f of fills) {
    if (!isRow(f)) continue;
    const liquidated = f.liquidation !== undefined && f.liquidation !== null;
    const closed = f.dir === 'Close Long' || f.dir === 'Close Short';
    if (!liquidated && !closed) continue;
    const ev = venueEvent(f.coin, 'both', liquidated ? 'liquidation' : 'trader-close', f.px, f.time, nowMs);
    if (ev && !seen.has(`${ev.symbol}:${ev.reason}`)) {
      seen.add(`${ev.symbol}:${ev.reason}`);
      out.push(ev);
    }
  }
  return out;
}
