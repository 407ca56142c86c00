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

const PARTS_RE = /^-?(\d+)(?:\.(\d+))?(?:[eE]([-+]?)(\d+))?$/;

export interface DecimalShape {
  zero: boolean;
  /** Exponent of the leading digit (1234.5 → 3, 0.01 → −2); 0 for zero. */
  magnitude: number;
  significantDigits: number;
}

/** Reads a decimal string's magnitude and digit count without building a number; null if not a decimal. */
export function decimalShape(text: string): DecimalShape | null {
  const m = PARTS_RE.exec(text);
  if (!m) return null;
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  const expDigits = (m[4] ?? '0').replace(/^0+(?=\d)/, '');
  // An exponent this long is out of range whatever the mantissa: no need to read it as a number.
  const sign = m[3] === '-' ? -1 : 1;
  const exp = sign * (expDigits.length > 6 ? Number.POSITIVE_INFINITY : Number(expDigits));
  const digits = int + frac;
  const first = digits.search(/[1-9]/);
  if (first < 0) return { zero: true, magnitude: 0, significantDigits: 0 };
  const last = digits.length - 1 - [...digits].reverse().join('').search(/[1-9]/);
  const magnitude = int.length - 1 - first + exp;
  return { zero: false, magnitude, significantDigits: last - first + 1 };
}

/** Why `text` is outside the engine's range, or null when it is inside. */
export function decimalOutOfRange(text: string, positive = false): string | null {
  if (text.length > MAX_DECIMAL_LENGTH) return `is longer than ${MAX_DECIMAL_LENGTH} characters`;
  const shape = decimalShape(text);
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
