// §8.16 tables: the model with and without the asymmetric-volatility option, against the simple rules,
// from two saved harness runs of the same scheme (scripts/forecast-eval.ts --json):
//   npx tsx scripts/forecast-asym-compare.ts MODEL.json MODEL+ASYM.json
// Readings (recall@15 min, all leverages, ≤ 0.3 FA/pos-day): (a) best point without always-on points,
// (b) interpolated at exactly 0.3 (the one an always-on alert cannot win), and the best point.
import { readFileSync } from 'node:fs';
import type { FileResult } from './forecast-eval';
import type { RuleName } from '../src/backtest/run';

const [baseFile, asymFile] = process.argv.slice(2);
if (!baseFile || !asymFile) throw new Error('usage: forecast-asym-compare.ts MODEL.json MODEL+ASYM.json');
const load = (f: string): FileResult[] => (JSON.parse(readFileSync(f, 'utf8')) as { results: FileResult[] }).results.filter((r) => r.population === 'all');
const base = load(baseFile);
const asym = load(asymFile);
const isAlt = (f: string): boolean => !/_(BTC|ETH)USDT_/.test(f);
const short = (f: string): string => f.replace(/^binance_(um|spot)_/, '').replace(/\.csv(\.gz)?$/, '');
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : (v * 100).toFixed(1));
const sgn = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`;

type Reading = (r: FileResult, rule: RuleName) => number | null;
const readings: [string, Reading][] = [
  ['interpolated at 0.3', (r, k) => r.atBudget?.[k] ?? null],
  ['best point without always-on', (r, k) => r.bestReal?.[k].recall15m ?? null],
  ["issue's best point", (r, k) => r.best[k].recall15m],
];

function calRange(bins: FileResult['reliability']): { text: string; ok: boolean } {
  const ratios = bins.filter((b) => b.lo >= 0.01 && b.events >= 30 && b.predicted).map((b) => b.observed! / b.predicted!);
  if (ratios.length === 0) return { text: '—', ok: true };
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  return { text: `${lo.toFixed(2)}–${hi.toFixed(2)}`, ok: lo >= 0.67 && hi <= 1.5 };
}

// Files scored in only one run (e.g. leave-one-crash-out baselines of the crash months only) are skipped.
const rows = asym.flatMap((a) => {
  const b = base.find((x) => x.file === a.file);
  return b ? [{ a, b }] : [];
});
if (rows.length === 0) throw new Error(`no file of ${asymFile} is in ${baseFile}`);
const mean = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : xs.reduce<number>((s, v) => s + v!, 0) / xs.length);

for (const [name, read] of readings) {
  console.log(`\n#### ${name}\n`);
  console.log('| file | model | **model+asym** | asym − model | fixed distance | vol-scaled | MR family | model+asym − max(fixed, vol) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const { a, b } of rows) {
    const m = read(b, 'model');
    const x = read(a, 'model');
    const best = Math.max(read(a, 'fixedDistance') ?? 0, read(a, 'volScaled') ?? 0);
    console.log(`| ${short(a.file)} | ${pct(m)} | ${pct(x)} | ${m !== null && x !== null ? sgn(x - m) : '—'} | ${pct(read(a, 'fixedDistance'))} | ${pct(read(a, 'volScaled'))} | ${pct(read(a, 'mr80'))} | ${x !== null ? sgn(x - best) : '—'} |`);
  }
  const alts = rows.filter((r) => isAlt(r.a.file));
  if (alts.length > 0) {
    const col = (pick: (r: (typeof rows)[number]) => number | null): string => pct(mean(alts.map(pick)));
    console.log(`| **alt mean (${alts.length})** | ${col((r) => read(r.b, 'model'))} | ${col((r) => read(r.a, 'model'))} | | ${col((r) => read(r.a, 'fixedDistance'))} | ${col((r) => read(r.a, 'volScaled'))} | ${col((r) => read(r.a, 'mr80'))} | |`);
    const gate = (r: FileResult): boolean => (read(r, 'model') ?? -1) >= Math.max(read(r, 'fixedDistance') ?? 0, read(r, 'volScaled') ?? 0) - 0.01;
    console.log(`\nalt files with model ≥ max(fixed, vol) − 1 point: model ${alts.filter((r) => gate(r.b)).length} of ${alts.length}, model+asym ${alts.filter((r) => gate(r.a)).length} of ${alts.length}; model+asym > model on ${alts.filter((r) => (read(r.a, 'model') ?? 0) > (read(r.b, 'model') ?? 0)).length}, < on ${alts.filter((r) => (read(r.a, 'model') ?? 0) < (read(r.b, 'model') ?? 0)).length}`);
  }
}

console.log('\n#### Brier skill (1 h) and calibration (obs/pred 1 h, 15 min in brackets; bins ≥ 1 % with ≥ 30 events)\n');
console.log('| file | BSS model | BSS model+asym | calib. model | calib. model+asym | within 0.67–1.5 (model → asym) |');
console.log('|---|---|---|---|---|---|');
for (const { a, b } of rows) {
  const cb = [calRange(b.reliability), calRange(b.reliability15)];
  const ca = [calRange(a.reliability), calRange(a.reliability15)];
  const ok = (c: { ok: boolean }[]): string => (c.every((x) => x.ok) ? 'yes' : 'no');
  console.log(`| ${short(a.file)} | ${b.brierSkill.model?.toFixed(3) ?? '—'} | ${a.brierSkill.model?.toFixed(3) ?? '—'} | ${cb[0]!.text} (${cb[1]!.text}) | ${ca[0]!.text} (${ca[1]!.text}) | ${ok(cb)} → ${ok(ca)} |`);
}
