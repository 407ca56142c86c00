// Tier tables are reference data: the same table arrives with every position of a symbol family and
// with every snapshot of an account. Each distinct table (by content) is validated and checked once,
// then shared by reference, so later snapshots skip its zod and semantic checks and the engine's
// per-table conversion (a WeakMap by reference, margin/tiers.ts) runs once per table, not per position.
// A hit means the exact same strings passed every check before, so results and errors are unchanged.
import type { Tier } from './snapshot';

const MAX_TABLES = 1024;
const FIELDS = ['floor', 'cap', 'maintenanceRate', 'maintenanceAmount', 'maxLeverage'] as const;
const tables = new Map<string, readonly Tier[]>();
const known = new WeakSet<readonly Tier[]>();

/** The table's content as a key, or null when it is not a plain table of five string fields per tier. */
export function tierTableKey(tiers: unknown): string | null {
  if (!Array.isArray(tiers) || tiers.length === 0) return null;
  let key = '';
  for (const t of tiers) {
    if (typeof t !== 'object' || t === null || Array.isArray(t) || Object.keys(t).length !== FIELDS.length) return null;
    const row = t as Record<string, unknown>;
    for (const field of FIELDS) {
      const value = row[field];
      // Valid decimals never contain the separators, so a key cannot be forged by a malformed table.
      if (typeof value !== 'string' || value.includes('|') || value.includes(';')) return null;
      key += `${value}|`;
    }
    key += ';';
  }
  return key;
}

/** A table with this content that already passed every check, or undefined. */
export function knownTierTable(key: string): readonly Tier[] | undefined {
  return tables.get(key);
}

/** True for a table returned by `knownTierTable`/`rememberTierTable` (already checked). */
export function isCheckedTierTable(tiers: readonly Tier[] | undefined): boolean {
  return tiers !== undefined && known.has(tiers);
}

/** Keeps a table that passed every check; returns the one shared copy of its content (frozen). */
export function rememberTierTable(key: string, tiers: readonly Tier[]): readonly Tier[] {
  const existing = tables.get(key);
  if (existing) return existing;
  if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value!); // oldest first
  const frozen = Object.freeze(tiers.map((t) => Object.freeze({ ...t })));
  tables.set(key, frozen);
  known.add(frozen);
  return frozen;
}
