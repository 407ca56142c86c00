// Parse once: a tier table seen before is not re-validated, and nothing observable changes — the parsed
// snapshot and the margin report are byte-identical to a first (uncached) parse, and bad tables that look
// like a known one are still refused with the same error.
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../../src/domain/contracts';
import { computeMarginReport } from '../../../src/domain/margin';
import { knownTierTable } from '../../../src/domain/contracts/referenceTables';
import { BENCH_VENUES, benchAccount, lcg } from '../margin/fixtures/bench-accounts';

/** A random account on one rulebook: fresh tier tables (new content), random sizes and marks. */
function randomAccountText(seed: number): string {
  const rand = lcg(seed);
  const venue = BENCH_VENUES[seed % BENCH_VENUES.length]!;
  const base = benchAccount(venue, 1 + Math.floor(rand() * 30));
  const scale = String(1 + Math.floor(rand() * 5));
  return JSON.stringify({
    ...base,
    positions: base.positions.map((p) => ({
      ...p,
      markPrice: (Number(p.markPrice) * (0.9 + rand() * 0.2)).toPrecision(9),
      tiers: p.tiers?.map((t) => ({ ...t, maxLeverage: String(Number(t.maxLeverage) * Number(scale)) })),
    })),
  });
}

describe('reference tables parsed once', () => {
  it('a second parse of the same content gives byte-identical snapshots and reports (random accounts)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = randomAccountText(seed * 7919);
      const first = parseSnapshot(JSON.parse(text));
      const second = parseSnapshot(JSON.parse(text));
      if (!first.ok || !second.ok) throw new Error(`seed ${seed}: ${first.ok ? '' : first.error.message}`);
      expect(JSON.stringify(second.value)).toBe(JSON.stringify(first.value));
      expect(JSON.stringify(computeMarginReport(second.value))).toBe(JSON.stringify(computeMarginReport(first.value)));
      // Positions with equal tables share one frozen copy.
      const tables = new Set(second.value.positions.map((p) => p.tiers));
      expect(tables.size).toBe(1);
      expect(Object.isFrozen(second.value.positions[0]!.tiers)).toBe(true);
    }
  });

  it('a table that differs from a known one in any way goes through every check again', () => {
    const text = randomAccountText(3);
    expect(parseSnapshot(JSON.parse(text)).ok).toBe(true); // now known
    const extraField = JSON.parse(text);
    extraField.positions[0].tiers[1].note = 'x';
    const r1 = parseSnapshot(extraField);
    expect(r1.ok ? '' : r1.error.message).toBe('positions[0].tiers[1]: unknown field note');
    const overlap = JSON.parse(text);
    overlap.positions[0].tiers[2].floor = '0';
    const r2 = parseSnapshot(overlap);
    expect(r2.ok ? '' : r2.error.path).toBe('positions[0].tiers[2].floor');
    const numeric = JSON.parse(text);
    numeric.positions[0].tiers[0].cap = 5;
    expect(knownTierTable(numeric.positions[0].tiers)).toBeUndefined();
    const r3 = parseSnapshot(numeric);
    expect(r3.ok ? '' : r3.error.path).toBe('positions[0].tiers[0].cap');
  });

  it('an invalid position elsewhere is still reported when its table is known', () => {
    const text = randomAccountText(5);
    expect(parseSnapshot(JSON.parse(text)).ok).toBe(true);
    const bad = JSON.parse(text);
    bad.positions[0].markPrice = 'abc';
    const r = parseSnapshot(bad);
    expect(r.ok ? '' : r.error.path).toBe('positions[0].markPrice');
  });
});
