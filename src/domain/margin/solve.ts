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
import { type CollateralLine, collateralLineAt } from './collateral';
import { Dec, ONE, ZERO, approxNumber } from './decimal';
import { type DD, ddAdd, ddDiv, ddMul, ddNeg, ddOf, ddOrZero } from './doubleDouble';
import { QUOTIENT_ERROR } from './printApprox';
import type { MaintenanceTerms } from './rulebook';
import {
  type BucketTotals,
  type CandidatePrice,
  type CollateralState,
  type EngineState,
  type PositionState,
  collateralPriceAt,
  maintenanceOf,
  maintenanceValueAt,
  termsAt,
} from './state';

const MAX_TIER_ITERATIONS = 16;

/** The moving positions of one symbol with everything tier-independent precomputed once. */
export interface PreparedGroup {
  readonly group: readonly PositionState[];
  readonly inverse: boolean;
  /** Requirement (MM + fee) of every position not moving. */
  readonly othersRequirement: Dec;
  /** MB(u) = a0 + a1·u. */
  readonly a0: Dec;
  readonly a1: Dec;
  /** Tiers at the last solved price: nearby levels usually share them, saving an iteration. */
  lastTerms: MaintenanceTerms[] | null;
  /** MM(u) lines already built, by tier keys: levels usually share tiers. */
  readonly lines: Map<string, RequirementLine>;
  /** a0 and a1 as doubles (approxNumber), read once for every level's sign filter. */
  readonly a0Approx: number;
  readonly a1Approx: number;
  /** a0 and a1 as double-doubles, read on first use (levelOnDoubles). */
  a0DD?: DD | null;
  a1DD?: DD | null;
  /**
   * Cross collateral whose price follows this symbol's mark (its current value is already out of a0):
   * its value re-enters MB as a line in P (wrong-way risk). Linear contracts only; see solveGroup.
   */
  readonly collateral: readonly CollateralState[];
}

/**
 * Takes the moving positions out of the bucket totals and builds MB(u) (independent of tiers). The
 * bucket's margin balance and requirement come in computed once per bucket, not once per symbol.
 */
export function prepareGroup(
  totals: BucketTotals,
  group: readonly PositionState[],
  collateral: readonly CollateralState[] = [],
): PreparedGroup {
  let a0 = totals.balance;
  for (const c of collateral) a0 = a0.minus(c.value);
  let a1 = ZERO;
  let othersRequirement = totals.requirement;
  for (const p of group) {
    a0 = a0.minus(p.upnl);
    othersRequirement = othersRequirement.minus(p.maintenance);
    // A zero fee changes nothing (x − 0 = x exactly; a zero difference is already +0).
    if (!p.fee.isZero()) othersRequirement = othersRequirement.minus(p.fee);
    const q = p.sign === 1 ? p.qty : p.qty.neg();
    if (p.inverse) {
      // side·qty·(1/EP − u)
      a0 = p.sign === 1 ? a0.plus(p.entryValue) : a0.minus(p.entryValue);
      a1 = a1.minus(q);
    } else {
      // side·qty·(P − EP)
      a0 = p.sign === 1 ? a0.minus(p.entryValue) : a0.plus(p.entryValue);
      a1 = a1.plus(q);
    }
  }
  return {
    group,
    inverse: group[0]?.inverse ?? false,
    othersRequirement,
    a0,
    a1,
    lastTerms: null,
    lines: new Map(),
    a0Approx: approxNumber(a0),
    a1Approx: approxNumber(a1),
    collateral,
  };
}

/** The linked collateral's value as a line in the mark P at the collateral tiers of `mark`. */
interface MarkLine {
  readonly slope: Dec;
  readonly intercept: Dec;
  readonly key: string;
}

function collateralMarkLine(collateral: readonly CollateralState[], mark: Dec): MarkLine {
  let slope = ZERO;
  let intercept = ZERO;
  const keys: number[] = [];
  for (const c of collateral) {
    const line: CollateralLine = collateralLineAt(c.rule, collateralPriceAt(c, mark));
    // value = s·price + i and price = price0·P/mark0 ⇒ value = (s·price0/mark0)·P + i.
    slope = slope.plus(c.mark0 === null ? ZERO : line.slope.times(c.price0).div(c.mark0));
    intercept = intercept.plus(line.intercept);
    keys.push(line.key);
  }
  return { slope, intercept, key: keys.join(',') };
}

/**
 * top / bottom, exact on first use; its double approximation for the solver's tier decisions, and its
 * double-double for printing (printApprox: within QUOTIENT_ERROR of the exact quotient).
 */
