// Stream events applied to the last snapshot, pure: a position or balance the stream carries replaces
// the REST-read value at once; a mark tick patches the mark. Figures the venue computed from the old
// state are dropped (never shown stale) until the next REST read brings them back. Anything that cannot
// be applied exactly (a position the snapshot does not hold yet: tiers, contract size and leverage come
// from REST) returns null and the session reads REST instead.
import { accountSnapshotSchema, parseWith, type AccountSnapshot, type Position } from '../../../domain/contracts';
import type { BalanceDelta, MarkTickEvent, PositionDelta } from '../../streamEvents';
import { VenueFailure } from './errors';

export type SnapshotDelta = PositionDelta | BalanceDelta;

/** The snapshot with the delta applied (validated against the contract), or null when only REST can say. */
export function applyDelta(snapshot: AccountSnapshot, delta: SnapshotDelta): AccountSnapshot | null {
  const next = delta.kind === 'position' ? applyPosition(snapshot, delta) : applyBalance(snapshot, delta);
  if (!next || next === snapshot) return next;
  const parsed = parseWith(accountSnapshotSchema, { ...next, asOf: laterIso(snapshot.asOf, delta.time) });
  if (!parsed.ok) throw new VenueFailure('malformed-payload', `stream ${delta.kind} update does not form a valid snapshot: ${parsed.error.message}`);
  return parsed.value;
}

function applyPosition(snapshot: AccountSnapshot, delta: PositionDelta): AccountSnapshot | null {
  const i = snapshot.positions.findIndex((p) => p.symbol === delta.symbol && p.positionSide === delta.positionSide);
  if (delta.fields === null) {
    if (i < 0) return snapshot; // already closed
    return { ...snapshot, positions: snapshot.positions.filter((_, k) => k !== i) };
  }
  if (i < 0) return null; // a new position: its tiers, contract size and leverage come from REST
  const current = snapshot.positions[i]!;
  const fields = Object.fromEntries(Object.entries(delta.fields).filter(([, v]) => v !== undefined)) as Partial<Position>;
  // Venues re-send unchanged positions (OKX, Hyperliquid push the full state): keep the venue's figures then.
  if (Object.entries(fields).every(([k, v]) => current[k as keyof Position] === v)) return snapshot;
  const { reported: _stale, ...kept } = current;
  const position: Position = { ...kept, ...fields };
  if (position.marginMode === 'cross') delete position.isolatedMargin;
  return { ...snapshot, positions: snapshot.positions.map((p, k) => (k === i ? position : p)) };
}

function applyBalance(snapshot: AccountSnapshot, delta: BalanceDelta): AccountSnapshot | null {
  if (delta.asset === snapshot.settleAsset) {
    return snapshot.crossWalletBalance === delta.crossWalletBalance ? snapshot : { ...snapshot, crossWalletBalance: delta.crossWalletBalance };
  }
  // Another asset counts only as collateral, at a price and haircut REST reads; a view without
  // collateral (single-asset mode, another COIN-M coin) does not count it at all.
  return snapshot.collateral?.length ? null : snapshot;
}

/**
 * A streamed mark: the snapshot with the new mark (and funding, when the tick carries it), the venue's
 * mark-dependent figures dropped; the liquidation price does not depend on the mark and stays. Returns
 * the same object when nothing changed.
 */
export function applyMark(snapshot: AccountSnapshot, tick: MarkTickEvent): AccountSnapshot {
  let changed = false;
  const positions = snapshot.positions.map((p) => {
    if (p.symbol !== tick.symbol) return p;
    const next: Position = { ...p, markPrice: tick.price };
    if (tick.fundingRate !== undefined) next.fundingRate = tick.fundingRate;
    if (tick.nextFundingTime !== undefined && tick.nextFundingTime > 0) next.nextFundingTime = new Date(tick.nextFundingTime).toISOString();
    if (next.markPrice === p.markPrice && next.fundingRate === p.fundingRate && next.nextFundingTime === p.nextFundingTime) return p;
    changed = true;
    if (p.reported && p.markPrice !== tick.price) {
      const { maintenanceMargin: _mm, initialMargin: _im, unrealizedPnl: _u, marginRatio: _mr, ...kept } = p.reported;
      next.reported = kept;
    }
    return next;
  });
  return changed ? { ...snapshot, asOf: laterIso(snapshot.asOf, tick.time), positions } : snapshot;
}

function laterIso(iso: string, timeMs: number): string {
  return new Date(Math.max(Date.parse(iso), timeMs)).toISOString();
}
