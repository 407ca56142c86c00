// Action numbers for a margin call: collateral to add, or contracts to close at mark, to bring a
// bucket's normalised margin ratio (requirement / margin balance) down to a target.
import { Dec, ZERO } from './decimal';
import type { MaintenanceTerms } from './rulebook';
import {
  type Bucket,
  type BucketTotals,
  type EngineState,
  type PositionState,
  marginBalanceOf,
  requirementOf,
  silent,
} from './state';

const MAX_TIER_ITERATIONS = 16;

/** Collateral to add now so that requirement / (margin balance + x) = target; 0 when already at or below. */
export function topUpFor(bucket: Bucket, target: Dec): Dec {
  const needed = requirementOf(bucket).div(target).minus(marginBalanceOf(bucket));
  return needed.isPositive() ? needed : ZERO;
}

/** A bucket's totals against the target, computed once per bucket rather than once per position. */
export interface BucketTarget extends BucketTotals {
  /** target × margin balance: the requirement the bucket may carry at the target. */
  readonly targetBalance: Dec;
  /** Already at or below the target: nothing to close in this bucket. */
  readonly withinTarget: boolean;
}

export function bucketTarget(totals: BucketTotals, target: Dec): BucketTarget {
  const targetBalance = target.times(totals.balance);
  const withinTarget = totals.balance.isPositive() && totals.requirement.lte(targetBalance);
  return { ...totals, targetBalance, withinTarget };
}

/** Value of one contract of `p` at the price its maintenance is computed on. */
function valuePerContract(p: PositionState): Dec {
  const price = p.valueAt === 'entry' ? p.entry : p.mark;
  return (p.inverse ? p.qty.div(price) : p.qty.times(price)).div(p.size);
}

function termsForContracts(
  state: EngineState,
  p: PositionState,
  contracts: Dec,
  perContract: Dec,
): MaintenanceTerms {
  return state.rulebook.maintenanceTerms(
    {
      position: p.position,
      notional: contracts.times(perContract),
      contracts: contracts.plus(p.tierContractsOthers),
    },
    silent,
  );
}

/**
 * Contracts of `p` to close at mark so that its bucket reaches `target`; null when even closing all of
 * it would not (other positions' requirement alone exceeds the target).
 *
 * Cross: closing at mark turns uPnL into realised PnL, so the margin balance is unchanged and only the
 * requirement falls. Isolated: the isolated margin and uPnL are released in proportion to the size
 * closed (Binance/Bybit behaviour; assumption, see docs/ENGINE.md), so the ratio only falls through the
 * tier's maintenance amount, and closing everything is often the only way.
 */
export function reduceToTargetFor(
  state: EngineState,
  p: PositionState,
  target: Dec,
  bucketAtTarget: BucketTarget,
): Dec | null {
  const bucket = p.bucket;
  const { balance, requirement, targetBalance } = bucketAtTarget;
  if (bucketAtTarget.withinTarget) return ZERO;
  if (p.position.option) return optionReduce(p, targetBalance, requirement);
  const perContract = valuePerContract(p);
  if (perContract.isZero()) return null;

  if (bucket.kind === 'isolated') {
    if (!balance.isPositive()) return p.size;
    const balancePerContract = balance.div(p.size);
    const targetPerContract = target.times(balancePerContract);
    let terms = p.terms;
    for (let i = 0; i < MAX_TIER_ITERATIONS; i++) {
      // s·v·(rate + fee) − amount = target · balancePerContract · s
      const slope = perContract.times(terms.rate.plus(p.feeRate)).minus(targetPerContract);
      if (!slope.isPositive() || terms.amount.lte(0)) return p.size;
      const remaining = terms.amount.div(slope);
      if (remaining.gte(p.size)) return ZERO;
      const next = termsForContracts(state, p, remaining, perContract);
      if (next.key === terms.key) return p.size.minus(remaining);
      terms = next;
    }
    return p.size;
  }

  // Requirement the position may keep: target·MB − requirement of everything else.
  const allowed = targetBalance.minus(requirement.minus(p.maintenance).minus(p.fee));
  if (allowed.isNegative()) return null;
  let terms = p.terms;
  for (let i = 0; i < MAX_TIER_ITERATIONS; i++) {
    const perContractRate = perContract.times(terms.rate.plus(p.feeRate));
    if (perContractRate.isZero()) return null;
    let remaining = allowed.plus(terms.amount).div(perContractRate);
    if (remaining.isNegative()) remaining = ZERO;
    if (remaining.gte(p.size)) return ZERO;
    const next = termsForContracts(state, p, remaining, perContract);
    if (next.key === terms.key) return p.size.minus(remaining);
    terms = next;
  }
  return null;
}

/** Options: MM is linear in size (per-unit MM at the current mark), MB unchanged by closing at mark. */
function optionReduce(p: PositionState, targetBalance: Dec, requirement: Dec): Dec | null {
  if (p.maintenance.isZero()) return null; // a long option carries no margin: closing it does not help
  const allowed = targetBalance.minus(requirement.minus(p.maintenance));
  if (allowed.isNegative()) return null;
  const remaining = allowed.div(p.maintenance).times(p.size);
  return remaining.gte(p.size) ? ZERO : p.size.minus(remaining);
}
