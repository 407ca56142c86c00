// Printing a figure from a double-double (doubleDouble.ts) known to lie within a stated distance of the
// engine's exact 34-digit value, without computing that value: a venue prints 8 decimals, so the text
// only depends on which side of the nearest print boundary (truncation: a whole unit of the last
// decimal; half-up: half a unit) the value falls. When the approximation and its error bound sit on
// one side, the text is the one printWith writes for the exact value; otherwise null and the caller
// computes the exact value, as the reference path always does. Used for quotients that are printed and
// nothing else (liquidation, trigger and bankruptcy prices, the distance to liquidation): a 34-digit
// division costs 2–5 µs, this well under one.
import { type PrintRule, fromScaled } from './decimal';
import type { DD } from './doubleDouble';

/**
 * How far (relative) a double-double quotient of two Decs may be from the exact 34-digit quotient:
 * each operand is read within a few units of 2^-104 (≈5e-32), the division adds as much and the
 * 34-digit rounding 5e-34; 1e-27 leaves four orders of magnitude to spare and still decides every
 * figure that is not within 1e-27 of a print boundary (in practice: exactly on one).
 */
export const QUOTIENT_ERROR = 1e-27;

/** Doubles hold integers exactly up to 2^53 (and ⌊hi⌋ + 1 must be one); stay a factor 2 below. */
const MAX_SCALED = 2 ** 52;
const UNITS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
/** Dekker's split constant 2^27 + 1, and each unit's high half (units up to 1e12 split exactly). */
const SPLITTER = 134217729;
const UNIT_HIGH = UNITS.map((u) => {
  const c = SPLITTER * u;
  return c - (c - u);
});

/**
 * printWith(rule, V) for any V with |V − value| ≤ error, or null when that interval may straddle a
 * print boundary (or the figure is beyond the doubles' exact integers). `error` must bound every
 * rounding that made `value`; the scaling and the fraction here add their own (counted below).
 */
export function printApprox(rule: PrintRule, value: DD, error: number): string | null {
  const unit = UNITS[rule.decimals];
  if (unit === undefined || !(error >= 0)) return null;
  const negative = value.hi < 0;
  const hi = negative ? -value.hi : value.hi;
  if (!(hi >= 0 && hi < MAX_SCALED)) return null; // NaN fails too
  // Whole part and fraction apart, so figures whose scaled digits pass 2^53 (8 decimals from ~4.5e7 up)
  // are decided too: hi − ⌊hi⌋ is exact and twoSum keeps (hi − ⌊hi⌋) + lo exact as fracHi + fracLo.
  let int = Math.floor(hi);
  const headHi = hi - int;
  const lo = negative ? -value.lo : value.lo;
  const fracHi = headHi + lo;
  const back = fracHi - headHi;
  const fracLo = headHi - (fracHi - back) + (lo - back);
  // fracHi × unit as a double + its exact rounding error + fracLo·unit, without allocating
  // (Dekker's product, as doubleDouble.ts's twoProd, with the unit's split precomputed).
  const product = fracHi * unit;
  const split = SPLITTER * fracHi;
  const hiHigh = split - (split - fracHi);
  const hiLow = fracHi - hiHigh;
  const unitHigh = UNIT_HIGH[rule.decimals]!;
  const unitLow = unit - unitHigh;
  const productError = hiHigh * unitHigh - product + hiHigh * unitLow + hiLow * unitHigh + hiLow * unitLow;
  let whole = Math.floor(product);
  // |product| is below 2·unit: product − whole rounds by at most 2^-53 (exact when product ≥ 0), and
  // adding the low parts by as much (the fraction is below 2).
  let fraction = product - whole + (productError + fracLo * unit);
  if (fraction < 0) {
    whole -= 1;
    fraction += 1;
  } else if (fraction >= 1) {
    whole += 1;
    fraction -= 1;
  }
  // The scaling is within 2^-104 relative and the fraction's own roundings a few 2^-53: 2^-48 covers
  // them all.
  const margin = error * unit + 2 ** -48;
  let digits: number;
  if (rule.mode === 'truncate') {
    // Boundaries at every whole unit: [whole, whole + 1) must hold the whole interval.
    if (!(fraction > margin && fraction < 1 - margin)) return null;
    digits = whole;
  } else {
    // Half-up on the magnitude: the only boundary is whole + ½ (either side of a whole unit rounds alike).
    if (!(Math.abs(fraction - 0.5) > margin)) return null;
    digits = fraction > 0.5 ? whole + 1 : whole;
  }
  // digits are the printed decimals of the fraction, in [−1, unit + 1]: carry into the whole part.
  while (digits < 0) {
    int -= 1;
    digits += unit;
  }
  while (digits >= unit) {
    int += 1;
    digits -= unit;
  }
  if (int < 0) return null;
  const scaledInt = int * unit;
  const scaled =
    scaledInt < MAX_SCALED ? String(scaledInt + digits) : String(int) + String(digits).padStart(rule.decimals, '0');
  return fromScaled(scaled, rule.decimals, negative);
}
