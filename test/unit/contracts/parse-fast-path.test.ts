// Parse once, fast: the one-pass decimal reader and the one-check decimal fields give exactly what the
// regex reader and the chain of zod checks (format → range → sign) gave, message for message; a known
// tier table is only reused when its content is identical, and any change sends it through every check.
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  decimalInputProblem,
  decimalOutOfRange,
  decimalShape,
  type DecimalSign,
} from '../../../src/domain/contracts/decimalBounds';
import { parseSnapshot } from '../../../src/domain/contracts';
import { knownTierTable } from '../../../src/domain/contracts/referenceTables';
import { benchAccount } from '../margin/fixtures/bench-accounts';

/** The reader as it was (regex and string reversal): the oracle. */
function regexShape(text: string): { zero: boolean; magnitude: number; significantDigits: number } | null {
  const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([-+]?)(\d+))?$/.exec(text);
  if (!m) return null;
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  const expDigits = (m[4] ?? '0').replace(/^0+(?=\d)/, '');
  const sign = m[3] === '-' ? -1 : 1;
  const exp = sign * (expDigits.length > 6 ? Number.POSITIVE_INFINITY : Number(expDigits));
  const digits = int + frac;
  const first = digits.search(/[1-9]/);
  if (first < 0) return { zero: true, magnitude: 0, significantDigits: 0 };
  const last = digits.length - 1 - [...digits].reverse().join('').search(/[1-9]/);
  return { zero: false, magnitude: int.length - 1 - first + exp, significantDigits: last - first + 1 };
}

/** The decimal fields as they were: a chain of zod checks. The first issue's message is the oracle. */
const chainBase = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a decimal string') })
  .regex(/^-?(?:\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?$/, { error: 'must be a decimal string such as "123.45"' });
const chainRange = (positive: boolean) =>
  chainBase.superRefine((s, ctx) => {
    const problem = decimalOutOfRange(s, positive);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  });
const CHAINS: Record<DecimalSign, z.ZodType> = {
  any: chainRange(false),
  nonNegative: chainRange(false).refine((s) => !s.trim().startsWith('-'), { error: 'must not be negative' }),
  positive: chainRange(true).refine((s) => !s.trim().startsWith('-') && /[1-9]/.test(s.split(/[eE]/)[0] ?? ''), {
    error: 'must be greater than zero',
  }),
};
const chainMessage = (sign: DecimalSign, text: string): string | null => {
  const r = CHAINS[sign].safeParse(text);
  return r.success ? null : r.error.issues[0]!.message;
};

/** Decimal-looking strings near every edge, and some that only look like decimals. */
const decimalText = fc.oneof(
  fc
    .record({
      sign: fc.constantFrom('', '-', '+', ' '),
      int: fc.stringMatching(/^[0-9]{0,40}$/),
      frac: fc.option(fc.stringMatching(/^[0-9]{0,40}$/)),
      exp: fc.option(
        fc.oneof(
          fc.integer({ min: -45, max: 45 }).map(String),
          fc.constantFrom('', '+', '-', '0000000', '+0000012', '1234567', '-9999999999999999', '1e2', '5x'),
        ),
      ),
      e: fc.constantFrom('e', 'E'),
    })
    .map(({ sign, int, frac, exp, e }) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${e}${exp}`}`),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[0-9]{95,105}$/),
);

describe('decimal fields in one pass', () => {
  it('decimalShape reads what the regex reader read', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        expect(decimalShape(text)).toEqual(regexShape(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('one check gives the first message of the format → range → sign chain', () => {
    fc.assert(
      fc.property(decimalText, fc.constantFrom<DecimalSign>('any', 'nonNegative', 'positive'), (text, sign) => {
        expect(decimalInputProblem(text, sign)).toBe(chainMessage(sign, text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('known tier tables', () => {
  const base = () => JSON.parse(JSON.stringify(benchAccount('binance-usdm', 3)));

  it('a known table is reused only when its content is identical', () => {
    const first = parseSnapshot(base());
    expect(first.ok).toBe(true);
    const tiers = base().positions[0].tiers;
    expect(knownTierTable(tiers)).toBeDefined();
    type Edit = (t: Record<string, unknown>[]) => void;
    const edits: Edit[] = [
      (t) => (t[3]!.floor = `${String(t[3]!.floor)}0`),
      (t) => (t[0]!.cap = Number(t[0]!.cap)),
      (t) => (t[9]!.maxLeverage = ` ${String(t[9]!.maxLeverage)}`),
      (t) => (t[2]!.note = 'x'),
      (t) => delete t[4]!.maintenanceRate,
      (t) => t.pop(),
      (t) => t.push({ ...t[9]! }),
      (t) => (t[5] = Object.assign(Object.create({ inherited: 'x' }), t[5]) as Record<string, unknown>),
    ];
    for (const edit of edits) {
      const changed = base().positions[0].tiers;
      edit(changed);
      expect(knownTierTable(changed)).toBeUndefined();
    }
  });

  it('a changed known table is refused as a cold parse refuses it (same field, same message)', () => {
    expect(parseSnapshot(base()).ok).toBe(true); // the table is now known
    const edits: [string, (s: { positions: { tiers: Record<string, unknown>[] }[] }) => void][] = [
      ['gap', (s) => (s.positions[1]!.tiers[4]!.floor = '9999999')],
      ['rate', (s) => (s.positions[2]!.tiers[6]!.maintenanceRate = '1.5')],
      ['negative', (s) => (s.positions[0]!.tiers[1]!.maintenanceRate = '-0.01')],
      ['range', (s) => (s.positions[0]!.tiers[9]!.cap = '1e31')],
      ['extra', (s) => (s.positions[1]!.tiers[0]!.x = '1')],
    ];
    for (const [name, edit] of edits) {
      const warm = base();
      edit(warm);
      const r = parseSnapshot(warm);
      expect(r.ok, name).toBe(false);
      // The same edit on a table the cache has never seen (scaled leverage: new content).
      const cold = base();
      for (const p of cold.positions) for (const t of p.tiers) t.maxLeverage = String(Number(t.maxLeverage) * 7);
      edit(cold);
      const c = parseSnapshot(cold);
      expect(c.ok, name).toBe(false);
      if (!r.ok && !c.ok) expect(r.error.message, name).toBe(c.error.message);
    }
  });
});