export class Quotient implements CandidatePrice {
  readonly approx: number;
  private value: Dec | null = null;
  constructor(
    private readonly top: Dec,
    private readonly bottom: Dec,
  ) {
    this.approx = approxNumber(top) / approxNumber(bottom);
  }
  exact(): Dec {
    this.value ??= this.top.div(this.bottom);
    return this.value;
  }
  /** Read once: a group's liquidation price is printed, then read again for each position's distance. */
  private approxValue: DD | null | undefined;
  dd(): DD | null {
    if (this.approxValue === undefined) {
      const top = ddOf(this.top);
      const bottom = ddOf(this.bottom);
      this.approxValue = top === null || bottom === null ? null : ddDiv(top, bottom);
    }
    return this.approxValue;
  }
}

const currentTerms = (p: PositionState): MaintenanceTerms => p.terms;
const keyOf = (t: MaintenanceTerms): string => t.key;

/** MM(u) = b0 + b1·u, with both as doubles for the sign filter (read once per line, not per level). */
interface RequirementLine {
  readonly b0: Dec;
  readonly b1: Dec;
  readonly b0Approx: number;
  readonly b1Approx: number;
  b0DD?: DD | null;
  b1DD?: DD | null;
}

/** B0 and B1 of MM(u) for the moving positions with the given tiers. */
function requirementLine(prepared: PreparedGroup, terms: readonly MaintenanceTerms[]): RequirementLine {
  let b0 = prepared.othersRequirement;
  // Sums start from their first term, not from 0 + term: every term is the result of a 34-digit
  // operation and non-negative, so 0 + term is term itself. Likewise rate + a ZERO fee rate is the
  // rate (tier rates have at most 34 digits: validated text or 34-digit results).
  let b1: Dec | null = null;
  prepared.group.forEach((p, i) => {
    const t = terms[i]!;
    if (p.valueAt === 'entry') {
      // Maintenance fixed on the entry value: a constant (Bybit classic isolated).
      const value = maintenanceValueAt(p, p.entry);
      b0 = b0.plus(maintenanceOf(value, t)).plus(value.times(p.feeRate));
    } else {
      b0 = b0.minus(t.amount);
      const slope = p.qty.times(p.feeRate === ZERO ? t.rate : t.rate.plus(p.feeRate));
      b1 = b1 === null ? slope : b1.plus(slope);
    }
  });
  const line = b1 ?? ZERO;
  return { b0, b1: line, b0Approx: approxNumber(b0), b1Approx: approxNumber(line) };
}

/**
 * How far from zero (relative to the operands) a difference computed on doubles must be for its sign to
 * be the exact one: the doubles are within ~1e-15 of the 34-digit values (approxNumber), so 1e-9 leaves
 * six orders of magnitude to spare (as tiers.ts's DECISION_MARGIN).
 */
const SIGN_MARGIN = 1e-9;

/**
 * True only when L·MB0 − B0 and B1 − L·MB1 are certainly both non-zero and of opposite signs, so the
 * exact computation would return null (no positive price at this level). Decided on double
 * approximations; false whenever either difference is within SIGN_MARGIN of zero (the caller then
 * computes the exact values, as it always did).
 */
export function surelyNoPrice(level: Dec, mb0: Dec, mb1: Dec, b0: Dec, b1: Dec): boolean {
  return surelyNoPriceApprox(
    approxNumber(level),
    approxNumber(mb0),
    approxNumber(mb1),
    approxNumber(b0),
    approxNumber(b1),
  );
}

/** surelyNoPrice on the operands' doubles (approxNumber of each), when the caller has them already. */
export function surelyNoPriceApprox(l: number, mb0: number, mb1: number, b0a: number, b1a: number): boolean {
  const la0 = l * mb0;
  const la1 = l * mb1;
  const numerator = la0 - b0a;
  const denominator = b1a - la1;
  // NaN (a value outside the doubles' safe range) fails every comparison below: not sure.
  if (!(Math.abs(numerator) > SIGN_MARGIN * (Math.abs(la0) + Math.abs(b0a)))) return false;
  if (!(Math.abs(denominator) > SIGN_MARGIN * (Math.abs(b1a) + Math.abs(la1)))) return false;
  return numerator < 0 !== denominator < 0;
}

/** The operands of one level's equation: u = (L·MB0 − B0) / (B1 − L·MB1). */
interface LevelOperands {
  readonly level: Dec;
  readonly mb0: Dec;
  readonly mb1: Dec;
  readonly b0: Dec;
  readonly b1: Dec;
  readonly inverse: boolean;
}

