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

/** Plain decimal string without exponent; "-0" is normalised to "0". */
export function plain(value: Dec): string {
  const s = value.toFixed();
  return s === '-0' ? '0' : s;
}

/** How a venue prints a figure: number of decimals and the rounding mode it uses. */
export interface PrintRule {
  readonly decimals: number;
  readonly mode: 'truncate' | 'half-up';
}

export function printWith(rule: PrintRule, value: Dec): string {
  // One rounding+formatting call (toFixed with a rounding mode), then drop trailing zeros so figures
  // read "0.025", not "0.02500000".
  const fixed = value.toFixed(rule.decimals, rule.mode === 'truncate' ? Dec.ROUND_DOWN : Dec.ROUND_HALF_UP);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Number of decimals written in a decimal string ("64846.98753790" → 8). */
export function decimalsOf(text: string): number {
  const mantissa = text.split(/[eE]/)[0] ?? text;
  const dot = mantissa.indexOf('.');
  const exp = /[eE]([-+]?\d+)/.exec(text);
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, frac - (exp ? Number(exp[1]) : 0));
}
