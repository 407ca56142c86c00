// The pure helpers every adapter leans on: lossless number parsing, backoff bounds, the sliding
// weight budget and field-naming decimal errors. (Pure, but kept beside the adapter tests.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/venues/exchanges/shared/backoff';
import { decimalField } from '../../../src/venues/exchanges/shared/decimals';
import { VenueFailure } from '../../../src/venues/exchanges/shared/errors';
import { parseLosslessJson } from '../../../src/venues/exchanges/shared/losslessJson';
import { WeightBudget } from '../../../src/venues/exchanges/shared/weightBudget';

describe('lossless JSON', () => {
  it('keeps bare numbers as their exact text and leaves strings alone', () => {
    const text = '{"a":0.0065,"b":-1.5e-7,"c":"x\\"1.5\\"","d":[12345678901234567890,0],"e":true,"f":null}';
    expect(parseLosslessJson(text)).toEqual({ a: '0.0065', b: '-1.5e-7', c: 'x"1.5"', d: ['12345678901234567890', '0'], e: true, f: null });
  });

  it('agrees with JSON.parse on everything but numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const quoted = (v: unknown): unknown =>
          typeof v === 'number' ? JSON.stringify(v) : Array.isArray(v) ? v.map(quoted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, quoted(x)])) : v;
        expect(parseLosslessJson(text)).toEqual(quoted(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('backoff', () => {
  it('grows, is capped, never zero, and never below Retry-After', () => {
    const policy = { baseMs: 1_000, maxMs: 60_000 };
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.5, 0.999]) {
        const d = backoffDelay(attempt, policy, () => r);
        const ceiling = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(1, policy, () => 0, 30_000)).toBe(30_000);
  });
});

describe('weight budget', () => {
  it('never books more than the cap in any sliding window', async () => {
    let now = 0;
    const sent: Array<{ at: number; w: number }> = [];
    const budget = new WeightBudget({ limit: 10, windowMs: 1_000, headroom: 0.8, now: () => now, sleep: async (ms) => void (now += ms) });
    for (let i = 0; i < 60; i++) {
      const w = 1 + (i % 3);
      await budget.reserve(w);
      sent.push({ at: now, w });
      now += 37;
    }
    for (const s of sent) {
      const inWindow = sent.filter((x) => x.at > s.at - 1_000 && x.at <= s.at).reduce((a, x) => a + x.w, 0);
      expect(inWindow).toBeLessThanOrEqual(8);
    }
  });

  it('Retry-After blocks every request until it has passed, and the server count is honoured', async () => {
    let now = 0;
    const budget = new WeightBudget({ limit: 100, windowMs: 60_000, headroom: 0.8, now: () => now, sleep: async (ms) => void (now += ms) });
    budget.blockFor(5_000);
    await budget.reserve(1);
    expect(now).toBeGreaterThanOrEqual(5_000);
    budget.observeUsed(80); // other clients on our IP used most of the window
    const before = now;
    await budget.reserve(1);
    expect(now - before).toBeGreaterThan(50_000);
  });
});

describe('decimal fields', () => {
  it('names the field of an unreadable number', () => {
    expect(decimalField('67445.90', 'x')).toBe('67445.9');
    expect(decimalField('1e-8', 'x')).toBe('0.00000001');
    for (const bad of ['', 'NaN', 'Infinity', '1,5', null, undefined, {}, '0x10']) {
      try {
        decimalField(bad, 'positionRisk[0].markPrice');
        throw new Error(`accepted ${String(bad)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(VenueFailure);
        expect((error as VenueFailure).code).toBe('malformed-payload');
        expect((error as Error).message).toContain('positionRisk[0].markPrice');
      }
    }
  });
});
