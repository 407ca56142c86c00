// Blend rule evaluated out of sample (issue 12, FORECAST.md §8.14): alert when the model's calibrated
// P(1 h) ≥ p OR distance to trigger ≤ d. Phase 1 counts the (p, d) grid on every file under its
// out-of-sample fold (--pool-params, as forecast-eval.ts writes them); phase 2 scores each file with
// operating points chosen on the OTHER files only (loao: other assets; loco: other files).
//
//   npx tsx scripts/forecast-blend.ts --data DIR [--data DIR2] [--match SUBSTR ...] --pool-params FOLDS.json
//       --scheme loao|loco [--objective pooled|per-file] [--funding-dir DIR] [--cache DIR] [--jobs 1|2] [--compare EVAL.json] [--json OUT]
//
// --objective: how training files are combined when choosing each point (pooled counts by default).
// --compare: a forecast-eval.ts --json run on the same folds, for the model/fixed/vol/MR columns.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { candleFiles, fundingFor, loadSeries } from './forecast-data';
import type { FileResult } from './forecast-eval';
import { blendGridOfFile, blendPointOn, BLEND_D, BLEND_P, selectBlendSweep, type BlendGrid, type BlendObjective } from '../src/backtest/blend';
import { interpolateAtBudget } from '../src/backtest/metrics';
import { assetOfFile, loadPooledParams, poolBookFor } from '../src/backtest/pooled';
import { V3_MODEL_SIGMA } from '../src/backtest/replay';

// The readings of forecast-eval.ts (importing its values would run its main).
const EVAL_BUDGET = 0.3;
const ALWAYS_ON = 0.9;

