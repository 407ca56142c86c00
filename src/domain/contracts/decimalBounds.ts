// The range of decimal strings the engine computes exactly. decimal.js itself accepts exponents up to
// ±9e15, where its arithmetic returns NaN/Infinity or takes minutes ("1e10000000" printed 150 MB);
// venues never send anything near that. These bounds are checked on the text, before any decimal
// is built, so an absurd input costs no more than reading it.

/** |x| < 10^MAX_EXPONENT_EXCLUSIVE. */
export const MAX_MAGNITUDE_EXPONENT = 30;
/** A non-zero value is at least 10^MIN_EXPONENT in magnitude. */
export const MIN_MAGNITUDE_EXPONENT = -30;
/** Positive quantities (sizes, prices, leverage, contract size) are at least 10^-18. */
export const MIN_POSITIVE_EXPONENT = -18;
/** The engine works with 34 significant digits (decimal128, src/domain/margin/decimal.ts). */
export const MAX_SIGNIFICANT_DIGITS = 34;
/** No venue prints a number this long; longer text is refused before it is read digit by digit. */
export const MAX_DECIMAL_LENGTH = 100;

export interface DecimalShape {
  zero: boolean;
  /** Exponent of the leading digit (1234.5 → 3, 0.01 → −2); 0 for zero. */
  magnitude: number;
  significantDigits: number;
}

const ZERO_SHAPE: DecimalShape = Object.freeze({ zero: true, magnitude: 0, significantDigits: 0 });
const isDigit = (c: number): boolean => c >= 48 && c <= 57; // '0'..'9'

/**
 * Reads a decimal string's magnitude and digit count without building a number; null if not a decimal
 * (`-?digits(.digits)?([eE][-+]?digits)?`). One pass over the characters: every number of every snapshot
 * comes through here, so no regex or intermediate strings.
 */
export function decimalShape(text: string): DecimalShape | null {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  if (intEnd === intStart) return null;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && text.charCodeAt(i) === 46) {
    // '.'
    fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    fracEnd = i;
    if (fracEnd === fracStart) return null;
  }
  let exp = 0;
  if (i < n) {
    const e = text.charCodeAt(i);
    if (e !== 101 && e !== 69) return null; // 'e' 'E'
    i++;
    let sign = 1;
    const s = text.charCodeAt(i);
    if (s === 45 || s === 43) {
      sign = s === 45 ? -1 : 1;
      i++;
    }
    const expStart = i;
    while (i < n && text.charCodeAt(i) === 48) i++; // leading zeros do not count
    const significantStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i !== n || i === expStart) return null;
    // An exponent this long is out of range whatever the mantissa: no need to read it as a number.
    exp =
      i - significantStart > 6
        ? sign * Number.POSITIVE_INFINITY
        : i === significantStart
          ? 0
          : sign * Number(text.slice(significantStart, i));
  }
  // Digits run over the integer then the fraction part; k counts them, skipping the dot between.
  const intLength = intEnd - intStart;
  const total = intLength + (fracEnd - fracStart);
  let first = 0;
  while (first < total && digitAt(text, intStart, intLength, fracStart, first) === 48) first++;
  if (first === total) return ZERO_SHAPE;
  let last = total - 1;
  while (digitAt(text, intStart, intLength, fracStart, last) === 48) last--;
  return { zero: false, magnitude: intLength - 1 - first + exp, significantDigits: last - first + 1 };
}

/** The k-th digit's char code (a top-level function: a closure per call costs more than the scan). */
function digitAt(text: string, intStart: number, intLength: number, fracStart: number, k: number): number {
  return text.charCodeAt(k < intLength ? intStart + k : fracStart + k - intLength);
}

/** Why `text` is outside the engine's range, or null when it is inside. */
export function decimalOutOfRange(text: string, positive = false): string | null {
  if (text.length > MAX_DECIMAL_LENGTH) return `is longer than ${MAX_DECIMAL_LENGTH} characters`;
  return shapeOutOfRange(decimalShape(text), positive);
}

/** decimalOutOfRange on a shape already read (text no longer than MAX_DECIMAL_LENGTH). */
function shapeOutOfRange(shape: DecimalShape | null, positive: boolean): string | null {
  if (!shape || shape.zero) return null; // the format check reports non-decimals; zero is in range
  if (shape.magnitude >= MAX_MAGNITUDE_EXPONENT)
    return `is out of range: the magnitude must be below 1e${MAX_MAGNITUDE_EXPONENT}`;
  const floor = positive ? MIN_POSITIVE_EXPONENT : MIN_MAGNITUDE_EXPONENT;
  if (shape.magnitude < floor)
    return positive
      ? `is out of range: must be at least 1e${MIN_POSITIVE_EXPONENT}`
      : `is out of range: a non-zero value must be at least 1e${MIN_MAGNITUDE_EXPONENT} in magnitude`;
  if (shape.significantDigits > MAX_SIGNIFICANT_DIGITS)
    return `has more than ${MAX_SIGNIFICANT_DIGITS} significant digits`;
  return null;
}

export const DECIMAL_FORMAT_PROBLEM = 'must be a decimal string such as "123.45"';

/** Which decimals a field takes: any in range, not negative, or greater than zero. */
export type DecimalSign = 'any' | 'nonNegative' | 'positive';

/**
 * Everything the contract checks on one decimal input, in one pass and in the order the checks are
 * documented (format, then range, then sign), or null when it is acceptable. The first problem found is
 * the one reported, so one function gives the same message a chain of separate checks would.
 */
export function decimalInputProblem(text: string, sign: DecimalSign): string | null {
  const shape = decimalShape(text);
  if (shape === null) return DECIMAL_FORMAT_PROBLEM;
  if (text.length > MAX_DECIMAL_LENGTH) return `is longer than ${MAX_DECIMAL_LENGTH} characters`;
  const range = shapeOutOfRange(shape, sign === 'positive');
  if (range !== null) return range;
  if (sign === 'any') return null;
  const negative = text.charCodeAt(0) === 45; // '-'
  if (sign === 'nonNegative') return negative ? 'must not be negative' : null;
  return negative || shape.zero ? 'must be greater than zero' : null;
}
