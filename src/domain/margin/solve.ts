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
  /** a0, a1 and othersRequirement (below) as exact decimals: at once, or on first use (sumsOnDoubles). */
  exactSums: ExactSums | null;
  /**
   * The same sums on double-doubles with their spans (the sum of the terms' magnitudes), when every
   * sum is well conditioned (span ≤ MAX_SUM_CANCELLATION × |sum|); null on the exact path.
   */
  readonly sums: DoubleSums | null;
  /** Tiers at the last solved price: nearby levels usually share them, saving an iteration. */
  lastTerms: MaintenanceTerms[] | null;
  /** MM(u) lines already built, by tier keys: levels usually share tiers. */
  readonly lines: Map<string, RequirementLine>;
  /** a0 and a1 as doubles, read once for every level's sign filter. */
  readonly a0Approx: number;
  readonly a1Approx: number;
  /** a0 and a1 as double-doubles, read on first use (levelOnDoubles) on the exact path. */
  a0Read?: Summed | null;
  a1Read?: Summed | null;
  /**
   * Cross collateral whose price follows this symbol's mark (its current value is already out of a0):
   * its value re-enters MB as a line in P (wrong-way risk). Linear contracts only; see solveGroup.
   */
  readonly collateral: readonly CollateralState[];
  /** The bucket totals the sums start from (for the exact sums on demand). */
  readonly totals: BucketTotals;
}

interface ExactSums {
  /** Requirement (MM + fee) of every position not moving. */
  readonly othersRequirement: Dec;
  /** MB(u) = a0 + a1·u. */
  readonly a0: Dec;
  readonly a1: Dec;
}

/** A double-double sum and the sum of its terms' magnitudes (its error scales with the latter). */
interface Summed {
  readonly value: DD;
  readonly span: number;
}

interface DoubleSums {
  readonly othersRequirement: Summed;
  readonly a0: Summed;
  readonly a1: Summed;
}

/**
 * How far a sum on double-doubles may cancel (span over |sum|) and still stand in for the exact one:
 * each term is read within a few 2^-104 and each addition adds 2^-104 of the span, so with at most
 * MAX_SUMMED_POSITIONS positions a sum is within 1e-30 × span of the 34-digit result (whose own roundings
 * are 5e-34 of the span each); at 50× cancellation that is 5e-29 of the sum: the solver's DD_ERROR
 * bound (below, counted on spans) and the printer's QUOTIENT_ERROR still hold with room to spare.
 */
const MAX_SUM_CANCELLATION = 50;
const MAX_SUMMED_POSITIONS = 4;

/** ddOf of decimals that repeat (bucket totals, quantities, entry values, tier terms): read once. */
const ddRead = new WeakMap<Dec, DD | null>();
function ddShared(value: Dec): DD | null {
  let v = ddRead.get(value);
  if (v === undefined) {
    v = ddOrZero(value);
    ddRead.set(value, v);
  }
  return v;
}

/** Accumulates ± terms on double-doubles with their span; null once a term is unreadable. */
export class DoubleSum {
  value: DD | null;
  span: number;
  constructor(first: DD | null, span = first === null ? 0 : Math.abs(first.hi)) {
    this.value = first;
    this.span = span;
  }
  add(term: DD | null, sign: 1 | -1): void {
    if (this.value === null || term === null) {
      this.value = null;
      return;
    }
    this.value = ddAdd(this.value, sign === 1 ? term : ddNeg(term));
    this.span += Math.abs(term.hi);
  }
  /** The sum when well conditioned (zero only as the sum of nothing), else null. */
  done(): Summed | null {
    const v = this.value;
    if (v === null || !Number.isFinite(v.hi) || !Number.isFinite(this.span)) return null;
    if (this.span === 0) return { value: v, span: 0 };
    // A sum of magnitudes overstates it by at most a factor of 1 + 2^-52 per term: 1.01 covers it.
    if (!(Math.abs(v.hi) * MAX_SUM_CANCELLATION > this.span * 1.01)) return null;
    return { value: v, span: this.span * 1.01 };
  }
}

/** The exact sums (the reference path's, and every fallback's). */
function sumExactly(
  totals: BucketTotals,
  group: readonly PositionState[],
  collateral: readonly CollateralState[],
): ExactSums {
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
  return { othersRequirement, a0, a1 };
}

