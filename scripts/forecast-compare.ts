// Before/after table and the issue-12 targets from two saved harness runs (scripts/forecast-eval.ts --json):
//   npx tsx scripts/forecast-compare.ts BEFORE.json AFTER.json
// Baseline rules are read from AFTER (they do not depend on the model, so both runs hold the same values).
import { readFileSync } from 'node:fs';
import type { FileResult } from './forecast-eval';

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: forecast-compare.ts BEFORE.json AFTER.json');
const load = (f: string): FileResult[] => (JSON.parse(readFileSync(f, 'utf8')) as { results: FileResult[] }).results.filter((r) => r.population === 'all' && r.best.model.recall15m !== null);
const before = load(beforeFile);
const after = load(afterFile);
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : (v * 100).toFixed(1));
const isAlt = (f: string): boolean => !/_(BTC|ETH)USDT_/.test(f);

function calRange(r: FileResult, bins: FileResult['reliability']): { text: string; ok: boolean } {
  const ratios = bins.filter((b) => b.lo >= 0.01 && b.events >= 30 && b.predicted).map((b) => b.observed! / b.predicted!);
  if (ratios.length === 0) return { text: '—', ok: true };
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  return { text: `${lo.toFixed(2)}–${hi.toFixed(2)}`, ok: lo >= 0.67 && hi <= 1.5 };
}

console.log('| file | model before | model after | fixed distance | vol-scaled | MR family | after − max(fixed, vol) | BSS before | BSS after | calib. obs/pred 1 h after (15 min) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const rows = after.map((a) => {
  const b = before.find((x) => x.file === a.file);
  const best = Math.max(a.best.fixedDistance.recall15m ?? 0, a.best.volScaled.recall15m ?? 0);
  const margin = (a.best.model.recall15m ?? 0) - best;
  const c1 = calRange(a, a.reliability);
  const c15 = calRange(a, a.reliability15);
  console.log(`| ${a.file} | ${pct(b?.best.model.recall15m)} | ${pct(a.best.model.recall15m)} | ${pct(a.best.fixedDistance.recall15m)} | ${pct(a.best.volScaled.recall15m)} | ${pct(a.best.mr80.recall15m)} | ${(margin * 100).toFixed(1)} | ${b?.brierSkill.model?.toFixed(3) ?? '—'} | ${a.brierSkill.model?.toFixed(3) ?? '—'} | ${c1.text} (${c15.text}) |`);
  return { a, b, margin, fixedMargin: (a.best.model.recall15m ?? 0) - (a.best.fixedDistance.recall15m ?? 0), calOk: c1.ok && c15.ok };
});
const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
const alts = rows.filter((r) => isAlt(r.a.file));
const majors = rows.filter((r) => !isAlt(r.a.file));
const m = (sel: typeof rows, f: (r: (typeof rows)[number]) => number | null | undefined): string => pct(mean(sel.map((r) => f(r) ?? 0)));
console.log('');
console.log(`alts (${alts.length} files) mean best recall@15: model before ${m(alts, (r) => r.b?.best.model.recall15m)}, after ${m(alts, (r) => r.a.best.model.recall15m)}; fixed distance ${m(alts, (r) => r.a.best.fixedDistance.recall15m)}; vol-scaled ${m(alts, (r) => r.a.best.volScaled.recall15m)}; MR family ${m(alts, (r) => r.a.best.mr80.recall15m)}`);
console.log(`target: model ≥ max(fixed, vol) − 1 point on every alt file: ${alts.filter((r) => r.margin >= -0.01).length} of ${alts.length}`);
console.log(`target: mean over alt files ≥ best baseline mean + 3 points: model ${m(alts, (r) => r.a.best.model.recall15m)} vs best baseline mean ${pct(Math.max(...(['fixedDistance', 'volScaled', 'mr80'] as const).map((k) => mean(alts.map((r) => r.a.best[k].recall15m ?? 0)))))}`);
console.log(`held-out proxy: model ≥ fixed distance − 1 point on ${alts.filter((r) => r.fixedMargin >= -0.01).length} of ${alts.length} alt files; model > 3 points below fixed distance on ${alts.filter((r) => r.fixedMargin < -0.03).length}`);
console.log(`target: BTC/ETH no worse than before by > 1 point: ${majors.map((r) => `${r.a.file.slice(0, 30)} ${((((r.a.best.model.recall15m ?? 0) - (r.b?.best.model.recall15m ?? 0)) * 100).toFixed(1))}`).join('; ')}`);
console.log(`target: Brier skill > 0 on every file: ${rows.filter((r) => (r.a.brierSkill.model ?? -1) > 0).length} of ${rows.length}`);
console.log(`target: calibration 0.67–1.5 in every bin ≥ 1 % with ≥ 30 events (1 h and 15 min): ${rows.filter((r) => r.calOk).length} of ${rows.length} files`);

