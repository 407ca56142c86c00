// The engine's fast path against its all-decimal reference (issue 15 §6): computeMarginReport decides
// printed-only figures on double-doubles (printApprox) and tiers/signs on doubles; computeMarginReportExact
// takes every one of those decisions on 34-digit decimals. The serialized reports must be byte-identical
// on random accounts of every venue: linear and inverse, cross and isolated, tiered tables at any scale,
// collateral (flat haircuts, tiered ratios by amount and by value, liabilities), fees, reported figures,
// Deribit options, tiny and huge sizes and prices, and wallets from deep in profit to past liquidation
// (near-cancelling margin balances). Fixed seed, deterministic (no Math.random).
import { describe, expect, it } from 'vitest';
import { computeMarginReport, computeMarginReportExact, parseSnapshot } from '../../../src/domain/margin';
import { Dec, fromScaled, printWith, type PrintRule } from '../../../src/domain/margin/decimal';
import { ddOf } from '../../../src/domain/margin/doubleDouble';
import { printApprox } from '../../../src/domain/margin/printApprox';
import { DoubleSum } from '../../../src/domain/margin/solve';
import { lcg } from './fixtures/bench-accounts';
import { position, snapshot } from './helpers';
import { type Rand, logUniform, pick, randomAccount } from './fixtures/random-accounts';

describe('fast path vs the all-decimal reference', () => {
  it('serialized reports are byte-identical on 1,500 random accounts', () => {
    const rand = lcg(20261205);
    let compared = 0;
    let prices = 0;
    for (let i = 0; i < 1500; i++) {
      const { snapshot, options } = randomAccount(rand);
      const parsed = parseSnapshot(JSON.parse(JSON.stringify(snapshot)));
      if (!parsed.ok) continue;
      const fast = JSON.stringify(computeMarginReport(parsed.value, options));
      const exact = JSON.stringify(computeMarginReportExact(parsed.value, options));
      if (fast !== exact)
        expect({ case: i, snapshot, options, fast }).toEqual({ case: i, snapshot, options, fast: exact });
      compared++;
      prices += (fast.match(/"liquidationPrice":"/g) ?? []).length;
    }
    // The generator must mostly produce valid accounts that have prices to print, or this proves little.
    expect(compared).toBeGreaterThan(1350);
    expect(prices).toBeGreaterThan(1500);
  });
});

describe('group sums on double-doubles', () => {
  // The solver sums a group's a0 = balance − PnL − entry value on double-doubles (solve.ts, sumsOnDoubles)
  // and must fall back to exact decimals when the sum cancels: here balance and entry value (~1e11, read
  // within ~1e-20) cancel down to a bankruptcy price within 1e-20 of a print boundary.
  it('near-cancelling sums print the reference bankruptcy price', () => {
    const rand = lcg(42);
    for (let i = 0; i < 300; i++) {
      const entry = new Dec(Math.floor(1e11 + rand() * 9e11)).plus(new Dec(Math.floor(rand() * 1e4)).div(1e4));
      const boundary = new Dec(Math.floor(1e6 + rand() * 1e10)).div(1e8);
      const offset = new Dec(Math.floor(rand() * 19) - 9).times('1e-21');
      const price = boundary.plus(offset);
      const account = snapshot({
        asOf: '2026-01-01T00:00:00.000Z',
        crossWalletBalance: entry.minus(price).toFixed(),
        positions: [position({ entryPrice: entry.toFixed(), markPrice: entry.toFixed() })],
      });
      const parsed = parseSnapshot(account);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      const fast = computeMarginReport(parsed.value);
      const exact = computeMarginReportExact(parsed.value);
      expect([i, fast.positions[0]!.bankruptcyPrice]).toEqual([i, exact.positions[0]!.bankruptcyPrice]);
      expect([i, JSON.stringify(fast)]).toEqual([i, JSON.stringify(exact)]);
    }
  });
});

describe('printApprox', () => {
  const RULES: PrintRule[] = [
    { decimals: 8, mode: 'truncate' },
    { decimals: 8, mode: 'half-up' },
    { decimals: 2, mode: 'half-up' },
  ];

  /** Random 34-digit decimals near a print boundary of `rule`: ±up to 1e-20 units off, or exactly on it. */
  function nearBoundary(rand: Rand, rule: PrintRule): Dec {
    // Up to 22 digits: figures whose scaled digits pass 2^53 are printed from a split whole part.
    const head = String(Math.floor(10 ** (rand() * 15)));
    const whole = rand() < 0.3 ? head + String(Math.floor(rand() * 1e7)).padStart(7, '0') : head;
    const boundary = new Dec(fromScaled(whole, rule.decimals, rand() < 0.3)).plus(
      rule.mode === 'half-up' ? new Dec(10).pow(-rule.decimals).div(2) : 0,
    );
    const offset =
      rand() < 0.2
        ? new Dec(0)
        : new Dec(10).pow(-rule.decimals - 1 - Math.floor(rand() * 25)).times(rand() - 0.5);
    return boundary.plus(offset);
  }

  it('never prints other than printWith of any value within the stated error', () => {
    const rand = lcg(7);
    let decided = 0;
    for (let i = 0; i < 20000; i++) {
      const rule = pick(rand, RULES);
      const value =
        rand() < 0.5
          ? nearBoundary(rand, rule)
          : new Dec(logUniform(rand, -9, 16, 30)).times(rand() < 0.3 ? -1 : 1);
      const approx = ddOf(value);
      if (approx === null) continue;
      const error = value
        .abs()
        .times(10 ** -(20 + Math.floor(rand() * 10)))
        .toNumber();
      // Any value the error allows: the edges of the interval and a point inside.
      for (const k of [-1, -0.5, 0, 0.7, 1]) {
        const truth = value.plus(new Dec(error).times(k));
        const text = printApprox(rule, approx, error);
        if (text === null) continue;
        decided++;
        expect([i, text]).toEqual([i, printWith(rule, truth)]);
      }
    }
    expect(decided).toBeGreaterThan(40000);
  });
});

describe('DoubleSum: cancellation is measured against every term, not the first', () => {
  const dd = (v: string) => ddOf(new Dec(v))!;
  it('refuses a small first term followed by large terms that cancel', () => {
    // Sum 1, span 2e20 + 1: far past 50× cancellation, although the first term alone would pass.
    const s = new DoubleSum(dd('1'));
    s.add(dd('1e20'), 1);
    s.add(dd('1e20'), -1);
    expect(s.done()).toBeNull();
  });
  it('accepts the same terms when they do not cancel, with a span covering all of them', () => {
    const s = new DoubleSum(dd('1'));
    s.add(dd('1e20'), 1);
    s.add(dd('3e19'), 1);
    const done = s.done();
    expect(done).not.toBeNull();
    expect(done!.span).toBeGreaterThanOrEqual(1.3e20);
  });
});
