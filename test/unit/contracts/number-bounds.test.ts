// Numbers with bounds: the contract refuses decimals outside the range the engine computes exactly,
// naming the field; whatever extreme string a snapshot carries, the CLI either exits 2 naming that
// field or prints a report with no NaN/Infinity in it. Never neither.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/dispatch';
import type { CliIo } from '../../../src/cli/io';
import { decimalOutOfRange, decimalShape } from '../../../src/domain/contracts/decimalBounds';
import { parseSnapshot } from '../../../src/domain/margin';
import { marginReportSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import { faqSnapshot } from '../margin/fixtures/binance-faq';

function io(stdin: string) {
  let out = '';
  let err = '';
  const value: CliIo = {
    stdin: Readable.from([stdin]),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
  };
  return { io: value, out: () => out, err: () => err };
}

/** Sets one field of the FAQ snapshot by path; returns the path as the CLI prints it. */
type Field = { path: string; set: (s: AccountSnapshot, v: string) => void };
const FIELDS: Field[] = [
  { path: 'positions[0].size', set: (s, v) => (s.positions[0]!.size = v) },
  { path: 'positions[0].markPrice', set: (s, v) => (s.positions[0]!.markPrice = v) },
  { path: 'positions[0].entryPrice', set: (s, v) => (s.positions[0]!.entryPrice = v) },
  { path: 'positions[0].leverage', set: (s, v) => (s.positions[0]!.leverage = v) },
  { path: 'positions[0].contractSize', set: (s, v) => (s.positions[0]!.contractSize = v) },
  { path: 'crossWalletBalance', set: (s, v) => (s.crossWalletBalance = v) },
  { path: 'positions[1].fundingRate', set: (s, v) => (s.positions[1]!.fundingRate = v) },
  { path: 'positions[0].tiers[4].cap', set: (s, v) => (s.positions[0]!.tiers![4]!.cap = v) },
];

describe('decimal bounds', () => {
  it('reads magnitude and significant digits from the text', () => {
    expect(decimalShape('1234.5')).toEqual({ zero: false, magnitude: 3, significantDigits: 5 });
    expect(decimalShape('0.0100')).toEqual({ zero: false, magnitude: -2, significantDigits: 1 });
    expect(decimalShape('12e-3')).toEqual({ zero: false, magnitude: -2, significantDigits: 2 });
    expect(decimalShape('0e999999999999')).toMatchObject({ zero: true });
  });

  it('refuses the exponent cases of the attack with the field named', () => {
    const cases: [string, string, RegExp][] = [
      ['positions[0].size', '1e9999999999999999', /magnitude must be below 1e30/],
      ['positions[0].size', '1e-9999999999999999', /at least 1e-18/],
      ['positions[0].size', '1e10000000', /magnitude must be below 1e30/],
      ['positions[0].size', '0.0000000000000000001', /at least 1e-18/],
      ['crossWalletBalance', '1e30', /below 1e30/],
      ['crossWalletBalance', '-1e-31', /at least 1e-30/],
      ['crossWalletBalance', '1.00000000000000000000000000000000001', /more than 34 significant digits/],
      ['crossWalletBalance', `1${'0'.repeat(100)}`, /longer than 100/],
    ];
    for (const [path, value, reason] of cases) {
      const s = structuredClone(faqSnapshot());
      FIELDS.find((f) => f.path === path)!.set(s, value);
      const parsed = parseSnapshot(s);
      expect(parsed.ok, value).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.path).toBe(path);
        expect(parsed.error.reason).toMatch(reason);
      }
    }
    // The edges themselves are inside.
    expect(decimalOutOfRange('999999999999999999999999999999.9')).toBeNull();
    expect(decimalOutOfRange('0.000000000000000001', true)).toBeNull();
    expect(decimalOutOfRange('-1e-30')).toBeNull();
  });

  it('CLI on extreme strings: exit 2 naming the field, or a report with no NaN/Infinity', async () => {
    const digits = fc.stringMatching(/^[0-9]{1,45}$/);
    const extreme = fc
      .record({
        sign: fc.constantFrom('', '-'),
        int: digits,
        frac: fc.option(digits),
        exp: fc.option(
          fc.oneof(
            fc.integer({ min: -40, max: 40 }).map(String),
            fc.constantFrom('9999999999999999', '-9999999999999999', '10000000', '-10000000', '308', '-324', '+0000012'),
          ),
        ),
      })
      .map(({ sign, int, frac, exp }) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`);
    let refused = 0;
    let reported = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), extreme, async (field, value) => {
        const s = structuredClone(faqSnapshot());
        field.set(s, value);
        const run = io(JSON.stringify(s));
        const code = await main(['margin', '-'], run.io);
        if (code === 2) {
          refused += 1;
          expect(run.err()).toContain(`margin: invalid snapshot: ${field.path}: `);
          expect(run.out()).toBe('');
        } else {
          reported += 1;
          expect(code).toBe(0);
          expect(run.out()).not.toMatch(/NaN|Infinity/);
          marginReportSchema.parse(JSON.parse(run.out()));
        }
      }),
      { numRuns: 300 },
    );
    // Both branches were exercised (the generator reaches inside and outside the range).
    expect(refused).toBeGreaterThan(0);
    expect(reported).toBeGreaterThan(0);
  }, 120_000);
});
