// Prices at which a bucket's normalised margin ratio reaches a level, for one symbol, other prices held.
//
// The bucket's margin balance and requirement are linear in P (linear contracts) or in u = 1/P (inverse
// contracts) once the tier of each moving position is fixed:
//   MB(u)  = A0 + A1·u          MM(u) = B0 + B1·u          level·MB(u) = MM(u)
//   ⇒ u = (level·A0 − B0) / (B1 − level·A1)
// At level 1 this is exactly Binance's closed form BN-UM-LP (linear) and BN-CM-LP (inverse)
// (MARGIN-FORMULAS.md §1.1, §2.1): WB − TMM1 + UPNL1 + cum − side·pos·EP over pos·MMR − side·pos, with
// every other position's maintenance margin and PnL entering through the bucket totals (computed
// once). The tier must be the one at the notional AT the solved price, so we re-solve with the tier
// found there until it stops changing (BN-UM-LP FAQ note: "iterate").
import { Dec, ONE, ZERO } from './decimal';
import type { MaintenanceTerms } from './rulebook';
import {
  type Bucket,
  type EngineState,
  type PositionState,
  maintenanceOf,
  maintenanceValueAt,
  termsAt,
} from './state';

const MAX_TIER_ITERATIONS = 16;

/** The bucket totals with the moving positions taken out. */
interface Others {
  /** base + uPnL of every position not moving. */
  balance: Dec;
  /** Requirement (MM + fee) of every position not moving. */
  requirement: Dec;
}

export function othersFor(bucket: Bucket, group: readonly PositionState[]): Others {
  let balance = bucket.base.plus(bucket.upnl);
  let requirement = bucket.maintenance.plus(bucket.fee);
  for (const p of group) {
    balance = balance.minus(p.upnl);
    requirement = requirement.minus(p.maintenance).minus(p.fee);
  }
  return { balance, requirement };
}

/** A0 and A1 of MB(u) for the moving positions (independent of tiers). */
function balanceLine(group: readonly PositionState[], others: Others): { a0: Dec; a1: Dec } {
  let a0 = others.balance;
  let a1 = ZERO;
  for (const p of group) {
    if (p.inverse) {
      // side·qty·(1/EP − u)
      const q = p.sign === 1 ? p.qty : p.qty.neg();
      a0 = a0.plus(q.div(p.entry));
      a1 = a1.minus(q);
    } else {
      // side·qty·(P − EP)
      const q = p.sign === 1 ? p.qty : p.qty.neg();
      a0 = a0.minus(q.times(p.entry));
      a1 = a1.plus(q);
    }
  }
  return { a0, a1 };
}

/** B0 and B1 of MM(u) for the moving positions with the given tiers. */
function requirementLine(
  group: readonly PositionState[],
  terms: readonly MaintenanceTerms[],
  others: Others,
): { b0: Dec; b1: Dec } {
  let b0 = others.requirement;
  let b1 = ZERO;
  group.forEach((p, i) => {
    const t = terms[i]!;
    if (p.valueAt === 'entry') {
      // Maintenance fixed on the entry value: a constant (Bybit classic isolated).
      const value = maintenanceValueAt(p, p.entry);
      b0 = b0.plus(maintenanceOf(value, t)).plus(value.times(p.feeRate));
    } else {
      b0 = b0.minus(t.amount);
      b1 = b1.plus(p.qty.times(t.rate.plus(p.feeRate)));
    }
  });
  return { b0, b1 };
}

function toPrice(inverse: boolean, u: Dec): Dec {
  return inverse ? ONE.div(u) : u;
}

/**
 * Mark price of `group`'s symbol at which the bucket's requirement / margin balance equals `level`.
 * null when no positive price does (e.g. a long whose collateral covers it entirely).
 */
export function priceAtLevel(
  state: EngineState,
  bucket: Bucket,
  group: readonly PositionState[],
  level: Dec,
  others = othersFor(bucket, group),
): Dec | null {
  const first = group[0];
  if (!first) return null;
  const inverse = first.inverse;
  const { a0, a1 } = balanceLine(group, others);
  let terms: MaintenanceTerms[] = group.map((p) => p.terms);
  let price: Dec | null = null;
  for (let i = 0; i < MAX_TIER_ITERATIONS; i++) {
    const { b0, b1 } = requirementLine(group, terms, others);
    const denominator = b1.minus(level.times(a1));
    if (denominator.isZero()) return null;
    const u = level.times(a0).minus(b0).div(denominator);
    if (!u.isPositive() || u.isZero()) return null;
    const candidate = toPrice(inverse, u);
    const next = group.map((p) => termsAt(state, p, candidate));
    const stable = next.every((t, k) => t.key === terms[k]!.key);
    price = candidate;
    if (stable) return price;
    terms = next;
  }
  // Tier edge: the tiers alternate around an edge. MM is continuous across edges, so the last price
  // is within the edge's width of the true one; say so rather than hide it.
  state.warn(
    `${first.position.symbol}: liquidation-price tier iteration did not settle; price is approximate near a tier edge`,
  );
  return price;
}

/** Mark price at which the bucket's margin balance reaches zero (bankruptcy). null if none > 0. */
export function bankruptcyPrice(
  bucket: Bucket,
  group: readonly PositionState[],
  others = othersFor(bucket, group),
): Dec | null {
  const first = group[0];
  if (!first) return null;
  const { a0, a1 } = balanceLine(group, others);
  if (a1.isZero()) return null;
  const u = a0.neg().div(a1);
  if (!u.isPositive() || u.isZero()) return null;
  return toPrice(first.inverse, u);
}
