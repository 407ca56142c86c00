// Deribit "user.changes.<kind>.<currency>.raw": trades with a `liquidation` field ("M" maker side, "T"
// taker side, "MT" both) are the user's position being liquidated (Deribit positions are one-way). Other
// trades that reduce the position (reduce_only, or against the direction of the position left after the
// change, or leaving it at size 0) are the trader's own close ('trader-close').
import type { OrderEvent } from '../../streamEvents';
import { isRow, venueEvent, type Row } from '../shared/liquidationEvent';

export function parseDeribitChanges(payload: unknown, nowMs: number): OrderEvent[] {
  if (!isRow(payload) || !Array.isArray(payload.trades)) return [];
  const positions = Array.isArray(payload.positions) ? payload.positions.filter(isRow) : [];
  const out: OrderEvent[] = [];
  const seen = new Set<string>();
  for (const t of payload.trades) {
    if (!isRow(t)) continue;
    const liquidated = typeof t.liquidation === 'string' && t.liquidation !== '';
    if (!liquidated && !reduces(t, positions)) continue;
    const ev = venueEvent(t.instrument_name, 'both', liquidated ? 'liquidation' : 'trader-close', t.price, t.timestamp, nowMs);
    if (ev && !seen.has(`${ev.symbol}:${ev.reason}`)) {
      seen.add(`${ev.symbol}:${ev.reason}`);
      out.push(ev);
    }
  }
  return out;
}

function reduces(trade: Row, positions: Row[]): boolean {
  if (trade.reduce_only === true) return true;
  const after = positions.find((p) => p.instrument_name === trade.instrument_name);
  if (!after) return false;
  if (Number(after.size) === 0 || after.direction === 'zero') return true;
  return (after.direction === 'buy' && trade.direction === 'sell') || (after.direction === 'sell' && trade.direction === 'buy');
}