// The always-on artefact (§8.8): the same reading with every rule's always-on points excluded.
const withReal = rows.filter((r) => r.a.bestReal && r.a.bestShare);
if (withReal.length > 0) {
  const share = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(0)} %`);
  console.log('');
  console.log('| file | share in alert at best point: model / fixed / vol | model | fixed distance | vol-scaled | MR family | model − max(fixed, vol) |');
  console.log('|---|---|---|---|---|---|---|');
  const real = withReal.map(({ a }) => {
    const br = a.bestReal!;
    const margin = (br.model.recall15m ?? 0) - Math.max(br.fixedDistance.recall15m ?? 0, br.volScaled.recall15m ?? 0);
    console.log(`| ${a.file} | ${share(a.bestShare!.model)} / ${share(a.bestShare!.fixedDistance)} / ${share(a.bestShare!.volScaled)} | ${pct(br.model.recall15m)} | ${pct(br.fixedDistance.recall15m)} | ${pct(br.volScaled.recall15m)} | ${pct(br.mr80.recall15m)} | ${(margin * 100).toFixed(1)} |`);
    return { a, margin, fixedMargin: (br.model.recall15m ?? 0) - (br.fixedDistance.recall15m ?? 0) };
  });
  const ra = real.filter((r) => isAlt(r.a.file));
  const mr = (k: 'model' | 'fixedDistance' | 'volScaled' | 'mr80'): number => mean(ra.map((r) => r.a.bestReal![k].recall15m ?? 0));
  console.log('');
  console.log(`without always-on points, alts (${ra.length}) mean: model ${pct(mr('model'))}, fixed distance ${pct(mr('fixedDistance'))}, vol-scaled ${pct(mr('volScaled'))}, MR family ${pct(mr('mr80'))}`);
  console.log(`without always-on points: model ≥ max(fixed, vol) − 1 on ${ra.filter((r) => r.margin >= -0.01).length} of ${ra.length} alt files; ≥ fixed − 1 on ${ra.filter((r) => r.fixedMargin >= -0.01).length} of ${ra.length}`);
}

// Grid-free reading: recall@15 interpolated at exactly the budget (null = the rule never spends it).
const withInterp = rows.filter((r) => r.a.atBudget);
if (withInterp.length > 0) {
  console.log('');
  console.log('| file | model | fixed distance | vol-scaled | MR family | model − max(fixed, vol) |');
  console.log('|---|---|---|---|---|---|');
  const ib = withInterp.map(({ a }) => {
    const x = a.atBudget!;
    const base = Math.max(x.fixedDistance ?? 0, x.volScaled ?? 0);
    const margin = x.model === null ? null : x.model - base;
    console.log(`| ${a.file} | ${pct(x.model)} | ${pct(x.fixedDistance)} | ${pct(x.volScaled)} | ${pct(x.mr80)} | ${margin === null ? '—' : (margin * 100).toFixed(1)} |`);
    return { a, margin };
  });
  const ia = ib.filter((r) => isAlt(r.a.file) && r.margin !== null);
  console.log('');
  const mi = (k: 'model' | 'fixedDistance' | 'volScaled' | 'mr80'): string => pct(mean(ia.map((r) => r.a.atBudget![k] ?? 0)));
  console.log(`interpolated at the budget, alts (${ia.length}) mean: model ${mi('model')}, fixed distance ${mi('fixedDistance')}, vol-scaled ${mi('volScaled')}, MR family ${mi('mr80')}`);
  console.log(`interpolated at the budget: model ≥ max(fixed, vol) − 1 on ${ia.filter((r) => r.margin! >= -0.01).length} of ${ia.length} alt files with a model value`);
}
