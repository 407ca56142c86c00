// Printing a figure from a double that is known to lie within a stated distance of the engine's exact
// 34-digit value, without computing that value: a venue prints 8 decimals, so the printed text only
// depends on which side of the nearest print boundary (truncation: a whole unit of the last decimal;
// half-up: half a unit) the value falls. When the double and its error bound sit on one side, the
// text is the one printWith would write for the exact value; otherwise the caller computes the exact
// value (null here). Used for quotients that are printed and nothing else (trigger and bankruptcy
// prices, the distance to liquidation): a 34-digit division costs 2–5 µs, this a few ns.
import { type PrintRule, fromScaled } from './decimal';

/**
 * How far (relative) a CandidatePrice's double may be from its exact value: approxNumber is within
 * ~9e-16 of each operand of a quotient and the division adds half an ulp (≈2.2e-15 in all); nine
 * times that to spare.
 */
export const CANDIDATE_ERROR = 2e-14;

/** Doubles hold integers exactly up to 2^53; stay a factor 2 below. */
const MAX_SCALED = 2 ** 52;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

/**
 * printWith(rule, V) for any V with |V − approx| ≤ error, or null when that interval straddles a print
 * boundary (or the figure is beyond the doubles' exact integers). `error` must bound every rounding
 * that made `approx`; the scaling here adds its own (counted below).
 */
export function printApprox(rule: PrintRule, approx: number, error: number): string | null {
  const unit = POW10[rule.decimals];
  if (unit === undefined) return null;
  const scaled = Math.abs(approx) * unit;
  if (!(scaled < MAX_SCALED) || !(error >= 0)) return null; // NaN fails both
  // The scaling's rounding is at most half an ulp of `scaled` (2^-53 relative); count 4 ulps.
  const margin = error * unit + scaled * 2 ** -50;
  const whole = Math.floor(scaled);
  const fraction = scaled - whole; // exact: both operands are doubles of the same binade or whole = 0
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
  return fromScaled(String(digits), rule.decimals, approx < 0);
}