interface Args {
  data: string[];
  match: string[];
  poolParams: string;
  scheme: 'loao' | 'loco';
  fundingDir: string | null;
  cache: string | null;
  jobs: number;
  compare: string | null;
  json: string | null;
  child: string | null;
  objective: BlendObjective;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { data: [], match: [], poolParams: '', scheme: 'loao', fundingDir: null, cache: null, jobs: 1, compare: null, json: null, child: null, objective: 'pooled' };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const need = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value`);
      return v;
    };
    if (f === '--data') a.data.push(need());
    else if (f === '--match') a.match.push(need());
    else if (f === '--pool-params') a.poolParams = need();
    else if (f === '--scheme') {
      const s = need();
      if (s !== 'loao' && s !== 'loco') throw new Error('--scheme is loao or loco');
      a.scheme = s;
    } else if (f === '--funding-dir') a.fundingDir = need();
    else if (f === '--cache') a.cache = need();
    else if (f === '--jobs') a.jobs = Math.min(2, Math.max(1, Number(need()) | 0));
    else if (f === '--compare') a.compare = need();
    else if (f === '--json') a.json = need();
    else if (f === '--child') a.child = need();
    else if (f === '--objective') {
      const o = need();
      if (o !== 'pooled' && o !== 'per-file') throw new Error('--objective is pooled or per-file');
      a.objective = o;
    }
    else throw new Error(`unknown option ${f}`);
  }
  if (!a.poolParams) throw new Error('--pool-params FOLDS.json is required (the blend is scored out of sample only)');
  if (a.data.length === 0 && !a.child) throw new Error('at least one --data DIR is required');
  return a;
}

function gridOf(file: string, args: Args): BlendGrid {
  const key = args.cache ? join(args.cache, `blend.${basename(file)}.${basename(args.poolParams)}`) : null;
  if (key && existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as BlendGrid;
  const pooled = loadPooledParams(resolve(args.poolParams));
  const g = blendGridOfFile(
    { series: loadSeries(file, args.cache), funding: fundingFor(file, args.fundingDir), book: { modelSigma: V3_MODEL_SIGMA, ...poolBookFor(pooled, basename(file)) } },
    basename(file),
  );
  if (key) writeFileSync(key, JSON.stringify(g));
  return g;
}

function runChild(file: string, args: Args): Promise<BlendGrid> {
  const childArgs = [...process.execArgv, process.argv[1]!, '--child', file, '--pool-params', args.poolParams];
  if (args.cache) childArgs.push('--cache', args.cache);
  if (args.fundingDir) childArgs.push('--funding-dir', args.fundingDir);
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res(JSON.parse(out) as BlendGrid) : rej(new Error(`${basename(file)}: child exited with ${code}`))));
  });
}

export interface BlendResult {
  file: string;
  /** The sweep chosen on the other files, with its readings on this file. */
  points: { budget: number; p: number | null; d: number | null; trainFa: number; fa: number; recall15m: number; share: number }[];
  best: number | null;
  atBudget: number | null;
  /** Cross-check: the pure model / pure fixed-distance cells of the grid read the same way. */
  modelAtBudget: number | null;
  fixedAtBudget: number | null;
}

function scoreFile(g: BlendGrid, all: readonly BlendGrid[], scheme: 'loao' | 'loco', objective: BlendObjective): BlendResult {
  const train = all.filter((o) => (scheme === 'loao' ? assetOfFile(o.file) !== assetOfFile(g.file) : o.file !== g.file));
  const sweep = selectBlendSweep(train, ALWAYS_ON, objective);
  const points = sweep.map((s) => {
    const r = blendPointOn(g, s.pi, s.di);
    return { budget: s.budget, p: s.p, d: s.d, trainFa: s.trainFa, fa: r.fa, recall15m: r.recall[2]!, share: r.share };
  });
  const within = points.filter((p) => p.fa <= EVAL_BUDGET && p.share < ALWAYS_ON);
  const interp = (pts: { fa: number; recall15m: number }[]): number | null =>
    interpolateAtBudget(pts.map((p) => ({ falseAlarmsPerPositionDay: p.fa, recall15m: p.recall15m })), EVAL_BUDGET, (p) => ({ recall15m: p.recall15m }))?.recall15m ?? null;
  const pure = (pis: number[], dis: number[]): number | null => interp(pis.map((pi, i) => ({ ...blendPointOn(g, pi, dis[i]!), recall15m: blendPointOn(g, pi, dis[i]!).recall[2]! })));
  return {
    file: g.file,
    points,
    best: within.length ? Math.max(...within.map((p) => p.recall15m)) : null,
    atBudget: interp(points),
    modelAtBudget: pure(BLEND_P.map((_, i) => i), BLEND_P.map(() => -1)),
    fixedAtBudget: pure(BLEND_D.map(() => -1), BLEND_D.map((_, i) => i)),
  };
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '   — ' : (v * 100).toFixed(1).padStart(5));

function report(results: BlendResult[], compare: FileResult[] | null, scheme: string): string {
  const lines = [`blend (P(1 h) ≥ p OR distance ≤ d), points chosen on the other files (${scheme}); recall@15 %: best ≤ ${EVAL_BUDGET} FA/pos-day without always-on | interpolated at ${EVAL_BUDGET}`];
  lines.push(['file'.padEnd(46), 'blend best', 'model', 'fixed', 'vol', 'MR', '| blend@0.3', 'model', 'fixed', 'vol', 'MR', 'blend−max(f,v)', 'check model/fixed@0.3 from grid'].join(' '));
  const means: Record<string, number[]> = {};
  const add = (k: string, v: number | null | undefined): void => void (means[k] ??= []).push(v ?? NaN);
  for (const r of results) {
    const c = compare?.find((x) => x.file === r.file && x.population === 'all');
    const at = c?.atBudget;
    const br = c?.bestReal;
    const gap = r.atBudget !== null && at ? r.atBudget - Math.max(at.fixedDistance ?? 0, at.volScaled ?? 0) : null;
    const alt = !/_(BTC|ETH)USDT_/.test(r.file);
    if (alt) {
      add('blendBest', r.best);
      add('blendAt', r.atBudget);
      for (const k of ['model', 'fixedDistance', 'volScaled', 'mr80'] as const) {
        add(`best.${k}`, br?.[k].recall15m);
        add(`at.${k}`, at?.[k]);
      }
      add('pass', gap !== null && gap >= -0.01 ? 1 : 0);
    }
    lines.push(
      [
        r.file.replace(/^binance_(um_)?/, '').padEnd(46),
        pct(r.best).padStart(10),
        pct(br?.model.recall15m),
        pct(br?.fixedDistance.recall15m),
        pct(br?.volScaled.recall15m),
        pct(br?.mr80.recall15m),
        '|',
        pct(r.atBudget).padStart(9),
        pct(at?.model),
        pct(at?.fixedDistance),
        pct(at?.volScaled),
        pct(at?.mr80),
        (gap === null ? '—' : (gap * 100).toFixed(1)).padStart(14),
        `   ${pct(r.modelAtBudget)} ${pct(r.fixedAtBudget)}`,
      ].join(' '),
    );
  }
  const m = (k: string): string => {
    const xs = means[k] ?? [];
    return xs.length ? (xs.some(Number.isNaN) ? ' n/a ' : pct(xs.reduce((s, x) => s + x, 0) / xs.length)) : '  —  ';
  };
  lines.push(
    `alt files (${(means.blendAt ?? []).length}): mean best: blend ${m('blendBest')}, model ${m('best.model')}, fixed ${m('best.fixedDistance')}, vol ${m('best.volScaled')}, MR ${m('best.mr80')}; ` +
      `mean @0.3: blend ${m('blendAt')}, model ${m('at.model')}, fixed ${m('at.fixedDistance')}, vol ${m('at.volScaled')}, MR ${m('at.mr80')}; ` +
      `blend ≥ max(fixed, vol) − 1 @0.3 on ${(means.pass ?? []).reduce((s, x) => s + x, 0)} of ${(means.pass ?? []).length}`,
  );
  lines.push('chosen sweeps (training budget → p, d; FA/pos-day and recall@15 on the scored file):');
  for (const r of results)
    lines.push(
      `${r.file.replace(/^binance_(um_)?/, '')}: ` +
        r.points.map((p) => `${p.budget}→(${p.p ?? '—'}, ${p.d ?? '—'}) ${p.fa.toFixed(2)}/${(p.recall15m * 100).toFixed(1)}`).join('; '),
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    process.stdout.write(JSON.stringify(gridOf(args.child, args)));
    return;
  }
  const files = candleFiles(args.data, args.match);
  if (files.length === 0) throw new Error('no candle files matched');
  const grids: BlendGrid[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const t0 = Date.now();
      grids[i] = args.jobs > 1 ? await runChild(files[i]!, args) : gridOf(files[i]!, args);
      process.stderr.write(`grid ${basename(files[i]!)}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, files.length) }, worker));
  const results = grids.map((g) => scoreFile(g, grids, args.scheme, args.objective));
  const compare = args.compare ? (JSON.parse(readFileSync(args.compare, 'utf8')) as { results: FileResult[] }).results : null;
  console.log(report(results, compare, `${args.scheme}, ${args.objective} training objective`));
  if (args.json) writeFileSync(args.json, JSON.stringify({ scheme: args.scheme, budget: EVAL_BUDGET, results }, null, 1) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`forecast-blend: ${(e as Error).message}\n`);
  process.exit(2);
});
