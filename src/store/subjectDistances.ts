// Per-subject distance to the trigger, kept with each stored report for the History chart: each
// isolated position (its own liquidation price) and the cross book (its nearest leg's liquidation
// price, other prices held — as the danger model names it). Distances are absolute fractions of the
// mark; only plain finite decimal strings are ever written.
import type { MarginReport } from '../domain/contracts';
import { CROSS_SUBJECT, positionSubjectOf, subjectKey } from '../domain/contracts/subject';

export interface SubjectDistance {
  /** Machine key of the subject (`position:BTCUSDT:long`, `cross`). */
  subject: string;
  /** The symbol whose price triggers it (a cross book: its nearest leg). */
  symbol: string;
  /** |distance| from mark to the trigger, fraction of the mark ("0.0123"). */
  distance: string;
  /** The trigger (liquidation) price, null when the engine has none. */
  price: string | null;
}

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;

function absolute(value: string | null): string | null {
  if (value === null) return null;
  const abs = value.startsWith('-') ? value.slice(1) : value;
  return PLAIN_DECIMAL.test(abs) ? abs : null;
}

function price(value: string | null): string | null {
  return value !== null && PLAIN_DECIMAL.test(value) ? value : null;
}

export function subjectDistances(report: MarginReport): SubjectDistance[] {
  const out: SubjectDistance[] = [];
  let cross: SubjectDistance | null = null;
  for (const p of report.positions) {
    const distance = absolute(p.distanceToLiquidation);
    if (distance === null) continue;
    const entry = { symbol: p.symbol, distance, price: price(p.liquidationPrice) };
    if (p.marginMode === 'isolated') out.push({ subject: subjectKey(positionSubjectOf(p)), ...entry });
    else if (cross === null || Number(distance) < Number(cross.distance))
      cross = { subject: subjectKey(CROSS_SUBJECT), ...entry };
  }
  return cross ? [cross, ...out] : out;
}

export function encodeSubjectDistances(list: readonly SubjectDistance[]): string {
  return JSON.stringify(list.map((d) => [d.subject, d.symbol, d.distance, d.price]));
}

/** The stored form read back; null when absent (older rows) or unreadable, never a half-valid entry. */
export function decodeSubjectDistances(text: string | null): SubjectDistance[] | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(raw)) return null;
  const out: SubjectDistance[] = [];
  for (const item of raw) {
    if (!Array.isArray(item)) continue;
    const [subject, symbol, distance, trigger] = item as unknown[];
    if (typeof subject !== 'string' || typeof symbol !== 'string' || typeof distance !== 'string') continue;
    if (!PLAIN_DECIMAL.test(distance)) continue;
    out.push({ subject, symbol, distance, price: typeof trigger === 'string' ? price(trigger) : null });
  }
  return out;
}

/** Per-subject distances of a stored report's JSON (rows written before they were kept); [] when unreadable. */
export function subjectDistancesOfJson(json: string | null): SubjectDistance[] {
  if (json === null) return [];
  try {
    const report = JSON.parse(json) as Partial<MarginReport>;
    return Array.isArray(report.positions) ? subjectDistances(report as MarginReport) : [];
  } catch {
    return [];
  }
}
