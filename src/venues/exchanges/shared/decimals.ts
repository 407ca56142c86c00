// Raw exchange numbers → canonical decimal strings, with the field path in every error.
import Decimal from 'decimal.js';
import { VenueFailure } from './errors';

const DECIMAL_RE = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** The exchange's number as an exact decimal string; throws malformed-payload naming the field. */
export function decimalField(value: unknown, path: string): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !DECIMAL_RE.test(text)) {
    throw new VenueFailure('malformed-payload', `exchange sent an unreadable number at ${path}: ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  const d = new Decimal(text);
  if (!d.isFinite()) throw new VenueFailure('malformed-payload', `exchange sent a non-finite number at ${path}`);
  return d.toFixed();
}

export function decimalOf(value: unknown, path: string): Decimal {
  return new Decimal(decimalField(value, path));
}

export function absDecimal(value: unknown, path: string): string {
  return decimalOf(value, path).abs().toFixed();
}

export function isZeroDecimal(value: unknown, path: string): boolean {
  return decimalOf(value, path).isZero();
}

export function stringField(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new VenueFailure('malformed-payload', `exchange sent no ${path}`);
  return value;
}

/** Exchange timestamps arrive as numbers or numeric strings. */
export function millisField(value: unknown, path: string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(ms) || ms < 0) throw new VenueFailure('malformed-payload', `exchange sent an unreadable time at ${path}`);
  return ms;
}
