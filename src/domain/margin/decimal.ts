// Exact decimal arithmetic for money. One configured constructor so every module rounds alike.
import DecimalJs from 'decimal.js';

/** 34 significant digits (IEEE decimal128): far beyond any venue's printed precision. */
export const Dec = DecimalJs.clone({
  precision: 34,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 60,
});
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);
export const ONE = new Dec(1);

export function dec(value: string | number | Dec): Dec {
  return new Dec(value);
}

const MAX_SHARED = 4096;
const shared = new Map<string, Dec>();

/**
 * One Dec per distinct string for reference data that repeats across positions and snapshots
 * (leverage, contract size, fee rates): read once, not once per position. Decimals are immutable, so
 * sharing one is the same as building a new one from the same string.
 */
export function sharedDec(text: string): Dec {
  let value = shared.get(text);
  if (value === undefined) {
    if (shared.size >= MAX_SHARED) shared.clear();
    value = new Dec(text);
    shared.set(text, value);
  }
  return value;
}

type Operation = 'times' | 'div';
const results = { times: new Map<Dec, Map<Dec, Dec>>(), div: new Map<Dec, Map<Dec, Dec>>() };
let resultCount = 0;

/**
 * a × b or a / b for operands from sharedDec (or earlier results of this), computed once per pair of
 * objects: a position's quantity (size × contract size) and entry value repeat across an account's
 * snapshots. Decimals are immutable, so the cached result is the one the operation would build again.
 */
export function sharedResult(operation: Operation, a: Dec, b: Dec): Dec {
  const byA = results[operation];
  let byB = byA.get(a);
  let value = byB?.get(b);
  if (value === undefined) {
    if (resultCount >= MAX_SHARED) {
      results.times.clear();
      results.div.clear();
      resultCount = 0;
      byB = undefined;
    }
    value = operation === 'times' ? a.times(b) : a.div(b);
    if (byB === undefined) {
      byB = new Map();
      byA.set(a, byB);
    }
    byB.set(b, value);
    resultCount++;
  }
  return value;
}

/** Plain decimal string without exponent; "-0" is normalised to "0". */
export function plain(value: Dec): string {
  const s = value.toFixed();
  return s === '-0' ? '0' : s;
}

/**
 * A double within a few ulps (≈1e-15 relative) of `value`, read straight from decimal.js's base-1e7
 * digit words (documented read-only properties d, e, s) — no string round trip. For cheap DECISIONS
 * only (never a printed or stored figure): callers must fall back to exact decimals whenever the
 * decision is within a wide margin of its threshold. NaN when the value is outside a safe double range.
 */
/** How many decimal digits a base-1e7 word of decimal.js has, not counting leading zeros (1…7). */
export function wordDigits(word: number): number {
  return word >= 1e6
    ? 7
    : word >= 1e5
      ? 6
      : word >= 1e4
        ? 5
        : word >= 1e3
          ? 4
          : word >= 100
            ? 3
            : word >= 10
              ? 2
              : 1;
}

export function approxNumber(value: Dec): number {
  const d = value.d;
  if (!d || d.length === 0) return Number.NaN;
  const lead = d[0]!;
  const digitsBeforeLead = wordDigits(lead) - 1;
  const exponent = value.e - digitsBeforeLead;
  if (exponent > 280 || exponent < -280) return Number.NaN;
  // Four words hold ≥ 22 significant digits: the digits dropped are far below a double's precision.
  const mantissa = lead + (d[1] ?? 0) / 1e7 + (d[2] ?? 0) / 1e14 + (d[3] ?? 0) / 1e21;
  return value.s * mantissa * 10 ** exponent;
}

/** How a venue prints a figure: number of decimals and the rounding mode it uses. */
export interface PrintRule {
  readonly decimals: number;
  readonly mode: 'truncate' | 'half-up';
}

export function printWith(rule: PrintRule, value: Dec): string {
  // Round the coefficient digits ourselves, reading only as many of decimal.js's base-1e7 words (the
  // documented read-only d, e, s) as the printed decimals reach: toFixed(decimals, mode) builds a
  // second Decimal and the full digit string, and a report prints ~8 figures per position. Same result
  // by construction: truncation drops digits; half-up adds one unit at the last kept decimal when the
  // first dropped digit is ≥ 5 (on the magnitude, i.e. away from zero). Checked against toFixed in
  // test/unit/margin/print.test.ts.
  const words = value.d;
  if (!words || words.length === 0) return plainRounded(rule, value); // not finite: never from the engine
  if (words[0] === 0) return '0';
  if (value.e + rule.decimals <= 14) return printSmall(rule, words, value.e, value.s < 0);
  // Coefficient digits 0.c₀c₁c₂… × 10^(e+1): `kept` of them reach the last printed decimal.
  const kept = value.e + 1 + rule.decimals;
  let digits = String(words[0]);
  for (let i = 1; digits.length <= kept && i < words.length; i++) {
    const word = String(words[i]);
    digits += ZEROS.slice(word.length) + word;
  }
  let scaled =
    kept <= 0
      ? ''
      : digits.length >= kept
        ? digits.slice(0, kept)
        : digits + '0'.repeat(kept - digits.length);
  if (rule.mode === 'half-up' && kept >= 0 && kept < digits.length && digits.charCodeAt(kept) >= 53) {
    scaled = incrementDigits(scaled); // '5'
  }
  return fromScaled(scaled, rule.decimals, value.s < 0);
}