/** The exact numerator and denominator (34-digit operations; L = 1 multiplies nothing). */
function levelTerms(o: LevelOperands): { numerator: Dec; denominator: Dec } {
  const levelA0 = o.level === ONE ? o.mb0 : o.level.times(o.mb0);
  const levelA1 = o.level === ONE ? o.mb1 : o.level.times(o.mb1);
  return { numerator: levelA0.minus(o.b0), denominator: o.b1.minus(levelA1) };
}

/**
 * Each operand is read within a few 2^-104 (≈5e-31 with the scaling, doubleDouble.ts) and each
 * double-double product or sum adds 2^-104: a difference is within DD_ERROR·(|x| + |y|) of the exact one.
 */
const DD_ERROR = 1e-29;

/** How much a difference may cancel (|x| + |y| over |x − y|) for its quotient to stay within QUOTIENT_ERROR. */
const MAX_CANCELLATION = QUOTIENT_ERROR / (2 * DD_ERROR) / 10;

/**
 * A level's price from its double-doubles, exact on demand: the same Dec levelTerms + division give,
 * computed only when a tier lookup or a reported figure needs it.
 */
class LevelPrice implements CandidatePrice {
  readonly approx: number;
  private value: Dec | null = null;
  constructor(
    private readonly top: DD,
    private readonly bottom: DD,
    private readonly operands: LevelOperands,
  ) {
    this.approx = top.hi / bottom.hi;
  }
  exact(): Dec {
    if (this.value === null) {
      const { numerator, denominator } = levelTerms(this.operands);
      this.value = this.operands.inverse ? denominator.div(numerator) : numerator.div(denominator);
    }
    return this.value;
  }
  private approxValue: DD | null = null;
  dd(): DD {
    this.approxValue ??= ddDiv(this.top, this.bottom);
    return this.approxValue;
  }
}

/**
 * The level's answer decided on double-doubles: null (no positive price: the signs differ), a
 * LevelPrice, or undefined when a sign or the quotient's precision is in doubt (the caller then takes
 * the exact path, as the reference path always does).
 */
function levelOnDoubles(
  prepared: PreparedGroup,
  line: RequirementLine,
  level: Dec,
  levelDD: DD | null,
  operands: LevelOperands,
): LevelPrice | null | undefined {
  const a0 = (prepared.a0DD ??= ddOrZero(prepared.a0));
  const a1 = (prepared.a1DD ??= ddOrZero(prepared.a1));
  const b0 = (line.b0DD ??= ddOrZero(line.b0));
  const b1 = (line.b1DD ??= ddOrZero(line.b1));
  if (levelDD === null || a0 === null || a1 === null || b0 === null || b1 === null) return undefined;
  const la0 = level === ONE ? a0 : ddMul(levelDD, a0);
  const la1 = level === ONE ? a1 : ddMul(levelDD, a1);
  const numerator = ddAdd(la0, ddNeg(b0));
  const denominator = ddAdd(b1, ddNeg(la1));
  const numeratorSpan = Math.abs(la0.hi) + Math.abs(b0.hi);
  const denominatorSpan = Math.abs(b1.hi) + Math.abs(la1.hi);
  // Not finite, or cancelled so far that the relative precision is gone: decide exactly.
  if (!(Math.abs(numerator.hi) * MAX_CANCELLATION > numeratorSpan)) return undefined;
  if (!(Math.abs(denominator.hi) * MAX_CANCELLATION > denominatorSpan)) return undefined;
  if (numerator.hi < 0 !== denominator.hi < 0) return null;
  return operands.inverse
    ? new LevelPrice(denominator, numerator, operands)
    : new LevelPrice(numerator, denominator, operands);
}

/**
 * Mark price of the group's symbol at which the bucket's requirement / margin balance equals `level`.
 * null when no positive price does (e.g. a long whose collateral covers it entirely).
 */
