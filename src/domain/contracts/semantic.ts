// Semantic checks the zod shape cannot express: tier tables ordered and contiguous, isolated positions
// carrying their margin, one-way vs hedge consistency, one entry per position, venue contract types.
// Each failure names the field's path (`positions[0].tiers[1].floor`).
import DecimalJs from 'decimal.js';
import { type AccountSnapshot, type Tier, type VenueId, accountSnapshotSchema } from './snapshot';
import { isCheckedTierTable, knownTierTable, rememberTierTable } from './referenceTables';
import { ContractError, type Parsed, parseWith } from './validation';

const CONTRACT_TYPES: Record<VenueId, ReadonlyArray<'linear' | 'inverse'>> = {
  'binance-usdm': ['linear'],
  'binance-coinm': ['inverse'],
  bybit: ['linear', 'inverse'],
  okx: ['linear', 'inverse'],
  hyperliquid: ['linear'],
  deribit: ['linear', 'inverse'],
  gate: ['linear', 'inverse'],
};

const d = (s: string): DecimalJs => new DecimalJs(s);

function checkTiers(snapshot: AccountSnapshot, i: number): ContractError | null {
  const tiers = snapshot.positions[i]!.tiers;
  if (!tiers || isCheckedTierTable(tiers)) return null;
  const at = (k: number, field: string): string => `positions[${i}].tiers[${k}].${field}`;
  for (let k = 0; k < tiers.length; k++) {
    const tier = tiers[k]!;
    if (!d(tier.cap).gt(d(tier.floor))) return new ContractError(at(k, 'cap'), 'must be greater than floor');
    if (d(tier.maintenanceRate).gte(1))
      return new ContractError(at(k, 'maintenanceRate'), 'must be below 1 (a fraction, e.g. "0.004")');
    if (k === 0) continue;
    const previous = tiers[k - 1]!;
    const floor = d(tier.floor);
    if (floor.lt(d(previous.floor)))
      return new ContractError(
        at(k, 'floor'),
        `tiers must be in ascending order (below tiers[${k - 1}].floor)`,
      );
    if (floor.lt(d(previous.cap)))
      return new ContractError(
        at(k, 'floor'),
        `overlaps tiers[${k - 1}] (floor ${tier.floor} < previous cap ${previous.cap})`,
      );
    if (floor.gt(d(previous.cap)))
      return new ContractError(
        at(k, 'floor'),
        `gap after tiers[${k - 1}] (floor ${tier.floor} > previous cap ${previous.cap})`,
      );
  }
  return null;
}

/** `positions[i].field` (a top-level function: no closure built per position). */
function positionPath(i: number, field: string): string {
  return `positions[${i}].${field}`;
}

function checkPosition(snapshot: AccountSnapshot, i: number): ContractError | null {
  const p = snapshot.positions[i]!;
  if (!CONTRACT_TYPES[snapshot.venue].includes(p.contractType)) {
    return new ContractError(
      positionPath(i, 'contractType'),
      `${snapshot.venue} lists only ${CONTRACT_TYPES[snapshot.venue].join('/')} contracts`,
    );
  }
  if (p.option && snapshot.venue !== 'deribit')
    return new ContractError(positionPath(i, 'option'), 'options are supported on deribit only');
  if (p.option && p.contractType !== 'inverse')
    return new ContractError(positionPath(i, 'contractType'), 'Deribit options are coin-settled: use "inverse"');
  if (p.marginMode === 'isolated' && p.isolatedMargin === undefined)
    return new ContractError(positionPath(i, 'isolatedMargin'), 'is required for an isolated position');
  if (snapshot.positionMode === 'oneway' && p.positionSide !== 'both')
    return new ContractError(positionPath(i, 'positionSide'), 'must be "both" in oneway position mode');
  if (snapshot.positionMode === 'hedge') {
    if (p.positionSide === 'both')
      return new ContractError(positionPath(i, 'positionSide'), 'must be "long" or "short" in hedge position mode');
    if (p.positionSide !== p.side)
      return new ContractError(positionPath(i, 'positionSide'), `is "${p.positionSide}" but side is "${p.side}"`);
  }
  return checkTiers(snapshot, i);
}