const ZEROS = '0000000';
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14];

/**
 * printWith for figures whose printed digits number at most 15 (value below 10^(15 − decimals)): the
 * digits kept are summed as one integer (exact: below 10^15 < 2^53) instead of joined as strings, and
 * the first dropped digit decides half-up. Each base-1e7 word covers seven powers of ten; `shift` is
 * the power, in units of the last printed decimal, of the word's last digit.
 */
function printSmall(rule: PrintRule, words: number[], e: number, negative: boolean): string {
  const lead = words[0]!;
  const leadDigits = wordDigits(lead);
  let shift = e - (leadDigits - 1) + rule.decimals;
  let kept = 0;
  let dropped = 0; // the first digit below the last printed decimal
  for (let i = 0; i < words.length; i++, shift -= 7) {
    const word = words[i]!;
    if (shift >= 0) {
      kept += word * POW10[shift]!;
      continue;
    }
    // This word holds the last printed decimal's neighbour below (at power −1) if it reaches it.
    if (shift + 6 >= -1) {
      const below = -shift; // digits of this word under the unit
      kept += Math.floor(word / POW10[below]!);
      dropped = Math.floor(word / POW10[below - 1]!) % 10;
    }
    break;
  }
  if (rule.mode === 'half-up' && dropped >= 5) kept += 1;
  if (kept === 0) return '0'; // "-0" is never written
  return fromScaled(String(kept), rule.decimals, negative);
}

/** "12345" with 2 decimals → "123.45"; trailing zeros trimmed, "-0" never written. */
export function fromScaled(scaled: string, decimals: number, negative: boolean): string {
  let end = scaled.length;
  let trimmed = 0;
  while (trimmed < decimals && end > 0 && scaled.charCodeAt(end - 1) === 48) {
    end--;
    trimmed++;
  }
  if (end === 0) return '0';
  const fraction = decimals - trimmed;
  let text: string;
  if (fraction === 0) text = scaled.slice(0, end);
  else if (end > fraction) text = `${scaled.slice(0, end - fraction)}.${scaled.slice(end - fraction, end)}`;
  else text = `0.${'0'.repeat(fraction - end)}${scaled.slice(0, end)}`;
  return negative ? `-${text}` : text;
}

/** The toFixed path, for values the digit reader does not handle (non-finite). */
function plainRounded(rule: PrintRule, value: Dec): string {
  const fixed = value.toFixed(rule.decimals, rule.mode === 'truncate' ? Dec.ROUND_DOWN : Dec.ROUND_HALF_UP);
  return trimZeros(fixed);
}

/** "12.50" → "12.5", "3.000" → "3", "-0.0" → "0": figures read "0.025", not "0.02500000". */
function trimZeros(fixed: string): string {
  let end = fixed.length;
  if (fixed.includes('.')) {
    while (fixed.charCodeAt(end - 1) === 48) end--; // '0'
    if (fixed.charCodeAt(end - 1) === 46) end--; // '.'
  }
  const trimmed = end === fixed.length ? fixed : fixed.slice(0, end);
  return trimmed === '-0' ? '0' : trimmed;
}

/** Adds one to a string of digits, carrying left: "129" → "130", "99" → "100", "" → "1". */
function incrementDigits(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits.charCodeAt(i) === 57) i--; // '9'
  const zeros = '0'.repeat(digits.length - 1 - i);
  if (i < 0) return `1${zeros}`;
  return `${digits.slice(0, i)}${String.fromCharCode(digits.charCodeAt(i) + 1)}${zeros}`;
}

/** Number of decimals written in a decimal string ("64846.98753790" → 8). */
export function decimalsOf(text: string): number {
  const mantissa = text.split(/[eE]/)[0] ?? text;
  const dot = mantissa.indexOf('.');
  const exp = /[eE]([-+]?\d+)/.exec(text);
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, frac - (exp ? Number(exp[1]) : 0));
}
