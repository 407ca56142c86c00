// Tier tables are reference data: the same table arrives with every position of a symbol family and
// with every snapshot of an account. Each distinct table (by content) is validated and checked once,
// then shared by reference, so later snapshots skip its zod and semantic checks and the engine's
// per-table conversion (a WeakMap by reference, margin/tiers.ts) runs once per table, not per position.
// A hit means the exact same strings passed every check before, so results and errors are unchanged.
//
// Finding a known table must cost far less than checking it: no key string is built. Tables are filed
// under the last tier's maintenanceAmount (a string the input already holds; it differs between
// venues' and symbols' tables), and a candidate is compared field by field.
import type { Tier } from './snapshot';

const MAX_TABLES = 1024;
const FIELDS = ['floor', 'cap', 'maintenanceRate', 'maintenanceAmount', 'maxLeverage'] as const;
/** Known tables by their last tier's maintenanceAmount; several tables may share one. */
const byAnchor = new Map<string, (readonly Tier[])[]>();
/** Known tables, oldest first (eviction order). */
const order: (readonly Tier[])[] = [];
const known = new WeakSet<readonly Tier[]>();

function anchorOf(tiers: readonly unknown[]): string | undefined {
  const last = tiers[tiers.length - 1];
  if (typeof last !== 'object' || last === null) return undefined;
  const amount = (last as { maintenanceAmount?: unknown }).maintenanceAmount;
  return typeof amount === 'string' ? amount : undefined;
}

/**
 * True when `raw` has exactly `table`'s content: as many tiers, each a plain object with exactly the
 * five fields, each the same string. Anything else (an extra field, a number, a different digit) is not
 * a hit and goes through every check.
 */
function sameContent(raw: readonly unknown[], table: readonly Tier[]): boolean {
  if (raw.length !== table.length) return false;
  for (let k = 0; k < raw.length; k++) {
    const row = raw[k];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
    const mine = table[k]!;
    const theirs = row as Record<string, unknown>;
    let fields = 0;
    // Own enumerable keys only (inherited enumerable ones would not be seen by Object.keys either).
    for (const key in theirs) {
      if (!Object.prototype.hasOwnProperty.call(theirs, key)) return false;
      fields++;
    }
    if (fields !== FIELDS.length) return false;
    for (const field of FIELDS) if (theirs[field] !== mine[field]) return false;
  }
  return true;
}

/** The one checked copy of a table with exactly this content, or undefined (never seen, or not plain). */
export function knownTierTable(raw: unknown): readonly Tier[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const anchor = anchorOf(raw);
  if (anchor === undefined) return undefined;
  const candidates = byAnchor.get(anchor);
  if (candidates === undefined) return undefined;
  for (const table of candidates) if (sameContent(raw, table)) return table;
  return undefined;
}

/** True for a table returned by `knownTierTable`/`rememberTierTable` (already checked). */
export function isCheckedTierTable(tiers: readonly Tier[] | undefined): boolean {
  return tiers !== undefined && known.has(tiers);
}

/** Keeps a table that passed every check; returns the one shared copy of its content (frozen). */
export function rememberTierTable(tiers: readonly Tier[]): readonly Tier[] {
  if (known.has(tiers)) return tiers;
  const existing = knownTierTable(tiers);
  if (existing) return existing;
  const anchor = anchorOf(tiers);
  if (anchor === undefined) return tiers; // an empty table: nothing to share
  if (order.length >= MAX_TABLES) forget(order.shift()!); // oldest first
  const frozen = Object.freeze(tiers.map((t) => Object.freeze({ ...t })));
  const list = byAnchor.get(anchor);
  if (list) list.push(frozen);
  else byAnchor.set(anchor, [frozen]);
  order.push(frozen);
  known.add(frozen);
  return frozen;
}

function forget(table: readonly Tier[]): void {
  const anchor = anchorOf(table)!;
  const list = byAnchor.get(anchor)!.filter((t) => t !== table);
  if (list.length === 0) byAnchor.delete(anchor);
  else byAnchor.set(anchor, list);
  // Still recognised as checked by reference: its content did pass every check.
}