/** The same sums on double-doubles (no linked collateral), or null when one is ill conditioned. */
function sumsOnDoubles(totals: BucketTotals, group: readonly PositionState[]): DoubleSums | null {
  if (group.length > MAX_SUMMED_POSITIONS) return null;
  const a0 = new DoubleSum(ddShared(totals.balance));
  const a1 = new DoubleSum({ hi: 0, lo: 0 });
  const others = new DoubleSum(ddShared(totals.requirement));
  for (const p of group) {
    a0.add(ddOrZero(p.upnl), -1);
    others.add(ddOrZero(p.maintenance), -1);
    if (!p.fee.isZero()) others.add(ddOrZero(p.fee), -1);
    const entryValue = ddShared(p.entryValue);
    const qty = ddShared(p.qty);
    if (p.inverse) {
      a0.add(entryValue, p.sign);
      a1.add(qty, p.sign === 1 ? -1 : 1);
    } else {
      a0.add(entryValue, p.sign === 1 ? -1 : 1);
      a1.add(qty, p.sign);
    }
  }
  const sums = { a0: a0.done(), a1: a1.done(), othersRequirement: others.done() };
  if (sums.a0 === null || sums.a1 === null || sums.othersRequirement === null) return null;
  // A sum of nothing is zero exactly only for a1 of an empty group: not a group the solver sees.
  if (sums.a0.span === 0 || sums.a1.span === 0) return null;
  return sums as DoubleSums;
}

/** The exact sums, computed on first use on the double-double path. */
export function exactSumsOf(prepared: PreparedGroup): ExactSums {
  prepared.exactSums ??= sumExactly(prepared.totals, prepared.group, prepared.collateral);
  return prepared.exactSums;
}

/**
 * Takes the moving positions out of the bucket totals and builds MB(u) (independent of tiers). The
 * bucket's margin balance and requirement come in computed once per bucket, not once per symbol. Off
 * the reference path and without linked collateral the sums are taken on double-doubles, the exact
 * ones only when a decision or a figure needs them.
 */
