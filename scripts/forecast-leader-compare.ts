// Market-wide stress (FORECAST.md §8.15): the model with the leader feature against the same model
// without it, from two saved forecast-eval runs of the same scheme (same folds):
//   npx tsx scripts/forecast-leader-compare.ts BASE.json LEADER.json
// Readings (every rule alike): recall@15 interpolated at exactly 0.3 FA/pos-day (an always-on alert
// cannot win it) and the best point ≤ 0.3 without always-on points; Brier skill and calibration at 1 h.
import { readFileSync } from 'node:fs';
import type { FileResult } from './forecast-eval';

const [baseFile, leaderFile] = process.argv.slice(2);
if (!baseFile || !leaderFile) throw new Error('usage: forecast-leader-compare.ts BASE.json LEADER.json');
const load = (f: string): FileResult[] =>
  (JSON.parse(readFileSync(f, 'utf8')) as { results: FileResult[] }).results.filter((r) => r.population === 'all');
const base = load(baseFile);
const lead = load(leaderFile);
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : (v * 100).toFixed(1));
const signed = (v: number, digits = 1): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(digits)}`;
const isAlt = (f: string): boolean => !/_(BTC|ETH)USDT_/.test(f);
const short = (f: string): string => f.replace(/^binance_(um_)?/, '').replace(/\.csv(\.gz)?$/, '');
const resolution = (f: string): string => /_(1m|5m|15m|1h)[_.]/.exec(f)?.[1] ?? '?';

function calibration(r: FileResult): string {
  const ratios = r.reliability.filter((b) => b.lo >= 0.01 && b.events >= 30 && b.predicted).map((b) => b.observed! / b.predicted!);
  if (ratios.length === 0) return '—';
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  return `${lo.toFixed(2)}–${hi.toFixed(2)}${lo >= 0.67 && hi <= 1.5 ? '' : ' ✗'}`;
}

interface Row {
  file: string;
  alt: boolean;
  interp: { lead: number; model: number; fixed: number; vol: number; mr: number };
  real: { lead: number; model: number; fixed: number; vol: number };
}

console.log(
  '| file | leader (σ× down / up) | **+leader @0.3** | model @0.3 | fixed @0.3 | vol @0.3 | MR @0.3 | +leader − model | +leader − max(fixed, vol) | +leader best pt | model best pt | fixed best pt | vol best pt | BSS +leader / model | calib. 1 h +leader / model |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
const rows: Row[] = [];
for (const l of lead) {
  const b = base.find((x) => x.file === l.file);
  if (!b || !l.atBudget || !b.atBudget || !l.bestReal || !b.bestReal) continue;
  const v = (x: number | null | undefined): number => x ?? 0;
  const row: Row = {
    file: l.file,
    alt: isAlt(l.file),
    interp: {
      lead: v(l.atBudget.model),
      model: v(b.atBudget.model),
      fixed: v(l.atBudget.fixedDistance),
      vol: v(l.atBudget.volScaled),
      mr: v(l.atBudget.mr80),
    },
    real: {
      lead: v(l.bestReal.model.recall15m),
      model: v(b.bestReal.model.recall15m),
      fixed: v(l.bestReal.fixedDistance.recall15m),
      vol: v(l.bestReal.volScaled.recall15m),
    },
  };
  rows.push(row);
  const leader = l.leader
    ? `BTC ${resolution(l.leader.file)} (${l.leader.sigmaMultDown.toFixed(3)} / ${l.leader.sigmaMultUp.toFixed(3)})`
    : 'none (feature off)';
  const i = row.interp;
  console.log(
    `| ${short(l.file)} | ${leader} | **${pct(i.lead)}** | ${pct(i.model)} | ${pct(i.fixed)} | ${pct(i.vol)} | ${pct(i.mr)} | ${signed(i.lead - i.model, 2)} | ${signed(i.lead - Math.max(i.fixed, i.vol))} | ${pct(row.real.lead)} | ${pct(row.real.model)} | ${pct(row.real.fixed)} | ${pct(row.real.vol)} | ${l.brierSkill.model?.toFixed(3) ?? '—'} / ${b.brierSkill.model?.toFixed(3) ?? '—'} | ${calibration(l)} / ${calibration(b)} |`,
  );
}
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
for (const [label, sel] of [
  ['alt files', rows.filter((r) => r.alt)],
  ['alt files with a leader', rows.filter((r) => r.alt && lead.find((l) => l.file === r.file)?.leader)],
  ['BTC/ETH files', rows.filter((r) => !r.alt)],
] as const) {
  if (sel.length === 0) continue;
  const m = (f: (r: Row) => number): string => pct(mean(sel.map(f)));
  const gate = sel.filter((r) => r.interp.lead >= Math.max(r.interp.fixed, r.interp.vol) - 0.01).length;
  const gateModel = sel.filter((r) => r.interp.model >= Math.max(r.interp.fixed, r.interp.vol) - 0.01).length;
  const better = sel.filter((r) => r.interp.lead > r.interp.model).length;
  const worse = sel.filter((r) => r.interp.lead < r.interp.model).length;
  console.log(
    `\n${label} (${sel.length}), mean @0.3: +leader ${m((r) => r.interp.lead)}, model ${m((r) => r.interp.model)}, fixed ${m((r) => r.interp.fixed)}, vol ${m((r) => r.interp.vol)}, MR ${m((r) => r.interp.mr)}; best point without always-on: +leader ${m((r) => r.real.lead)}, model ${m((r) => r.real.model)}, fixed ${m((r) => r.real.fixed)}, vol ${m((r) => r.real.vol)}; +leader above model on ${better}, below on ${worse}; gate ≥ max(fixed, vol) − 1 @0.3: +leader ${gate} of ${sel.length}, model ${gateModel} of ${sel.length}`,
  );
}
