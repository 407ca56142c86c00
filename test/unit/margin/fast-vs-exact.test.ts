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
import { lcg } from './fixtures/bench-accounts';
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
