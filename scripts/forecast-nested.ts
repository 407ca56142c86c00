// Nested out-of-sample choice among model variants (issue 12, FORECAST.md §8.19): each variant is one
// saved forecast-eval run (same files, same scheme); for every scored file the variant is chosen on the
// OTHER files of the scheme only (leave-one-asset-out: files of other assets; leave-one-crash-out: every
// other file), by the mean of the model's recall@15 interpolated at the budget, and read on the scored
// file. Ties go to the variant listed first (list the shipped model first).
//
//   npx tsx scripts/forecast-nested.ts --scheme loao --variant 1=RUN.json --variant 0.5=RUN2.json ...
import { readFileSync } from 'node:fs';
import { assetOfFile } from '../src/backtest/pooled';
import type { FileResult } from './forecast-eval';

type Rule = 'model' | 'fixedDistance' | 'volScaled' | 'mr80';
interface Variant {
  label: string;
  byFile: Map<string, FileResult>;
}

export interface NestedRow {
  file: string;
  chosen: string;
  /** Mean interpolated model recall@15 of each variant on the training files. */
  training: Record<string, number>;
  atBudget: Record<Rule, number | null>;
  bestReal: Record<Rule, number | null>;
}

const interp = (r: FileResult | undefined): number => r?.atBudget?.model ?? 0;

/** The nested choice: pure, so the unit test can check it never looks at the scored file. */
export function nestedChoice(variants: readonly Variant[], scheme: 'loao' | 'loco'): NestedRow[] {
  const files = [...variants[0]!.byFile.keys()];
  for (const v of variants)
    for (const f of files) if (!v.byFile.has(f)) throw new Error(`variant ${v.label} has no result for ${f}`);
  return files.map((file) => {
    const train = files.filter((f) => (scheme === 'loao' ? assetOfFile(f) !== assetOfFile(file) : f !== file));
    const training: Record<string, number> = {};
    let chosen = variants[0]!;
    for (const v of variants) {
      training[v.label] = train.reduce((s, f) => s + interp(v.byFile.get(f)), 0) / Math.max(1, train.length);
      if (training[v.label]! > training[chosen.label]!) chosen = v;
    }
    const r = chosen.byFile.get(file)!;
    const rules: Rule[] = ['model', 'fixedDistance', 'volScaled', 'mr80'];
    return {
      file,
      chosen: chosen.label,
      training,
      atBudget: Object.fromEntries(rules.map((k) => [k, r.atBudget?.[k] ?? null])) as Record<Rule, number | null>,
      bestReal: Object.fromEntries(rules.map((k) => [k, r.bestReal?.[k].recall15m ?? null])) as Record<Rule, number | null>,
    };
  });
}

function main(): void {
  const argv = process.argv.slice(2);
  let scheme: 'loao' | 'loco' = 'loao';
  const variants: Variant[] = [];
  for (let i = 0; i < argv.length; i++) {
    const v = argv[++i];
    if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    if (argv[i - 1] === '--scheme') {
      if (v !== 'loao' && v !== 'loco') throw new Error('--scheme is loao or loco');
      scheme = v;
    } else if (argv[i - 1] === '--variant') {
      const at = v.indexOf('=');
      if (at < 1) throw new Error('--variant is LABEL=RUN.json');
      const results = (JSON.parse(readFileSync(v.slice(at + 1), 'utf8')) as { results: FileResult[] }).results;
      variants.push({ label: v.slice(0, at), byFile: new Map(results.filter((r) => r.population === 'all').map((r) => [r.file, r])) });
    } else throw new Error(`unknown option ${argv[i - 1]}`);
  }
  if (variants.length === 0) throw new Error('usage: forecast-nested.ts --scheme loao|loco --variant LABEL=RUN.json ...');
  const rows = nestedChoice(variants, scheme);
  const pct = (v: number | null): string => (v === null ? '—' : (v * 100).toFixed(1));
  const isAlt = (f: string): boolean => !/_(BTC|ETH)USDT_/.test(f);
  console.log(`nested choice (${scheme}) among ${variants.map((v) => v.label).join(', ')}: recall@15 interpolated at the budget (best point without always-on points)`);
  console.log('| file | chosen | model | fixed distance | vol-scaled | MR family | model − max(fixed, vol) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const margin = (r.atBudget.model ?? 0) - Math.max(r.atBudget.fixedDistance ?? 0, r.atBudget.volScaled ?? 0);
    const cell = (k: Rule): string => `${pct(r.atBudget[k])} (${pct(r.bestReal[k])})`;
    console.log(`| ${r.file.replace(/^binance_(um|spot)_/, '').replace(/\.csv(\.gz)?$/, '')} | ${r.chosen} | ${cell('model')} | ${cell('fixedDistance')} | ${cell('volScaled')} | ${cell('mr80')} | ${(margin * 100).toFixed(1)} |`);
  }
  const alts = rows.filter((r) => isAlt(r.file));
  const mean = (k: Rule, read: 'atBudget' | 'bestReal'): string => pct(alts.reduce((s, r) => s + (r[read][k] ?? 0), 0) / Math.max(1, alts.length));
  const rules: Rule[] = ['model', 'fixedDistance', 'volScaled', 'mr80'];
  console.log(`alt mean (${alts.length} files), interpolated: ${rules.map((k) => `${k} ${mean(k, 'atBudget')}`).join(', ')}`);
  console.log(`alt mean, best point without always-on: ${rules.map((k) => `${k} ${mean(k, 'bestReal')}`).join(', ')}`);
  const gate = alts.filter((r) => (r.atBudget.model ?? 0) >= Math.max(r.atBudget.fixedDistance ?? 0, r.atBudget.volScaled ?? 0) - 0.01).length;
  console.log(`alt files with model ≥ max(fixed, vol) − 1 point (interpolated): ${gate} of ${alts.length}`);
}

if (process.argv[1]?.endsWith('forecast-nested.ts')) main();
