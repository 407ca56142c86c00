// Evaluation harness for the forecast (issue 12): runs the backtest protocol (src/backtest) on every
// candle file given, one file at a time, and prints per file each rule's best recall@15 min among its
// operating points at ≤ BUDGET false-alert episodes per position-day (the issue's reading), Brier skill
// and the model's reliability bins.
//
//   npx tsx scripts/forecast-eval.ts --data DIR [--data DIR2 ...] [--match SUBSTR ...] [--funding-dir DIR]
//       [--cache DIR] [--jobs 1|2] [--mode walk-forward|pooled] [--pool-params FILE.json] [--json OUT.json]
//
// --data: folders of candle files (every *.csv / *.csv.gz whose name contains _1m_/_5m_/_15m_/_1h); no
//   default on purpose (src/ and scripts never assume ../shared). --match keeps files whose name
//   contains one of the substrings (subsets while iterating). --cache: parsed candles are kept there as
//   Float64 binaries (parsing a gzipped month costs more than reading 5 arrays back). --jobs: files run
//   in that many child processes (capped at 2: the machine is shared). --mode pooled scores with the
//   out-of-sample parameters of --pool-params (see scripts/fit-forecast-pooled.ts): calibration maps and
//   tail priors fitted on OTHER files (leave-one-asset-out / leave-one-crash-out keys).
// --leader FILE (repeatable, off by default): market-wide stress (§8.15). Each follower file gets the
//   finest leader file covering it (scripts/forecast-leader.ts); the multipliers are fitted on the
//   other files under --scheme (never on the scored file); files without a leader run unchanged.
// --range-variance (off by default, §8.21): the model's EWMA σ (and its floor) is fed each candle's
//   Garman–Klass variance instead of its squared close-to-close return; the baselines keep theirs.
// --seasonality (off by default, §8.22): the model's σ follows an intraday (UTC hour) volatility profile
//   fitted on the other files of the --scheme fold, never on the scored file.
// --volume-activity (off by default, §8.24): the model's variance follows the symbol's trading activity
//   (short/long EWMA of bar volume) with an exponent fitted on the other files of the --scheme fold.
// --placebo SD,SEED (off by default, §8.25): the model's σ times a persistent random factor unrelated to
//   the market (log-AR(1), fast half-life, stationary sd SD): how far the figures move by chance.
// --online-recalibration isotonic|odds (pooled only, off by default, §8.26): after the fold's maps, a second
//   stage per horizon learnt walk-forward on the scored file's own earlier blocks (one pair per position-hour):
//   an isotonic map, or one odds multiplier (calibration-in-the-large).
// --regime-calibration (pooled only, off by default): each fold also gets isotonic maps per σ/floor
//   regime bucket (§8.17), fitted on the same files as its calibration maps; thin buckets fall back.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { asymFoldsFor, candleFiles, activityFolds, classFloorPriors, contribute, fundingFor, loadSeries, seasonalFolds, type EvalOptions } from './forecast-data';
import type { IntradayProfile } from '../src/domain/forecast/seasonality';
import type { AsymFold } from '../src/backtest/asymFolds';
import {
  buildFolds,
  loadPooledParams,
  poolBookFor,
  type FileContribution,
  type PooledParams,
  type PoolScheme,
} from '../src/backtest/pooled';
import { interpolateAtBudget } from '../src/backtest/metrics';
import { DEFAULT_BOOK, type BookOptions } from '../src/backtest/replay';
import { leaderZSeries } from '../src/domain/forecast';
import { leaderFits, type LeaderFit } from './forecast-leader';
import {
  BacktestTotals,
  buildJson,
  runBacktestFile,
  THRESHOLDS,
  type BacktestJson,
  type PopulationJson,
  type RuleName,
} from '../src/backtest/run';

export const EVAL_BUDGET = 0.3;
/** An operating point that alerts on at least this share of all position-bars is "always on" (§8.8). */
export const ALWAYS_ON = 0.9;
const RULE_LABEL: Record<RuleName, string> = {
  model: 'model',
  fixedDistance: 'fixedDist',
  volScaled: 'volScaled',
  mr80: 'MRfamily',
};
const RULE_ORDER: RuleName[] = ['model', 'fixedDistance', 'volScaled', 'mr80'];

