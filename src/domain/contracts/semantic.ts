// Semantic checks the zod shape cannot express: tier tables ordered and contiguous, isolated positions
// carrying their margin, one-way vs hedge consistency, one entry per position, venue contract types.
// Each failure names the field's path (`positions[0].tiers[1].floor`).
import DecimalJs from 'decimal.js';
import { type AccountSnapshot, type Position, type Tier, type VenueId, accountSnapshotSchema, positionSchema } from './snapshot';
import { isCheckedTierTable, knownTierTable, rememberTierTable, tierTableKey } from './referenceTables';
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

function checkPosition(snapshot: AccountSnapshot, i: number): ContractError | null {
  const p = snapshot.positions[i]!;
  const at = (field: string): string => `positions[${i}].${field}`;
  if (!CONTRACT_TYPES[snapshot.venue].includes(p.contractType)) {
    return new ContractError(
      at('contractType'),
      `${snapshot.venue} lists only ${CONTRACT_TYPES[snapshot.venue].join('/')} contracts`,
    );
  }
  if (p.option && snapshot.venue !== 'deribit')
    return new ContractError(at('option'), 'options are supported on deribit only');
  if (p.option && p.contractType !== 'inverse')
    return new ContractError(at('contractType'), 'Deribit options are coin-settled: use "inverse"');
  if (p.marginMode === 'isolated' && p.isolatedMargin === undefined)
    return new ContractError(at('isolatedMargin'), 'is required for an isolated position');
  if (snapshot.positionMode === 'oneway' && p.positionSide !== 'both')
    return new ContractError(at('positionSide'), 'must be "both" in oneway position mode');
  if (snapshot.positionMode === 'hedge') {
    if (p.positionSide === 'both')
      return new ContractError(at('positionSide'), 'must be "long" or "short" in hedge position mode');
    if (p.positionSide !== p.side)
      return new ContractError(at('positionSide'), `is "${p.positionSide}" but side is "${p.side}"`);
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
  const keys: (string | null)[] = Array.isArray(positions) ? positions.map((p) => tierTableKey((p as { tiers?: unknown } | null)?.tiers)) : [];
  const hits = keys.map((key) => (key === null ? undefined : knownTierTable(key)));
  // Known tables are taken out before zod and put back (the shared copy) after it.
  const unchecked = hits.some((t) => t !== undefined)
    ? { ...(input as object), positions: (positions as unknown[]).map((p, i) => (hits[i] ? withoutTiers(p) : p)) }
    : input;
  const parsed = parseWith(accountSnapshotSchema, unchecked);
  if (!parsed.ok) return parsed;
  const snapshot = parsed.value;
  snapshot.positions = snapshot.positions.map((p, i) => (hits[i] ? withTiers(p, hits[i]) : p));
  const error = checkSnapshotSemantics(snapshot);
  if (error) return { ok: false, error };
  snapshot.positions = snapshot.positions.map((p, i) => {
    const key = keys[i];
    return key && p.tiers && !hits[i] ? { ...p, tiers: rememberTierTable(key, p.tiers) as Tier[] } : p;
  });
  return { ok: true, value: snapshot };
}

const POSITION_KEYS = Object.keys(positionSchema.shape) as (keyof Position)[];

/** The position with its tiers back in the place zod's output gives them (the schema's field order). */
function withTiers(position: Position, tiers: readonly Tier[]): Position {
  const out: Record<string, unknown> = {};
  for (const key of POSITION_KEYS) {
    const value = key === 'tiers' ? tiers : position[key];
    if (value !== undefined) out[key] = value;
  }
  return out as Position;
}

function withoutTiers(position: unknown): unknown {
  const { tiers: _tiers, ...rest } = position as { tiers?: unknown };
  return rest;
}