/** Positions of one symbol share a contract (type, size) and a mark price; each leg appears once. */
function checkSymbols(snapshot: AccountSnapshot): ContractError | null {
  const seen = new Map<string, number>();
  const legs = new Set<string>();
  for (let i = 0; i < snapshot.positions.length; i++) {
    const p = snapshot.positions[i]!;
    const leg = `${p.symbol}|${p.positionSide}`;
    if (legs.has(leg))
      return new ContractError(
        `positions[${i}].symbol`,
        `duplicate ${p.positionSide} position for ${p.symbol}`,
      );
    legs.add(leg);
    const j = seen.get(p.symbol);
    if (j === undefined) {
      seen.set(p.symbol, i);
      continue;
    }
    const q = snapshot.positions[j]!;
    for (const field of ['contractType', 'contractSize', 'markPrice'] as const) {
      const same = field === 'contractType' ? p[field] === q[field] : d(p[field]).eq(d(q[field]));
      if (!same)
        return new ContractError(
          `positions[${i}].${field}`,
          `differs from positions[${j}] of the same symbol ${p.symbol}`,
        );
    }
  }
  return null;
}

function checkCollateral(snapshot: AccountSnapshot): ContractError | null {
  const list = snapshot.collateral ?? [];
  for (let k = 0; k < list.length; k++) {
    const c = list[k]!;
    if (d(c.haircut).gt(1))
      return new ContractError(`collateral[${k}].haircut`, 'must be at most 1 (a fraction)');
    const tiers = c.tiers ?? [];
    for (let t = 0; t < tiers.length; t++) {
      const at = (field: string): string => `collateral[${k}].tiers[${t}].${field}`;
      const tier = tiers[t]!;
      if (d(tier.ratio).gt(1)) return new ContractError(at('ratio'), 'must be at most 1 (a fraction)');
      if (tier.cap !== undefined && !d(tier.cap).gt(d(tier.floor)))
        return new ContractError(at('cap'), 'must be greater than floor');
      if (t === 0) {
        if (!d(tier.floor).isZero()) return new ContractError(at('floor'), 'the first tier must start at 0');
        continue;
      }
      const previous = tiers[t - 1]!;
      if (previous.cap === undefined)
        return new ContractError(at('floor'), `follows tiers[${t - 1}], which has no cap`);
      if (!d(tier.floor).eq(d(previous.cap)))
        return new ContractError(
          at('floor'),
          `must equal tiers[${t - 1}].cap (${previous.cap}): tiers are contiguous`,
        );
    }
  }
  return null;
}

/** Checks a shape-valid snapshot's meaning; null when it is consistent. */
export function checkSnapshotSemantics(snapshot: AccountSnapshot): ContractError | null {
  if (snapshot.marginModel === 'portfolio' && snapshot.venue !== 'deribit')
    return new ContractError('marginModel', 'portfolio margin is modelled for deribit only');
  for (let i = 0; i < snapshot.positions.length; i++) {
    const error = checkPosition(snapshot, i);
    if (error) return error;
  }
  return checkSymbols(snapshot) ?? checkCollateral(snapshot);
}

/**
 * zod contract + semantic checks: the only way untrusted JSON becomes an AccountSnapshot. Tier tables
 * seen before (same content) skip both and come back as their one shared copy (referenceTables.ts).
 */
export function parseSnapshot(input: unknown): Parsed<AccountSnapshot> {
  const positions = (input as { positions?: unknown } | null)?.positions;
  // Known tables are swapped for an empty one before zod (which accepts it at no cost, keeping the
  // field where zod's output puts it) and the shared copy is put back after.
  let hits: (readonly Tier[] | undefined)[] | null = null;
  let unchecked = input;
  if (Array.isArray(positions)) {
    let copies: unknown[] | null = null;
    for (let i = 0; i < positions.length; i++) {
      const p: unknown = positions[i];
      const table = knownTierTable((p as { tiers?: unknown } | null)?.tiers);
      if (table === undefined) continue;
      hits ??= new Array<readonly Tier[] | undefined>(positions.length);
      hits[i] = table;
      copies ??= positions.slice();
      copies[i] = { ...(p as object), tiers: NO_TIERS };
    }
    if (copies) unchecked = { ...(input as object), positions: copies };
  }
  const parsed = parseWith(accountSnapshotSchema, unchecked);
  if (!parsed.ok) return parsed;
  const snapshot = parsed.value;
  if (hits) {
    for (let i = 0; i < snapshot.positions.length; i++) {
      const table = hits[i];
      if (table) snapshot.positions[i]!.tiers = table as Tier[];
    }
  }
  const error = checkSnapshotSemantics(snapshot);
  if (error) return { ok: false, error };
  for (const p of snapshot.positions) if (p.tiers && p.tiers.length > 0) p.tiers = rememberTierTable(p.tiers) as Tier[];
  return { ok: true, value: snapshot };
}

/** Stands in for a known table during the zod pass (an empty table is valid and costs nothing). */
const NO_TIERS: readonly never[] = Object.freeze([]);