export interface FileResult {
  file: string;
  population: 'all' | 'le50';
  positionDays: number;
  breaches: number;
  best: Record<RuleName, { recall15m: number | null; threshold: number | null; fa: number | null }>;
  /** Share of position-bars in alert at the best point (≥ ALWAYS_ON = the always-on artefact). */
  bestShare?: Record<RuleName, number | null>;
  /**
   * recall@15 interpolated at exactly the budget between the two grid points around it (null when even
   * the loosest point stays under the budget, i.e. the rule never spends it: the always-on case).
   */
  atBudget?: Record<RuleName, number | null>;
  /** The same reading with always-on points excluded (every rule alike). */
  bestReal?: Record<RuleName, { recall15m: number | null; threshold: number | null; fa: number | null }>;
  brierSkill: Record<string, number | null>;
  reliability: PopulationJson['scores'][string]['reliability'];
  reliability15: PopulationJson['scores'][string]['reliability'];
  /** Set when the market-wide stress feature scored this file: its leader file and fitted multipliers. */
  leader?: { file: string; sigmaMultDown: number; sigmaMultUp: number; trainedOn: string[] };
}

interface Args {
  data: string[];
  match: string[];
  fundingDir: string | null;
  cache: string | null;
  jobs: number;
  mode: 'walk-forward' | 'pooled';
  poolParams: string | null;
  json: string | null;
  child: string | null;
  childPhase: 'score' | 'contribute';
  scheme: PoolScheme;
  termStructure: boolean;
  floorQuantile: number;
  byClass: boolean;
  byRegime: boolean;
  /** Asymmetric volatility (§8.16): shrinkage of the fitted multipliers; null = off (the default). */
  asymShrink: number | null;
  /** Keep only multipliers above 1 (exploratory variant). */
  asymRaiseOnly: boolean;
  asymFile: string | null;
  leaders: string[];
  leaderFits: string | null;
  leaderForceMult: number | null;
  /** Release bands of the alert rules (§8.18); null = none (the protocol's plain thresholds). */
  releaseProbability: number | null;
  releaseBaselines: { distanceFactor: number; ratioBelow: number } | null;
  /** Exponent α of the model σ's excess over its floor (§8.19); null = plain σ. */
  sigmaShrink: number | null;
  /** Weight (days) of the class floor from other files against the file's own floor (§8.20); null = off. */
  floorPriorDays: number | null;
  floorPriorFile: string | null;
  /** Model σ from each candle's Garman–Klass variance instead of its squared return (§8.21). */
  rangeVariance: boolean;
  /** Intraday volatility profile per scored file, fitted on its fold's other files (§8.22). */
  seasonality: boolean;
  seasonalityFile: string | null;
  /** Volume-activity exponent per scored file, fitted on its fold's other files (§8.24). */
  volumeActivity: boolean;
  activityFile: string | null;
  /** Placebo σ factor (§8.25), null = off. */
  placebo: { sd: number; seed: number } | null;
  /** Second-stage calibration on the scored file's own past blocks (§8.26). */
  onlineRecalibration: 'isotonic' | 'odds' | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    data: [],
    match: [],
    fundingDir: null,
    cache: null,
    jobs: 1,
    mode: 'walk-forward',
    poolParams: null,
    json: null,
    child: null,
    childPhase: 'score',
    scheme: 'leave-one-asset-out',
    termStructure: false,
    floorQuantile: 0.1,
    byClass: false,
    byRegime: false,
    asymShrink: null,
    asymRaiseOnly: false,
    asymFile: null,
    leaders: [],
    leaderFits: null,
    leaderForceMult: null,
    releaseProbability: null,
    releaseBaselines: null,
    sigmaShrink: null,
    floorPriorDays: null,
    floorPriorFile: null,
    rangeVariance: false,
    seasonality: false,
    seasonalityFile: null,
    volumeActivity: false,
    activityFile: null,
    placebo: null,
    onlineRecalibration: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[i + 1];
    const need = (): string => {
      if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value`);
      i++;
      return v;
    };
    /** The option's value as a number that passes ok, else an error naming the accepted range. */
    const num = (ok: (q: number) => boolean, range: string): number => {
      const q = Number(need());
      if (!ok(q)) throw new Error(`${f} is ${range}`);
      return q;
    };
    if (f === '--data') a.data.push(need());
    else if (f === '--match') a.match.push(need());
    else if (f === '--funding-dir') a.fundingDir = need();
    else if (f === '--cache') a.cache = need();
    else if (f === '--jobs') a.jobs = Math.min(2, Math.max(1, Number(need()) | 0));
    else if (f === '--mode') {
      const m = need();
      if (m !== 'walk-forward' && m !== 'pooled') throw new Error('--mode is walk-forward or pooled');
      a.mode = m;
    } else if (f === '--pool-params') a.poolParams = need();
    else if (f === '--json') a.json = need();
    else if (f === '--child') a.child = need();
    else if (f === '--child-phase') a.childPhase = need() === 'contribute' ? 'contribute' : 'score';
    else if (f === '--scheme') {
      const m = need();
      if (m !== 'loao' && m !== 'loco')
        throw new Error('--scheme is loao (leave one asset out) or loco (leave one crash out)');
      a.scheme = m === 'loao' ? 'leave-one-asset-out' : 'leave-one-crash-out';
    } else if (f === '--term-structure') a.termStructure = true;
    else if (f === '--leader') a.leaders.push(need());
    else if (f === '--leader-fits') a.leaderFits = need();
    // Sensitivity only: multipliers forced instead of fitted (never a reported result).
    else if (f === '--leader-force-mult') a.leaderForceMult = num((m) => m >= 1 && m <= 3, 'in [1, 3]');
    // The model's alert stays on while P ≥ F × threshold (the app's band: DEFAULT_DANGER_POLICY, 0.6).
    else if (f === '--release-probability') a.releaseProbability = num((q) => q > 0 && q <= 1, 'in (0, 1]');
    else if (f === '--release-baselines') {
      // Sensitivity: the baselines get bands too (distance ≤ F × threshold; margin ratio ≥ threshold − R).
      const [fs, rs] = need().split(',');
      const df = Number(fs);
      const rb = Number(rs);
      if (!(df >= 1 && df <= 10) || !(rb >= 0 && rb < 1)) throw new Error('--release-baselines is F,R with F in [1, 10] and R in [0, 1)');
      a.releaseBaselines = { distanceFactor: df, ratioBelow: rb };
    }
    else if (f === '--sigma-shrink') a.sigmaShrink = num((q) => q >= 0 && q <= 1, 'in [0, 1]');
    else if (f === '--floor-prior-days') a.floorPriorDays = num((q) => q > 0, 'a positive number of days');
    else if (f === '--floor-prior-file') a.floorPriorFile = need();
    else if (f === '--range-variance') a.rangeVariance = true;
    else if (f === '--seasonality') a.seasonality = true;
    else if (f === '--seasonality-file') a.seasonalityFile = need();
    else if (f === '--volume-activity') a.volumeActivity = true;
    else if (f === '--activity-file') a.activityFile = need();
    else if (f === '--online-recalibration') {
      const m = need();
      if (m !== 'isotonic' && m !== 'odds') throw new Error('--online-recalibration is isotonic or odds');
      a.onlineRecalibration = m;
    }
    else if (f === '--placebo') {
      const [sd, seed] = need().split(',').map(Number);
      if (!(sd! > 0 && sd! < 1) || !Number.isInteger(seed)) throw new Error('--placebo needs SD,SEED (0 < SD < 1, integer seed)');
      a.placebo = { sd: sd!, seed: seed! };
    }
    else if (f === '--class-calibration') a.byClass = true;
    else if (f === '--regime-calibration') a.byRegime = true;
    else if (f === '--asym-shrink') a.asymShrink = num((q) => q >= 0 && q <= 1, 'in [0, 1]');
    else if (f === '--asym-file') a.asymFile = need();
    else if (f === '--asym-raise-only') a.asymRaiseOnly = true;
    else if (f === '--floor-quantile') a.floorQuantile = num((q) => q > 0 && q < 1, 'in (0, 1)');
    else throw new Error(`unknown option ${f}`);
  }
  if (a.asymShrink !== null && a.mode !== 'pooled')
    throw new Error('--asym-shrink needs --mode pooled (its multipliers are fitted on the fold of each file)');
  if (a.onlineRecalibration && a.mode !== 'pooled')
    throw new Error('--online-recalibration needs --mode pooled (it recalibrates the fold maps)');
  if (a.data.length === 0 && !a.child)
    throw new Error('at least one --data DIR is required (no default data path)');
  return a;
}

/** The issue's reading: the best recall@15 min among operating points within the budget. */
export function bestWithinBudget(
  pop: PopulationJson,
  rule: RuleName,
  budget: number,
  share?: readonly number[],
  maxShare = Infinity,
): { recall15m: number | null; threshold: number | null; fa: number | null } {
  let best: { recall15m: number | null; threshold: number | null; fa: number | null } = {
    recall15m: null,
    threshold: null,
    fa: null,
  };
  for (const [i, p] of pop.rules[rule].operatingPoints.entries()) {
    if (p.falseAlarmsPerPositionDay > budget || p.recall15m === null) continue;
    if (share && (share[i] ?? 0) >= maxShare) continue;
    if (best.recall15m === null || p.recall15m > best.recall15m)
      best = { recall15m: p.recall15m, threshold: p.threshold, fa: p.falseAlarmsPerPositionDay };
  }
  return best;
}

/** Per rule and threshold: share of the population's position-bars in alert (not part of the backtest JSON). */
export function alertShares(totals: BacktestTotals, levs: number[]): Record<RuleName, number[]> {
  return Object.fromEntries(
    RULE_ORDER.map((r) => [
      r,
      THRESHOLDS[r].map((_, ti) => {
        let on = 0;
        let all = 0;
        for (const l of levs) {
          const a = totals.alerts.get(l)?.[r][ti];
          if (a) {
            on += a.onBars;
            all += a.bars;
          }
        }
        return all > 0 ? on / all : 0;
      }),
    ]),
  ) as Record<RuleName, number[]>;
}

function summarise(file: string, json: BacktestJson, totals: BacktestTotals): FileResult[] {
  const levs = [...totals.positionDays.keys()];
  const pops: ['all' | 'le50', PopulationJson, number[]][] = [['all', json, levs]];
  if (json.byLeverage?.le50) pops.push(['le50', json.byLeverage.le50, levs.filter((l) => l <= 50)]);
  return pops.map(([population, pop, popLevs]) => {
    const shares = alertShares(totals, popLevs);
    const best = Object.fromEntries(
      RULE_ORDER.map((r) => [r, bestWithinBudget(pop, r, EVAL_BUDGET)]),
    ) as FileResult['best'];
    return {
      file: basename(file),
      population,
      positionDays: pop.positionDays,
      breaches: pop.rules.model.operatingPoints[0]?.breaches ?? 0,
      best,
      bestShare: Object.fromEntries(
        RULE_ORDER.map((r) => [
          r,
          best[r].threshold === null ? null : (shares[r][THRESHOLDS[r].indexOf(best[r].threshold!)] ?? null),
        ]),
      ) as Record<RuleName, number | null>,
      atBudget: Object.fromEntries(
        RULE_ORDER.map((r) => [
          r,
          interpolateAtBudget(pop.rules[r].operatingPoints, EVAL_BUDGET, (p) => ({ recall15m: p.recall15m }))
            ?.recall15m ?? null,
        ]),
      ) as Record<RuleName, number | null>,
      bestReal: Object.fromEntries(
        RULE_ORDER.map((r) => [r, bestWithinBudget(pop, r, EVAL_BUDGET, shares[r], ALWAYS_ON)]),
      ) as FileResult['best'],
      brierSkill: Object.fromEntries(Object.entries(pop.scores).map(([k, s]) => [k, s.brierSkill])),
      reliability: pop.scores.model!.reliability,
      reliability15: pop.scoresByHorizon['15']!.reliability,
    };
  });
}

export function evaluateFile(file: string, opts: EvalOptions, fits: readonly LeaderFit[] = []): FileResult[] {
  const series = loadSeries(file, opts.cache);
  const funding = fundingFor(file, opts.fundingDir);
  const fit = fits.find((f) => f.follower === basename(file));
  const leaderSeries = fit ? loadSeries(fit.leader, opts.cache) : null;
  const book: Partial<BookOptions> = {
    modelSigma: opts.modelSigma,
    ...(opts.release ? { release: opts.release } : {}),
    ...(opts.onlineRecalibration ? { onlineRecalibration: opts.onlineRecalibration } : {}),
    ...(opts.asymmetry ? { asymmetry: opts.asymmetry } : {}),
    ...(opts.mode === 'pooled' && opts.pooled ? poolBookFor(opts.pooled, basename(file)) : {}),
    ...(fit && leaderSeries
      ? { leader: { z: leaderZSeries(leaderSeries.time, leaderSeries.close, leaderSeries.intervalMin), params: fit.params } }
      : {}),
  };
  const totals = new BacktestTotals();
  runBacktestFile({ series, funding, book }, totals);
  const out = summarise(file, buildJson(totals, true), totals);
  if (fit)
    for (const r of out)
      r.leader = {
        file: basename(fit.leader),
        sigmaMultDown: fit.params.sigmaMultDown,
        sigmaMultUp: fit.params.sigmaMultUp,
        trainedOn: fit.params.trainedOn,
      };
  return out;
}

const pct = (v: number | null): string => (v === null ? '  — ' : (v * 100).toFixed(1).padStart(5));

export function formatResults(results: FileResult[]): string {
  const lines: string[] = [];
  lines.push(
    `best recall@15m among operating points with ≤ ${EVAL_BUDGET} false-alert episodes per position-day (%), Brier skill at 1 h`,
  );
  lines.push(
    [
      'population',
      'file'.padEnd(46),
      ...RULE_ORDER.map((r) => RULE_LABEL[r].padStart(9)),
      '  BSS model',
      'BSS fixD',
      'BSS volS',
      '  calibration obs/pred 1h (bins ≥1% with ≥30 events)',
    ].join(' '),
  );
  for (const r of results) {
    const bins = r.reliability
      .filter((b) => b.lo >= 0.01 && b.events >= 30 && b.predicted)
      .map(
        (b) =>
          `${(b.lo * 100).toFixed(0)}–${(b.hi * 100).toFixed(0)}%:${(b.observed! / b.predicted!).toFixed(2)}`,
      )
      .join(' ');
    const bss = (k: string): string =>
      r.brierSkill[k] === null || r.brierSkill[k] === undefined
        ? '   —  '
        : r.brierSkill[k]!.toFixed(3).padStart(7);
    lines.push(
      [
        r.population.padEnd(10),
        r.file.padEnd(46),
        ...RULE_ORDER.map((k) => pct(r.best[k].recall15m).padStart(9)),
        `   ${bss('model')}`,
        ` ${bss('fixedDistance')}`,
        ` ${bss('volScaled')}`,
        `  ${bins}`,
      ].join(' '),
    );
  }
  for (const pop of ['all', 'le50'] as const) {
    const rs = results.filter((r) => r.population === pop && r.best.model.recall15m !== null);
    if (rs.length === 0) continue;
    const mean = (k: RuleName): number => rs.reduce((s, r) => s + (r.best[k].recall15m ?? 0), 0) / rs.length;
    const below = rs.filter(
      (r) => (r.best.model.recall15m ?? 0) < (r.best.fixedDistance.recall15m ?? 0) - 0.03,
    ).length;
    lines.push(
      `${pop}: mean over ${rs.length} files: ${RULE_ORDER.map((k) => `${RULE_LABEL[k]} ${pct(mean(k))}`).join(', ')}; model below fixed distance by > 3 points in ${below} of ${rs.length}`,
    );
  }
  // The always-on artefact: the same reading with every rule's always-on points excluded.
  lines.push(
    `without always-on points (≥ ${ALWAYS_ON * 100} % of position-bars in alert), same budget; [share in alert at the best point above]`,
  );
  for (const r of results) {
    if (!r.bestReal || !r.bestShare) continue;
    const cells = RULE_ORDER.map(
      (k) =>
        `${pct(r.bestReal![k].recall15m).padStart(9)} [${r.bestShare![k] === null ? ' — ' : (r.bestShare![k]! * 100).toFixed(0).padStart(3)}%]`,
    );
    lines.push([r.population.padEnd(10), r.file.padEnd(46), ...cells].join(' '));
  }
  lines.push(...classReliability(results));
  return lines.join('\n');
}

/** Reliability of the model's 1-hour and 15-minute probabilities pooled per asset class (alts vs BTC/ETH). */
export function classReliability(results: FileResult[]): string[] {
  const lines: string[] = [];
  const classOf = (f: string): string => (/_(BTC|ETH)USDT_/.test(f) ? 'BTC/ETH' : 'alts');
  for (const cls of ['alts', 'BTC/ETH']) {
    for (const [label, pick] of [
      ['1 h', (r: FileResult) => r.reliability],
      ['15 min', (r: FileResult) => r.reliability15],
    ] as const) {
      const rs = results.filter((r) => r.population === 'all' && classOf(r.file) === cls && pick(r));
      if (rs.length === 0) continue;
      const bins = pick(rs[0]!).map((b) => ({ lo: b.lo, hi: b.hi, n: 0, p: 0, y: 0 }));
      for (const r of rs)
        pick(r).forEach((b, i) => {
          bins[i]!.n += b.count;
          bins[i]!.p += (b.predicted ?? 0) * b.count;
          bins[i]!.y += b.events;
        });
      const cells = bins
        .filter((b) => b.n > 0)
        .map(
          (b) =>
            `${(b.lo * 100).toFixed(1)}–${(b.hi * 100).toFixed(0)}%: pred ${((b.p / b.n) * 100).toFixed(2)}% obs ${((b.y / b.n) * 100).toFixed(2)}% (${b.y} ev, ratio ${b.p > 0 ? (b.y / b.p).toFixed(2) : '—'})`,
        );
      lines.push(`reliability ${cls} ${label} (${rs.length} files, all leverages): ${cells.join('; ')}`);
    }
  }
  return lines;
}

async function runChild<T>(
  script: string,
  file: string,
  args: Args,
  phase: 'score' | 'contribute',
  poolFile: string | null,
): Promise<T> {
  const childArgs = [
    ...process.execArgv,
    script,
    '--child',
    file,
    '--child-phase',
    phase,
    '--mode',
    args.mode,
    '--floor-quantile',
    String(args.floorQuantile),
  ];
  if (args.termStructure) childArgs.push('--term-structure');
  if (args.rangeVariance) childArgs.push('--range-variance');
  if (args.seasonalityFile) childArgs.push('--seasonality-file', args.seasonalityFile);
  if (args.activityFile) childArgs.push('--activity-file', args.activityFile);
  if (args.placebo) childArgs.push('--placebo', `${args.placebo.sd},${args.placebo.seed}`);
  if (args.onlineRecalibration) childArgs.push('--online-recalibration', args.onlineRecalibration);
  if (args.sigmaShrink !== null) childArgs.push('--sigma-shrink', String(args.sigmaShrink));
  if (args.floorPriorDays !== null && args.floorPriorFile) childArgs.push('--floor-prior-days', String(args.floorPriorDays), '--floor-prior-file', args.floorPriorFile);
  if (args.cache) childArgs.push('--cache', args.cache);
  if (args.fundingDir) childArgs.push('--funding-dir', args.fundingDir);
  if (poolFile) childArgs.push('--pool-params', poolFile);
  if (args.asymFile) childArgs.push('--asym-file', args.asymFile);
  if (args.leaderFits) childArgs.push('--leader-fits', args.leaderFits);
  if (args.releaseProbability !== null) childArgs.push('--release-probability', String(args.releaseProbability));
  if (args.releaseBaselines) childArgs.push('--release-baselines', `${args.releaseBaselines.distanceFactor},${args.releaseBaselines.ratioBelow}`);
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', rej);
    child.on('exit', (code) =>
      code === 0 ? res(JSON.parse(out) as T) : rej(new Error(`${basename(file)}: child exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const reportAt = process.argv.indexOf('--report');
  if (reportAt > 0) {
    // Reprint a saved run (the --json of an earlier run) without recomputing anything.
    const saved = JSON.parse(readFileSync(process.argv[reportAt + 1]!, 'utf8')) as { results: FileResult[] };
    console.log(formatResults(saved.results));
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  let asymByFile: Record<string, AsymFold> | null = args.asymFile
    ? (JSON.parse(readFileSync(args.asymFile, 'utf8')) as Record<string, AsymFold>)
    : null;
  let floorPriors: Record<string, number> | null = args.floorPriorFile
    ? (JSON.parse(readFileSync(args.floorPriorFile, 'utf8')) as Record<string, number>)
    : null;
  let seasonByFile: Record<string, IntradayProfile> | null = args.seasonalityFile
    ? (JSON.parse(readFileSync(args.seasonalityFile, 'utf8')) as Record<string, IntradayProfile>)
    : null;
  let activityByFile: Record<string, { beta: number }> | null = args.activityFile
    ? (JSON.parse(readFileSync(args.activityFile, 'utf8')) as Record<string, { beta: number }>)
    : null;
  const opts = (pooled: PooledParams | null, file?: string): EvalOptions => {
    if (activityByFile && file && !activityByFile[basename(file)]) throw new Error(`no activity exponent for ${basename(file)}`);
    if (seasonByFile && file && !seasonByFile[basename(file)]) throw new Error(`no intraday profile for ${basename(file)}`);
    if (floorPriors && file && floorPriors[basename(file)] === undefined) throw new Error(`no floor prior for ${basename(file)}`);
    const asym = asymByFile && file ? asymByFile[basename(file)] : undefined;
    if (asymByFile && file && !asym) throw new Error(`no asymmetry fold for ${basename(file)}`);
    return {
      cache: args.cache,
      fundingDir: args.fundingDir,
      mode: args.mode,
      pooled,
      modelSigma: {
        termStructure: args.termStructure,
        floorQuantile: args.floorQuantile,
        ...(args.sigmaShrink !== null ? { shrink: args.sigmaShrink } : {}),
        ...(args.rangeVariance ? { rangeVariance: true } : {}),
        ...(seasonByFile && file ? { seasonality: seasonByFile[basename(file)]! } : {}),
        ...(activityByFile && file ? { activityBeta: activityByFile[basename(file)]!.beta } : {}),
        ...(args.placebo ? { placebo: args.placebo } : {}),
        ...(floorPriors && file ? { floorPrior: { perMin: floorPriors[basename(file)]!, days: args.floorPriorDays! } } : {}),
      },
      release: {
        ...(args.releaseProbability !== null ? { probabilityFactor: args.releaseProbability } : {}),
        ...(args.releaseBaselines
          ? { baselineDistanceFactor: args.releaseBaselines.distanceFactor, baselineRatioBelow: args.releaseBaselines.ratioBelow }
          : {}),
      },
      ...(args.onlineRecalibration ? { onlineRecalibration: args.onlineRecalibration } : {}),
      ...(asym ? { asymmetry: asym, asymTag: basename(args.asymFile ?? 'asym').replace(/\.json$/, '') } : {}),
    };
  };
  if (args.child) {
    const pooled = args.poolParams ? loadPooledParams(resolve(args.poolParams)) : null;
    const fits = args.leaderFits ? (JSON.parse(readFileSync(args.leaderFits, 'utf8')) as LeaderFit[]) : [];
    const out =
      args.childPhase === 'contribute'
        ? contribute(args.child, opts(null, args.child))
        : evaluateFile(args.child, opts(pooled, args.child), fits);
    process.stdout.write(JSON.stringify(out));
    return;
  }
  const files = candleFiles(args.data, args.match);
  if (files.length === 0) throw new Error('no candle files matched');
  const started = Date.now();
  const pool = async <T,>(label: string, run: (file: string) => Promise<T>): Promise<T[]> => {
    const results: T[] = new Array(files.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const t0 = Date.now();
        results[i] = await run(files[i]!);
        process.stderr.write(`${label} ${basename(files[i]!)}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.jobs, files.length) }, worker));
    return results;
  };
  if (args.asymShrink !== null) {
    // Multipliers per scored file, fitted on the files of its fold only (asymFolds).
    args.asymFile = asymFoldsFor(files, args.scheme, args.asymShrink, args.cache, args.asymRaiseOnly);
    asymByFile = JSON.parse(readFileSync(args.asymFile, 'utf8')) as Record<string, AsymFold>;
    process.stderr.write(`asymmetry multipliers written to ${args.asymFile}\n`);
  }
  if (args.floorPriorDays !== null) {
    // The class floor of each file from the other files of its fold (§8.20), shared with the children.
    floorPriors = classFloorPriors(files, args.scheme, args.cache);
    args.floorPriorFile = join(args.cache ?? '.', `floorprior.${args.scheme}.json`);
    writeFileSync(args.floorPriorFile, JSON.stringify(floorPriors));
    for (const [f, v] of Object.entries(floorPriors))
      process.stderr.write(`floor prior ${f}: ${(v * Math.sqrt(525_600) * 100).toFixed(0)} % annualised, weight ${args.floorPriorDays} days\n`);
  }
  if (args.seasonality) {
    // Each file's intraday profile from the other files of its fold (§8.22), shared with the children.
    seasonByFile = seasonalFolds(files, args.scheme, args.cache);
    args.seasonalityFile = join(args.cache ?? '.', `season.${args.scheme}.json`);
    writeFileSync(args.seasonalityFile, JSON.stringify(seasonByFile));
    for (const [f, p] of Object.entries(seasonByFile))
      process.stderr.write(`intraday profile for ${f}: ${p.map((v) => v.toFixed(2)).join(' ')}\n`);
  }
  if (args.volumeActivity) {
    // Each file's activity exponent from the other files of its fold (§8.24), shared with the children.
    const fitted = activityFolds(files, args.scheme, args.cache);
    activityByFile = fitted;
    args.activityFile = join(args.cache ?? '.', `activity.${args.scheme}.json`);
    writeFileSync(args.activityFile, JSON.stringify(fitted));
    for (const [f, v] of Object.entries(fitted)) process.stderr.write(`activity exponent for ${f}: β ${v.beta.toFixed(2)} (level ${v.c.toFixed(2)}, ${v.n} samples of other files)
`);
  }
  let poolFile: string | null = args.poolParams;
  if (args.mode === 'pooled' && !poolFile) {
    // Phase 1: every file's pass-1 pairs; phase 2 scores each file with the fold that excludes it.
    const contribs = await pool('pairs', async (f) =>
      args.jobs > 1
        ? runChild<FileContribution>(process.argv[1]!, f, args, 'contribute', null)
        : contribute(f, opts(null, f)),
    );
    const folds = buildFolds(
      args.scheme,
      contribs,
      DEFAULT_BOOK.tailX0,
      DEFAULT_BOOK.tailPrior,
      args.byClass,
      args.byRegime,
    );
    poolFile = join(
      args.cache ?? '.',
      `folds.${args.scheme}.${args.termStructure ? 'ts' : 'max'}.${args.floorQuantile}${args.sigmaShrink !== null ? `.shrink${args.sigmaShrink}` : ''}${args.floorPriorDays !== null ? `.fp${args.floorPriorDays}` : ''}${args.rangeVariance ? '.gk' : ''}${args.seasonality ? '.season' : ''}${args.volumeActivity ? '.activity' : ''}${args.placebo ? `.placebo${args.placebo.sd}.${args.placebo.seed}` : ''}${args.byClass ? '.class' : ''}${args.byRegime ? '.regime' : ''}${args.asymShrink !== null ? `.asym${args.asymShrink}${args.asymRaiseOnly ? '.raise' : ''}` : ''}.json`,
    );
    writeFileSync(poolFile, JSON.stringify(folds));
    process.stderr.write(`folds written to ${poolFile}\n`);
  }
  const pooled = poolFile ? loadPooledParams(resolve(poolFile)) : null;
  // Market-wide stress: one fit per follower file, on the other files of the scheme only.
  const fits = args.leaders.length > 0 ? leaderFits(files, args.leaders, args.scheme, args.cache, args.leaderForceMult) : [];
  if (fits.length > 0) {
    args.leaderFits = join(args.cache ?? '.', `leaderfits.${args.scheme}${args.leaderForceMult ? `.force${args.leaderForceMult}` : ''}.json`);
    writeFileSync(args.leaderFits, JSON.stringify(fits));
    for (const f of fits)
      process.stderr.write(
        `leader ${basename(f.leader)} → ${f.follower}: σ× down ${f.params.sigmaMultDown.toFixed(3)}, up ${f.params.sigmaMultUp.toFixed(3)} (fitted on ${f.params.trainedOn.length} other files)\n`,
      );
  }
  const results = await pool('score', async (f) =>
    args.jobs > 1
      ? runChild<FileResult[]>(process.argv[1]!, f, args, 'score', poolFile)
      : evaluateFile(f, opts(pooled, f), fits),
  );
  const flat = results.flat();
  console.log(
    `${fits.length > 0 ? `market-wide stress on ${fits.length} files (leader fitted per ${args.scheme}); ` : ''}mode ${args.mode}${args.mode === 'pooled' ? ` (${args.scheme}${args.byClass ? ', calibration per class' : ''}${args.byRegime ? ' and σ/floor regime' : ''})` : ''}; model σ: ${args.termStructure ? 'horizon term structure' : 'max(fast, slow)'}, floor quantile ${args.floorQuantile}${args.sigmaShrink !== null ? `, σ excess over the floor ^${args.sigmaShrink}` : ''}${args.rangeVariance ? ', Garman–Klass variance' : ''}${args.seasonality ? ', intraday seasonality' : ''}${args.volumeActivity ? ', volume activity' : ''}${args.placebo ? `, placebo σ factor sd ${args.placebo.sd} seed ${args.placebo.seed}` : ''}${args.onlineRecalibration ? `, online recalibration (${args.onlineRecalibration})` : ''}${args.asymShrink !== null ? `; asymmetric volatility, shrink ${args.asymShrink}${args.asymRaiseOnly ? ', raise only' : ''}` : ''}; ${files.length} files in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(formatResults(flat));
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify({ mode: args.mode, budget: EVAL_BUDGET, results: flat }, null, 1) + '\n',
    );
}

main().catch((e: unknown) => {
  process.stderr.write(`forecast-eval: ${(e as Error).message}\n`);
  process.exit(2);
});