export function prepareGroup(
  totals: BucketTotals,
  group: readonly PositionState[],
  collateral: readonly CollateralState[] = [],
  exactOnly = false,
): PreparedGroup {
  const sums = exactOnly || collateral.length > 0 ? null : sumsOnDoubles(totals, group);
  const exactSums = sums === null ? sumExactly(totals, group, collateral) : null;
  return {
    group,
    inverse: group[0]?.inverse ?? false,
    exactSums,
    sums,
    lastTerms: null,
    lines: new Map(),
    a0Approx: sums ? sums.a0.value.hi : approxNumber(exactSums!.a0),
    a1Approx: sums ? sums.a1.value.hi : approxNumber(exactSums!.a1),
    collateral,
    totals,
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
  readonly terms: readonly MaintenanceTerms[];
  readonly b0Approx: number;
  readonly b1Approx: number;
  /** b0 and b1 on double-doubles with their spans, when the group's sums are (sumsOnDoubles). */
  readonly sums: { readonly b0: Summed; readonly b1: Summed } | null;
  /** The exact b0 and b1: at once, or on first use (exactLine). */
  exact: { readonly b0: Dec; readonly b1: Dec } | null;
  b0Read?: Summed | null;
  b1Read?: Summed | null;
}

/** B0 and B1 of MM(u) for the moving positions with the given tiers, exactly. */
function lineExactly(prepared: PreparedGroup, terms: readonly MaintenanceTerms[]): { b0: Dec; b1: Dec } {
  let b0 = exactSumsOf(prepared).othersRequirement;
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
  return { b0, b1: b1 ?? ZERO };
}

function exactLine(prepared: PreparedGroup, line: RequirementLine): { b0: Dec; b1: Dec } {
  line.exact ??= lineExactly(prepared, line.terms);
  return line.exact;
}

/** The same line on double-doubles (no entry-valued maintenance), or null when ill conditioned. */
function lineOnDoubles(
  sums: DoubleSums,
  group: readonly PositionState[],
  terms: readonly MaintenanceTerms[],
): RequirementLine['sums'] {
  const b0 = new DoubleSum(sums.othersRequirement.value, sums.othersRequirement.span);
  const b1 = new DoubleSum({ hi: 0, lo: 0 });
  for (let i = 0; i < group.length; i++) {
    const p = group[i]!;
    const t = terms[i]!;
    if (p.valueAt === 'entry') return null;
    b0.add(ddShared(t.amount), -1);
    // Rates and fee rates are non-negative: their sum and the product cancel nothing.
    const tierRate = ddShared(t.rate);
    const feeRate = p.feeRate === ZERO ? null : ddOrZero(p.feeRate);
    const rate = feeRate === null ? tierRate : tierRate === null ? null : ddAdd(tierRate, feeRate);
    const qty = ddShared(p.qty);
    b1.add(rate === null || qty === null ? null : ddMul(qty, rate), 1);
  }
  const line = { b0: b0.done(), b1: b1.done() };
  return line.b0 === null || line.b1 === null ? null : (line as { b0: Summed; b1: Summed });
}

/** B0 and B1 of MM(u) for the moving positions with the given tiers. */
function requirementLine(prepared: PreparedGroup, terms: readonly MaintenanceTerms[]): RequirementLine {
  const sums = prepared.sums === null ? null : lineOnDoubles(prepared.sums, prepared.group, terms);
  const exact = sums === null ? lineExactly(prepared, terms) : null;
  return {
    terms,
    sums,
    exact,
    b0Approx: sums ? sums.b0.value.hi : approxNumber(exact!.b0),
    b1Approx: sums ? sums.b1.value.hi : approxNumber(exact!.b1),
  };
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
 * Each operand is read within a few 2^-104 (≈5e-31 with the scaling, doubleDouble.ts), or summed within
 * 1e-30 of its span (sumsOnDoubles), and each double-double product or sum adds 2^-104: a difference is
 * within DD_ERROR·(span of x + span of y) of the exact one (a span is |x| for an operand read whole).
 */
const DD_ERROR = 1e-29;

/** How much a difference may cancel (|x| + |y| over |x − y|) for its quotient to stay within QUOTIENT_ERROR. */
const MAX_CANCELLATION = QUOTIENT_ERROR / (2 * DD_ERROR) / 10;

/**
 * A price from double-doubles within QUOTIENT_ERROR of the exact quotient, exact on demand (the same
 * Dec operations the reference path does), computed only when a tier lookup or a reported figure needs
 * it: a level's price (line and level given) or the bankruptcy price (neither).
 */
class DoublePrice implements CandidatePrice {
  readonly approx: number;
  private value: Dec | null = null;
  private approxValue: DD | null = null;
  constructor(
    private readonly top: DD,
    private readonly bottom: DD,
    private readonly prepared: PreparedGroup,
    private readonly line: RequirementLine | null,
    private readonly level: Dec,
  ) {
    this.approx = top.hi / bottom.hi;
  }
  exact(): Dec {
    if (this.value === null) {
      const { prepared, line } = this;
      if (line === null) {
        const { a0, a1 } = exactSumsOf(prepared);
        this.value = prepared.inverse ? a1.neg().div(a0) : a0.neg().div(a1);
      } else {
        const { numerator, denominator } = levelTerms(levelOperands(prepared, line, null, this.level));
        this.value = prepared.inverse ? denominator.div(numerator) : numerator.div(denominator);
      }
    }
    return this.value;
  }
  dd(): DD {
    this.approxValue ??= ddDiv(this.top, this.bottom);
    return this.approxValue;
  }
}

/** An exact operand read whole as a double-double: its span is itself. */
function readWhole(value: Dec): Summed | null {
  const dd = ddOrZero(value);
  return dd === null ? null : { value: dd, span: Math.abs(dd.hi) };
}

/**
 * The level's answer decided on double-doubles: null (no positive price: the signs differ), a
 * DoublePrice, or undefined when a sign or the quotient's precision is in doubt (the caller then takes
 * the exact path, as the reference path always does).
 */
function levelOnDoubles(
  prepared: PreparedGroup,
  line: RequirementLine,
  level: Dec,
  levelDD: DD | null,
): DoublePrice | null | undefined {
  if (levelDD === null) return undefined;
  const sums = prepared.sums;
  const lineSums = line.sums;
  const a0 = sums ? sums.a0 : (prepared.a0Read ??= readWhole(exactSumsOf(prepared).a0));
  const a1 = sums ? sums.a1 : (prepared.a1Read ??= readWhole(exactSumsOf(prepared).a1));
  const b0 = lineSums ? lineSums.b0 : (line.b0Read ??= readWhole(exactLine(prepared, line).b0));
  const b1 = lineSums ? lineSums.b1 : (line.b1Read ??= readWhole(exactLine(prepared, line).b1));
  if (a0 === null || a1 === null || b0 === null || b1 === null) return undefined;
  const la0 = level === ONE ? a0.value : ddMul(levelDD, a0.value);
  const la1 = level === ONE ? a1.value : ddMul(levelDD, a1.value);
  const numerator = ddAdd(la0, ddNeg(b0.value));
  const denominator = ddAdd(b1.value, ddNeg(la1));
  const levelSize = level === ONE ? 1 : Math.abs(levelDD.hi) * (1 + 2 ** -50);
  const numeratorSpan = levelSize * a0.span + b0.span;
  const denominatorSpan = b1.span + levelSize * a1.span;
  // Not finite, or cancelled so far that the relative precision is gone: decide exactly.
  if (!(Math.abs(numerator.hi) * MAX_CANCELLATION > numeratorSpan)) return undefined;
  if (!(Math.abs(denominator.hi) * MAX_CANCELLATION > denominatorSpan)) return undefined;
  if (numerator.hi < 0 !== denominator.hi < 0) return null;
  return prepared.inverse
    ? new DoublePrice(denominator, numerator, prepared, line, level)
    : new DoublePrice(numerator, denominator, prepared, line, level);
}

/** The exact operands of one level's equation (MB with the linked collateral's line, if any). */
function levelOperands(
  prepared: PreparedGroup,
  line: RequirementLine,
  collateral: MarkLine | null,
  level: Dec,
): LevelOperands {
  // a0 and a1 are results of 34-digit operations, so 1 × a is a itself: levelTerms skips it at L = 1.
  const { a0, a1 } = exactSumsOf(prepared);
  const { b0, b1 } = exactLine(prepared, line);
  const mb0 = collateral ? a0.plus(collateral.intercept) : a0;
  const mb1 = collateral ? a1.plus(collateral.slope) : a1;
  return { mb0, mb1, b0, b1, level, inverse: prepared.inverse };
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
  const { group, inverse } = prepared;
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
    const key = terms.length === 1 ? terms[0]!.key : terms.map(keyOf).join('|');
    let found = prepared.lines.get(key);
    if (!found) {
      found = requirementLine(prepared, terms);
      prepared.lines.set(key, found);
    }
    const line = found;
    const lineCollateral = collateralLine;
    // MB(P) = a0 + a1·P (+ the linked collateral's line), exactly, only when a decision or figure needs it.
    let operands = state.exactOnly || lineCollateral ? levelOperands(prepared, line, lineCollateral, level) : null;
    // No positive price at this level (e.g. a long the balance covers down to 0) is the answer the exact
    // signs below would give; when the doubles already say so beyond doubt, skip the 34-digit products.
    if (!state.exactOnly) {
      const mb0Approx = operands && lineCollateral ? approxNumber(operands.mb0) : prepared.a0Approx;
      const mb1Approx = operands && lineCollateral ? approxNumber(operands.mb1) : prepared.a1Approx;
      if (surelyNoPriceApprox(levelApprox, mb0Approx, mb1Approx, line.b0Approx, line.b1Approx)) return null;
    }
    // The same signs and quotient on double-doubles when they are beyond doubt (no linked collateral).
    let candidate: CandidatePrice | null | undefined =
      state.exactOnly || lineCollateral !== null
        ? undefined
        : levelOnDoubles(prepared, line, level, (levelDD ??= ddOrZero(level)));
    if (candidate === undefined) {
      operands ??= levelOperands(prepared, line, lineCollateral, level);
      const { numerator, denominator } = levelTerms(operands);
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
  const sums = prepared.sums;
  if (sums !== null) {
    // Well conditioned sums (sumsOnDoubles): non-zero, their signs certain, within 5e-29 of the exact.
    const a0 = sums.a0.value;
    const a1 = sums.a1.value;
    if (a0.hi < 0 === a1.hi < 0) return null;
    return inverse
      ? new DoublePrice(ddNeg(a1), a0, prepared, null, ZERO)
      : new DoublePrice(ddNeg(a0), a1, prepared, null, ZERO);
  }
  let { a0, a1 } = exactSumsOf(prepared);
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
