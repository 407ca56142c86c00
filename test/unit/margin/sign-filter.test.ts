// The trigger solver answers "no positive price at this level" from doubles (surelyNoPrice) only when the
// exact 34-digit numerator L·MB0 − B0 and denominator B1 − L·MB1 would say so too: both non-zero, of
// opposite signs. Operands are generated far apart, nearly cancelling (down to the 34th digit), and equal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, ONE } from '../../../src/domain/margin/decimal';
import { surelyNoPrice } from '../../../src/domain/margin/solve';

const decimal = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[1-9][0-9]{0,33}$/), fc.integer({ min: -20, max: 12 }))
  .map(([negative, digits, exponent]) => new Dec(`${negative ? '-' : ''}${digits}e${exponent}`));

/** `x` nudged by a relative 10^-k (k up to 40, past the 34 digits), or x itself, or far from it. */
const near = (x: Dec) =>
  fc.oneof(
    fc.constant(x),
    fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -9, max: 9 }))
      .map(([k, m]) => x.plus(x.abs().times(new Dec(`${m}e-${k}`)))),
    decimal,
  );

const LEVELS = [ONE, new Dec('0.7'), new Dec('0.8'), new Dec('0.123456789'), new Dec('3')];

/** What priceAtLevel decides exactly: true when it returns null for the signs. */
function exactNoPrice(level: Dec, mb0: Dec, mb1: Dec, b0: Dec, b1: Dec): boolean {
  const numerator = (level === ONE ? mb0 : level.times(mb0)).minus(b0);
  const denominator = b1.minus(level === ONE ? mb1 : level.times(mb1));
  return numerator.isZero() || denominator.isZero() || numerator.isNegative() !== denominator.isNegative();
}

describe('surelyNoPrice', () => {
  it('never says "no price" where the exact signs would give one', () => {
    let decided = 0;
    let undecided = 0;
    fc.assert(
      fc.property(
        fc
          .tuple(fc.constantFrom(...LEVELS), decimal, decimal)
          .chain(([level, mb0, mb1]) =>
            fc.tuple(
              fc.constant(level),
              fc.constant(mb0),
              fc.constant(mb1),
              near(level === ONE ? mb0 : level.times(mb0)),
              near(level === ONE ? mb1 : level.times(mb1)),
            ),
          ),
        ([level, mb0, mb1, b0, b1]) => {
          const sure = surelyNoPrice(level, mb0, mb1, b0, b1);
          if (sure) {
            decided += 1;
            expect(exactNoPrice(level, mb0, mb1, b0, b1)).toBe(true);
          } else undecided += 1;
        },
      ),
      { numRuns: 5000 },
    );
    // Both outcomes were exercised (the filter does decide, and declines near zero).
    expect(decided).toBeGreaterThan(100);
    expect(undecided).toBeGreaterThan(100);
  });

  it('declines when a difference is exactly zero or cancels below the doubles’ precision', () => {
    const mb0 = new Dec('123456.789');
    const mb1 = new Dec('-2.5');
    // Numerator exactly 0 (exact path: null too, but the filter must not claim to know).
    expect(surelyNoPrice(ONE, mb0, mb1, mb0, new Dec('1'))).toBe(false);
    // Numerator 1e-25 relative: positive exactly, invisible to doubles.
    expect(surelyNoPrice(ONE, mb0, mb1, mb0.minus(mb0.times('1e-25')), new Dec('-9'))).toBe(false);
    // Clear case: numerator > 0, denominator 1 − (−2.5) > 0 → a price exists: not "no price".
    expect(surelyNoPrice(ONE, mb0, mb1, new Dec('1000'), new Dec('1'))).toBe(false);
    // Clear case: numerator > 0, denominator −3 − (−2.5) < 0 → no price.
    expect(surelyNoPrice(ONE, mb0, mb1, new Dec('1000'), new Dec('-3'))).toBe(true);
  });
});
