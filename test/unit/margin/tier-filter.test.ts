// The solver's filtered tier lookup (tierAtApprox) must pick exactly the tier the exact lookup (tierAt)
// picks, or decline. Values are generated right at, just around, and far from the floors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, approxNumber } from '../../../src/domain/margin/decimal';
import { tierAt, tierAtApprox } from '../../../src/domain/margin/tiers';
import { tierTable } from './fixtures/bench-accounts';

const TABLES = [tierTable(1), tierTable(1000), tierTable(0.1)];

describe('approxNumber', () => {
  it('is within 2e-15 relative of the decimal on random 34-digit values', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.stringMatching(/^[1-9][0-9]{0,33}$/),
        fc.integer({ min: -60, max: 60 }),
        (negative, digits, exponent) => {
          const value = new Dec(`${negative ? '-' : ''}${digits}e${exponent}`);
          const approx = approxNumber(value);
          const exact = Number(value.toString());
          expect(Math.abs(approx - exact)).toBeLessThanOrEqual(2e-15 * Math.abs(exact));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('declines (NaN) outside a safe double range', () => {
    expect(approxNumber(new Dec('1e400'))).toBeNaN();
    expect(approxNumber(new Dec('1e-400'))).toBeNaN();
  });
});

describe('tierAtApprox', () => {
  /** Values near every floor: floor × (1 + k·10^-j) for small k and a range of j, plus random ones. */
  const valueArb = fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: 1, max: 33 }),
      )
      .map(([t, i, k, j]) => ({
        table: t,
        value: new Dec(TABLES[t]![i]!.floor).times(new Dec(1).plus(new Dec(k).times(new Dec(10).pow(-j)))),
      })),
    fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.stringMatching(/^[1-9][0-9]{0,33}$/),
        fc.integer({ min: -10, max: 12 }),
      )
      .map(([t, digits, e]) => ({ table: t, value: new Dec(`${digits}e${e}`) })),
  );

  it('returns the exact lookup’s tier or declines, never another tier', () => {
    let decided = 0;
    let declined = 0;
    fc.assert(
      fc.property(valueArb, ({ table, value }) => {
        if (!value.isPositive() || value.isZero()) return;
        const tiers = TABLES[table]!;
        const filtered = tierAtApprox(tiers, approxNumber(value));
        if (filtered === null) declined++;
        else {
          decided++;
          expect(filtered).toBe(tierAt(tiers, value));
        }
      }),
      { numRuns: 5000 },
    );
    // Both branches are exercised: values far from floors are decided, values at floors are declined.
    expect(decided).toBeGreaterThan(100);
    expect(declined).toBeGreaterThan(100);
  });

  it('declines exactly at a floor and within the margin of it', () => {
    const tiers = tierTable(1000);
    expect(tierAtApprox(tiers, 50000)).toBeNull();
    expect(tierAtApprox(tiers, 50000 * (1 + 1e-12))).toBeNull();
    expect(tierAtApprox(tiers, 50000 * (1 - 1e-12))).toBeNull();
    expect(tierAtApprox(tiers, 50001)).toBe(tierAt(tiers, new Dec(50001)));
    expect(tierAtApprox(tiers, 49999)).toBe(tierAt(tiers, new Dec(49999)));
  });
});
