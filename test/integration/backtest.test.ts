// The backtest on a small synthetic file whose answer follows from geometry: a calm market, then a
// steady 0.1%-per-minute decline. Every long test position at 10x/20x is liquidated during the
// decline, shorts never; a fixed-distance rule at d warns about ln(1/(1−d))/0.1% minutes ahead.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../src/backtest/candles';
import { BacktestTotals, buildJson, runBacktestFile } from '../../src/backtest/run';
import { main } from '../../src/cli/dispatch';

const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const FLAT = 3 * 1440 + 1;
const DECLINE = 230;
const STEP = Math.log(0.999);

function syntheticCsv(): string {
  const lines = ['timestamp_ms,open,high,low,close,volume'];
  let prev = 100;
  for (let i = 0; i < FLAT + DECLINE; i++) {
    const close = i < FLAT ? (i % 2 === 0 ? 100 : 100.01) : 100 * Math.exp(STEP * (i - FLAT + 1));
    lines.push(`${T0 + i * 60_000},${prev},${Math.max(prev, close)},${Math.min(prev, close)},${close},1`);
    prev = close;
  }
  return lines.join('\n') + '\n';
}

const dir = mkdtempSync(join(tmpdir(), 'mw-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backtest on a synthetic file with a known answer', () => {
  const series = parseCandleCsv(syntheticCsv(), 'synthetic.csv');
  const totals = new BacktestTotals();
  runBacktestFile({ series, book: { leverages: [10, 20] } }, totals);
  const json = buildJson(totals, true);

  it('liquidates exactly the long test positions alive at the decline', () => {
    // Test positions open on the 4-hour grid from the start of the second day-block (24:00) to 72:00.
    const opens = (72 - 24) / 4 + 1;
    expect(json.files[0]!.testPositions).toBe(opens * 2 * 2);
    expect(json.files[0]!.breaches).toBe(opens * 2);
  });

  it('gives the fixed-distance rule the lead time the geometry implies, with no false alarms', () => {
    const at = (thr: number) => json.rules.fixedDistance.operatingPoints.find((p) => p.threshold === thr)!;
    const leadFor = (d: number): number => Math.log(1 / (1 - d)) / -STEP; // minutes from d to 0
    expect(leadFor(0.01)).toBeGreaterThan(5);
    expect(leadFor(0.01)).toBeLessThan(15);
    expect(at(0.01).recall5m).toBe(1);
    expect(at(0.01).recall15m).toBe(0);
    expect(leadFor(0.02)).toBeGreaterThan(15);
    expect(at(0.02).recall15m).toBe(1);
    expect(at(0.02).recall30m).toBe(0);
    expect(Math.abs(at(0.02).medianLeadMin! - leadFor(0.02))).toBeLessThanOrEqual(1.01);
    expect(at(0.02).falseAlarmsPerPositionDay).toBe(0);
  });

  it("shows the exchange's 80% level warning only about a minute ahead", () => {
    // Gap from MR 80% to liquidation: m(1/r − 1)/(1 − m) = 0.1% of price = one minute of this decline.
    const x = json.matchedBudget.exchangeLevel80!;
    expect(x.recall5m).toBe(0);
    expect(x.medianLeadMin).toBeLessThanOrEqual(2);
  });

  it('writes the JSON shape of the issue through the CLI, and reports bad files with the line', async () => {
    const csv = join(dir, 'synthetic.csv');
    const out = join(dir, 'out.json');
    writeFileSync(csv, syntheticCsv());
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { stdin: process.stdin, stdout: { write: (s: string) => stdout.push(s) }, stderr: { write: (s: string) => stderr.push(s) }, env: {} };
    expect(await main(['backtest', '--candles', csv, '--json', out, '--by-leverage'], io)).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    for (const rule of ['model', 'mr80', 'fixedDistance', 'volScaled']) {
      const p = written.rules[rule].operatingPoints[0];
      for (const k of ['threshold', 'falseAlarmsPerPositionDay', 'recall1m', 'recall5m', 'recall15m', 'recall30m', 'medianLeadMin']) expect(p).toHaveProperty(k);
      for (const k of ['brier', 'brierSkill', 'logLoss', 'reliability']) expect(written.scores[rule]).toHaveProperty(k);
      expect(Object.keys(written.scores[rule].reliability[0])).toEqual(expect.arrayContaining(['lo', 'hi', 'predicted', 'observed', 'count']));
    }
    expect(written).toHaveProperty('crashDays');
    expect(Object.keys(written.byLeverage)).toEqual(expect.arrayContaining(['5', '100', 'le50']));
    expect(stdout.join('')).toMatch(/Rule model: threshold sweep/);

    // --policy app scores params.sigmaShrink (v3.2, §8.19): the same params with and without it → two model lines.
    const shipped = JSON.parse(readFileSync(join(__dirname, '../../resources/forecast/params.json'), 'utf8')) as Record<string, unknown>;
    const { sigmaShrink: _, ...plain } = shipped;
    const runWith = async (params: Record<string, unknown>, name: string) => {
      writeFileSync(join(dir, `${name}.params.json`), JSON.stringify(params));
      expect(await main(['backtest', '--candles', csv, '--json', join(dir, `${name}.json`), '--params', join(dir, `${name}.params.json`)], io)).toBe(0);
      return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    };
    const unshrunk = await runWith(plain, 'unshrunk');
    const shrunk = await runWith({ ...plain, sigmaShrink: 0.5 }, 'shrunk');
    expect(shrunk.rules.model).not.toEqual(unshrunk.rules.model);
    expect(shrunk.rules.fixedDistance).toEqual(unshrunk.rules.fixedDistance);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,0\n60000,1,1,x,1,0\n');
    expect(await main(['backtest', '--candles', bad], io)).toBe(2);
    expect(stderr.join('')).toMatch(/bad\.csv:3: low is not a number/);
  }, 90_000); // three CLI backtests: 22 s on a 2-core machine that also ran the forecast harness
});
