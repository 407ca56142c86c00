// Shared bits of the venues' liquidation/ADL parsers: each venue's own parse function lives in its folder.
import type { Position } from '../../../domain/contracts';
import type { OrderEvent } from '../../streamEvents';

export type Row = Record<string, unknown>;

export function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An order event (the venue closed a position itself) with a finite price and time, or none. */
export function venueEvent(symbol: unknown, side: Position['positionSide'], reason: OrderEvent['reason'], price: unknown, atMs: unknown, fallbackMs: number): OrderEvent | null {
  if (typeof symbol !== 'string' || symbol === '') return null;
  const p = typeof price === 'string' || typeof price === 'number' ? String(price) : null;
  const t = Number(atMs);
  const event: OrderEvent = { kind: 'order', time: Number.isFinite(t) && t > 0 ? t : fallbackMs, symbol, reason, positionSide: side };
  if (p !== null && Number.isFinite(Number(p)) && Number(p) > 0) event.price = p;
  return event;
}
