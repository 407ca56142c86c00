// Shared bits of the venues' liquidation/ADL parsers: each venue's own parse function lives in its folder.
import type { VenueLiquidationEvent } from '../../types';

export type Row = Record<string, unknown>;

export function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A venue event about `symbol`/`side`, with a finite price and time or none. */
export function venueEvent(symbol: unknown, side: 'both' | 'long' | 'short', kind: VenueLiquidationEvent['kind'], price: unknown, atMs: unknown, fallbackMs: number): VenueLiquidationEvent | null {
  if (typeof symbol !== 'string' || symbol === '') return null;
  const p = typeof price === 'string' || typeof price === 'number' ? String(price) : null;
  const t = Number(atMs);
  return {
    subject: `position:${symbol}:${side}`,
    kind,
    price: p !== null && Number.isFinite(Number(p)) && Number(p) > 0 ? p : null,
    atMs: Number.isFinite(t) && t > 0 ? t : fallbackMs,
  };
}
