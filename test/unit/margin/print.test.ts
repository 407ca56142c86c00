// The engine's printer rounds the plain digit string itself (speed); it must agree with decimal.js's own
// toFixed(decimals, rounding mode) + trailing-zero trim on every value, which is what it replaced.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, printWith, type PrintRule } from '../../../src/domain/margin/decimal';

/** The previous implementation, kept here as the reference. */
function printWithToFixed(rule: PrintRule, value: Dec): string {
  const fixed = value.toFixed(rule.decimals, rule.mode === 'truncate' ? Dec.ROUND_DOWN : Dec.ROUND_HALF_UP);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

const RULES: PrintRule[] = [
  { decimals: 8, mode: 'truncate' },
  { decimals: 8, mode: 'half-up' },
  { decimals: 0, mode: 'half-up' },
  { decimals: 0, mode: 'truncate' },
  { decimals: 2, mode: 'half-up' },
];

/** Decimals as the engine produces them: up to 34 significant digits over a wide exponent range. */
const decimalArb = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^[1-9][0-9]{0,33}$/),
    fc.integer({ min: -45, max: 40 }),
    fc.constantFrom('', '9', '99999999', '5', '49999', '50000'),
  )
  .map(([negative, digits, exponent, tail]) => {
    const coefficient = (digits + tail).slice(0, 34);
    return new Dec(`${negative ? '-' : ''}${coefficient}e${exponent}`);
  });

describe('printWith', () => {
  it('matches toFixed(decimals, mode) with trailing zeros trimmed, on random decimals', () => {
    fc.assert(
      fc.property(decimalArb, fc.constantFrom(...RULES), (value, rule) => {
        expect(printWith(rule, value)).toBe(printWithToFixed(rule, value));
      }),
      { numRuns: 5000 },
    );
  });

  it('handles carries, ties, zeros and signs like toFixed', () => {
    const values = [
      '0',
      '-0',
      '1',
      '-1',
      '10',
      '100.000',
      '0.999999995',
      '-0.999999995',
      '9.999999999',
      '-99.999999995',
      '0.000000005',
      '-0.000000005',
      '0.000000004999',
      '-0.000000001',
      '123.456',
      '1e-9',
      '-5e-9',
      '5e-9',
      '0.123456785',
      '0.123456775',
      '607.52416678722',
      '-0.000294126597',
      '1e30',
      '-1.5',
      '0.5',
      '2.5',
    ];
    for (const text of values)
      for (const rule of RULES)
        expect(printWith(rule, new Dec(text))).toBe(printWithToFixed(rule, new Dec(text)));
  });

  it('prints the sources’ examples', () => {
    expect(printWith({ decimals: 8, mode: 'truncate' }, new Dec('607.52416678722'))).toBe('607.52416678');
    expect(printWith({ decimals: 8, mode: 'half-up' }, new Dec('-0.000294126597'))).toBe('-0.00029413');
    expect(printWith({ decimals: 8, mode: 'half-up' }, new Dec('0.99999999999'))).toBe('1');
  });
});
