// `cli replay` over a committed crash window (test/fixtures/replay/README.md): the real pipeline
// holds a 20x isolated hedge pair from 2021-05-19 12:00 UTC through the crash.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Decimal from 'decimal.js';
import { main } from '../../src/cli/dispatch';
import type { CliIo } from '../../src/cli/io';
import { computeMarginReport, parseSnapshot } from '../../src/domain/margin';
import { levelRank } from '../../src/domain/alerts/levels';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(repoRoot, 'test/fixtures/replay');
const candles = path.join(fixtures, 'BTCUSDT_1m_20210518T1200-20210519T1600.csv');
const snapshot = path.join(fixtures, 'hedge-20x.json');
const dir = mkdtempSync(path.join(tmpdir(), 'mw-cli-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdin: Readable.from(['']), stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, out: () => out, err: () => err };
}

type Line = { t?: string; kind: string; subject?: string; level?: string; price?: string; p1h?: number | null; ttfMedianMin?: number | null; reason?: string; alerts?: number; liquidations?: number; positionDays?: number };

describe('replay CLI', () => {
  let lines: Line[] = [];
  beforeAll(async () => {
    const io = fakeIo();
    const code = await main(['replay', '--snapshot', snapshot, '--candles', candles, '--from', '2021-05-19T12:00:00Z', '--jsonl'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    lines = io.out().trim().split('\n').map((l) => JSON.parse(l) as Line);
  }, 120_000);

  it('prints time-ordered JSON lines of the documented kinds, ending with a summary', () => {
    const timed = lines.filter((l) => l.kind !== 'summary');
    expect(new Set(timed.map((l) => l.kind))).toEqual(new Set(['level', 'alert', 'liquidated']));
    const times = timed.map((l) => Date.parse(l.t!));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    const summary = lines[lines.length - 1]!;
    expect(summary.kind).toBe('summary');
    expect(summary.alerts).toBe(lines.filter((l) => l.kind === 'alert').length);
    expect(summary.liquidations).toBe(lines.filter((l) => l.kind === 'liquidated').length);
    expect(summary.positionDays).toBeGreaterThan(0);
  });

  it('liquidates the long once, in the minute its engine liquidation price is crossed, after a margin-call-or-worse alert', () => {
    const liq = lines.filter((l) => l.kind === 'liquidated');
    expect(liq.map((l) => l.subject)).toEqual(['position:BTCUSDT:long']);
    // The engine's liquidation price of the held long, computed independently here.
    const parsed = parseSnapshot(JSON.parse(readFileSync(snapshot, 'utf8')));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const lp = computeMarginReport(parsed.value).positions.find((p) => p.positionSide === 'long')!.liquidationPrice!;
    expect(liq[0]!.price).toBe(lp);
    // The first candle whose low reaches it is the liquidation minute.
    const rows = readFileSync(candles, 'utf8').trim().split('\n').slice(1).map((r) => r.split(',').map(Number));
    const from = Date.parse('2021-05-19T12:00:00Z');
    const hit = rows.find((r) => r[0]! >= from && new Decimal(r[3]!).lte(lp))!;
    const at = Date.parse(liq[0]!.t!);
    expect(at - hit[0]!).toBeGreaterThanOrEqual(0);
    expect(at - hit[0]!).toBeLessThan(60_000);
    const warned = lines.find((l) => l.kind === 'alert' && l.subject === 'position:BTCUSDT:long' && levelRank(l.level as never) >= levelRank('margin-call'));
    expect(warned).toBeDefined();
    expect(at - Date.parse(warned!.t!)).toBeGreaterThanOrEqual(60_000);
    // Exactly one "liquidated" alert for it, and the position's level lines stop.
    const liqAlerts = lines.filter((l) => l.kind === 'alert' && l.reason === 'liquidated');
    expect(liqAlerts.map((l) => l.subject)).toEqual(['liquidated:position:BTCUSDT:long']);
    expect(lines.some((l) => l.kind === 'level' && l.subject === 'position:BTCUSDT:long' && Date.parse(l.t!) > at)).toBe(false);
  });

  it('never shows a subject with P(1 h) ≥ 0.5 or a median under 15 min as ok or watch', () => {
    for (const l of lines.filter((x) => x.kind === 'level')) {
      if ((l.p1h ?? 0) >= 0.5 || (l.ttfMedianMin !== null && l.ttfMedianMin !== undefined && l.ttfMedianMin < 15)) {
        expect(levelRank(l.level as never)).toBeGreaterThanOrEqual(levelRank('warning'));
      }
    }
  });

  it('bad input exits 2 with one line naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['--snapshot', path.join(dir, 'missing.json'), '--candles', candles, '--jsonl'], /snapshot .*missing\.json: cannot read/],
      [['--snapshot', snapshot, '--candles', path.join(dir, 'ETHUSDT_1m.csv'), '--jsonl'], /symbol ETHUSDT .* is not in the snapshot/],
    ];
    const gap = path.join(dir, 'BTCUSDT_gap.csv');
    const rows = readFileSync(candles, 'utf8').trim().split('\n');
    writeFileSync(gap, [...rows.slice(0, 100), ...rows.slice(105)].join('\n') + '\n');
    cases.push([['--snapshot', snapshot, '--candles', gap, '--jsonl'], /BTCUSDT_gap\.csv.*gap/i]);
    const badSettings = path.join(dir, 'settings.json');
    writeFileSync(badSettings, JSON.stringify({ danger: { probability1h: { watch: 0.1, warning: 2, 'margin-call': 0.6, critical: 0.9 } } }));
    cases.push([['--snapshot', snapshot, '--candles', candles, '--settings', badSettings, '--jsonl'], /settings .*danger/]);
    for (const [argv, message] of cases) {
      const io = fakeIo();
      expect(await main(['replay', ...argv], io)).toBe(2);
      expect(io.err().trim().split('\n')).toHaveLength(1);
      expect(io.err()).toMatch(message);
      expect(io.out()).toBe('');
    }
  });
});

describe('replay.run over the shipped demo data', () => {
  it('runs the real pipeline on the demo tape and reports the liquidation after a warning', async () => {
    const { runDemoReplay } = await import('../../src/replay/demo');
    const { ForecastService } = await import('../../src/forecast');
    const { DEFAULT_ALERT_SETTINGS } = await import('../../src/domain/alerts/settings');
    const forecaster = new ForecastService({ params: path.join(repoRoot, 'resources/forecast/params.json') });
    const result = runDemoReplay(path.join(repoRoot, 'resources'), { symbol: 'BTCUSDT', leverage: 50, sides: ['long'], openAfterMin: 0 }, DEFAULT_ALERT_SETTINGS, { targetMarginRatio: '0.5', triggerLevels: ['0.7', '0.8', '1'] }, forecaster);
    await forecaster.close();
    expect(result.from).toBe('2021-05-19T10:00:00.000Z');
    const liq = result.lines.filter((l) => l.kind === 'liquidated');
    expect(liq.map((l) => l.subject)).toEqual(['position:BTCUSDT:long']);
    expect(result.summary.liquidations).toBe(1);
    const firstAlert = result.lines.find((l) => l.kind === 'alert' && l.subject === 'position:BTCUSDT:long');
    expect(firstAlert).toBeDefined();
    expect(Date.parse(liq[0]!.t)).toBeGreaterThan(Date.parse(firstAlert!.t));
  }, 60_000);
});