export function priceAtLevel(
  state: EngineState,
  prepared: PreparedGroup,
  level: Dec,
): CandidatePrice | null {
  const { group, inverse, a0, a1 } = prepared;
  const first = group[0];
  // Options are margined on the underlying, not on their own mark: no closed form here (see state.ts).
  if (!first || first.position.option) return null;
  const linked = prepared.collateral;
  let collateralLine: MarkLine | null = linked.length > 0 ? collateralMarkLine(linked, first.mark) : null;
  let terms: MaintenanceTerms[] = prepared.lastTerms ?? group.map(currentTerms);
  let last: CandidatePrice | null = null;
  const levelApprox = approxNumber(level);
  let levelDD: DD | null | undefined;
  for (let i = 0; i < MAX_TIER_ITERATIONS; i++) {
    // MB(P) = a0 + a1·P (+ the linked collateral's line). a0 and a1 are results of 34-digit
    // operations, so 1 × a is a itself: skip it for the liquidation.
    const mb0 = collateralLine ? a0.plus(collateralLine.intercept) : a0;
    const mb1 = collateralLine ? a1.plus(collateralLine.slope) : a1;
    const key = terms.length === 1 ? terms[0]!.key : terms.map(keyOf).join('|');
    let line = prepared.lines.get(key);
    if (!line) {
      line = requirementLine(prepared, terms);
      prepared.lines.set(key, line);
    }
    const { b0, b1 } = line;
    // No positive price at this level (e.g. a long the balance covers down to 0) is the answer the exact
    // signs below would give; when the doubles already say so beyond doubt, skip the 34-digit products.
    if (!state.exactOnly) {
      const mb0Approx = collateralLine ? approxNumber(mb0) : prepared.a0Approx;
      const mb1Approx = collateralLine ? approxNumber(mb1) : prepared.a1Approx;
      if (surelyNoPriceApprox(levelApprox, mb0Approx, mb1Approx, line.b0Approx, line.b1Approx)) return null;
    }
    // The same signs and quotient on double-doubles when they are beyond doubt (no linked collateral).
    let candidate: CandidatePrice | null | undefined =
      state.exactOnly || collateralLine !== null
        ? undefined
        : levelOnDoubles(prepared, line, level, (levelDD ??= ddOrZero(level)), { mb0, mb1, b0, b1, level, inverse });
    if (candidate === undefined) {
      const { numerator, denominator } = levelTerms({ mb0, mb1, b0, b1, level, inverse });
      if (numerator.isZero() || denominator.isZero() || numerator.isNegative() !== denominator.isNegative())
        return null;
      // P = u (linear) or 1/u (inverse): one division, done only if this iteration settles — a candidate
      // whose tier differs is discarded, and the tier check decides on the double approximation whenever
      // no floor is near it (tiers.ts), so it usually needs no exact value.
      candidate = inverse ? new Quotient(denominator, numerator) : new Quotient(numerator, denominator);
    }
    if (candidate === null) return null;
    last = candidate;
    // Stable when every moving position's tier at the candidate is the one just used.
    const next: MaintenanceTerms[] = [];
    let stable = true;
    for (let k = 0; k < group.length; k++) {
      const t = termsAt(state, group[k]!, candidate);
      if (t.key !== terms[k]!.key) stable = false;
      next.push(t);
    }
    // Value-tiered collateral bends MB at its tier floors: the line must be the one at the candidate.
    let nextLine = collateralLine;
    if (collateralLine !== null && collateralLine.key.split(',').some((k) => k !== '-1')) {
      nextLine = collateralMarkLine(linked, candidate.exact());
      if (nextLine.key !== collateralLine.key) stable = false;
    }
    if (stable) {
      prepared.lastTerms = terms;
      return candidate;
    }
    terms = next;
    collateralLine = nextLine;
  }
  // Tier edge: the tiers alternate around an edge. MM is continuous across edges, so the last price
  // is within the edge's width of the true one; say so rather than hide it.
  state.warn(
    `${first.position.symbol}: liquidation-price tier iteration did not settle; price is approximate near a tier edge`,
  );
  return last;
}

/** Mark price at which the bucket's margin balance reaches zero (bankruptcy). null if none > 0. */
export function bankruptcyPrice(prepared: PreparedGroup): CandidatePrice | null {
  const { inverse, group } = prepared;
  const first = group[0];
  if (!first || first.position.option) return null;
  let { a0, a1 } = prepared;
  if (prepared.collateral.length > 0) {
    // At the collateral tiers of the current mark (value tiers: exact while no floor is crossed).
    const line = collateralMarkLine(prepared.collateral, first.mark);
    a0 = a0.plus(line.intercept);
    a1 = a1.plus(line.slope);
  }
  // a0 + a1·u = 0 ⇒ u = −a0 / a1.
  if (a1.isZero() || a0.isZero() || a0.isNegative() === a1.isNegative()) return null;
  return inverse ? new Quotient(a1.neg(), a0) : new Quotient(a0.neg(), a1);
}
