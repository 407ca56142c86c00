// Double-double numbers (hi + lo, two doubles, ~32 significant digits; Dekker/Knuth error-free
// transformations) for the figures that are only printed: their 8 printed decimals are decided from
// a value within ~1e-30 (relative) of the engine's 34-digit result, far cheaper than a 34-digit
// division. Never a stored figure: see printApprox.ts for how a printed text is proven equal.
import { wordDigits, type Dec } from './decimal';

export interface DD {
  readonly hi: number;
  readonly lo: number;
}

/** Dekker's split constant 2^27 + 1. */
const SPLITTER = 134217729;
/** 1e7 (a digit word's scale) split as twoProd splits it. */
const WORD_SPLIT = SPLITTER * 1e7;
const WORD_HIGH = WORD_SPLIT - (WORD_SPLIT - 1e7);
const WORD_LOW = 1e7 - WORD_HIGH;

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

export function ddAdd(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  const u = quickTwoSum(s.hi, s.lo + t.hi);
  return quickTwoSum(u.hi, u.lo + t.lo);
}

export function ddNeg(a: DD): DD {
  return { hi: -a.hi, lo: -a.lo };
}

export function ddMul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

/** a × b for a double b (exact powers of ten included). */
export function ddMulNumber(a: DD, b: number): DD {
  const p = twoProd(a.hi, b);
  return quickTwoSum(p.hi, p.lo + a.lo * b);
}

export function ddDiv(a: DD, b: DD): DD {
  // Two correction steps: q1 + q2 + q3 within a few units of 2^-104 of a / b.
  const q1 = a.hi / b.hi;
  let r = ddAdd(a, ddNeg(ddMulNumber(b, q1)));
  const q2 = r.hi / b.hi;
  r = ddAdd(r, ddNeg(ddMulNumber(b, q2)));
  const q3 = r.hi / b.hi;
  return ddAdd(quickTwoSum(q1, q2), { hi: q3, lo: 0 });
}

/** 10^k as a double-double for |k| ≤ 60 (10^k exact as a double up to k = 22; the rest divided out). */
const POW10: DD[] = [];
const NEG_POW10: DD[] = [];
{
  let p: DD = { hi: 1, lo: 0 };
  for (let k = 0; k <= 60; k++) {
    POW10.push(p);
    p = ddMulNumber(p, 10);
  }
  const one: DD = { hi: 1, lo: 0 };
  for (let k = 0; k <= 60; k++) NEG_POW10.push(ddDiv(one, POW10[k]!));
}

function pow10(k: number): DD | null {
  return k >= 0 ? (POW10[k] ?? null) : (NEG_POW10[-k] ?? null);
}

/**
 * A Dec as a double-double, read from decimal.js's base-1e7 digit words (documented read-only d, e,
 * s): the coefficient is built word by word (each step ×1e7 + word, within 2^-104), then scaled by
 * 10^x. null for zero, non-finite values or exponents beyond ±60 (the caller uses exact decimals).
 */
export function ddOf(value: Dec): DD | null {
  const d = value.d;
  if (!d || d.length === 0 || d[0] === 0) return null;
  // c = c × 1e7 + word for each word: ddAdd(ddMulNumber(c, 1e7), word) with the same floating-point
  // operations written out on locals (no object per step: a report reads a few hundred Decs this way).
  let hi = d[0]!;
  let lo = 0;
  for (let i = 1; i < d.length; i++) {
    const p = hi * 1e7;
    const split = SPLITTER * hi;
    const ah = split - (split - hi);
    const al = hi - ah;
    const q = ah * WORD_HIGH - p + ah * WORD_LOW + al * WORD_HIGH + al * WORD_LOW + lo * 1e7;
    const mh = p + q;
    const ml = q - (mh - p);
    const w = d[i]!;
    const s = mh + w;
    const sb = s - mh;
    const sl = mh - (s - sb) + (w - sb);
    const th = ml + 0;
    const tb = th - ml;
    const tl = ml - (th - tb) + (0 - tb);
    const uq = sl + th;
    const uh = s + uq;
    const ul = uq - (uh - s);
    const vq = ul + tl;
    hi = uh + vq;
    lo = vq - (hi - uh);
  }
  const c: DD = { hi, lo };
  const lead = d[0]!;
  const leadDigits = wordDigits(lead);
  // value = coefficient × 10^x, the coefficient being the words written one after the other.
  const scale = pow10(value.e - (leadDigits - 1) - 7 * (d.length - 1));
  if (scale === null) return null;
  const v = ddMul(c, scale);
  return value.s < 0 ? ddNeg(v) : v;
}

/** ddOf, with zero read as 0 (a zero operand is exact); null only beyond the readable range. */
export function ddOrZero(value: Dec): DD | null {
  return value.isZero() ? { hi: 0, lo: 0 } : ddOf(value);
}
