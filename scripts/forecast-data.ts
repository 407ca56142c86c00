// Candle files for the forecast scripts: listing by folder, and parsed series cached as raw Float64
// arrays (parsing a gzipped month costs more than reading five arrays back). Paths always come from
// the command line; nothing here knows where the data lives.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCandleFile, readFundingFile, type CandleSeries, type FundingSeries } from '../src/backtest/candles';
import { assetClassOf, assetOfFile, contributionOf, type FileContribution, type PooledParams, type PoolScheme } from '../src/backtest/pooled';
import { isVolReady, newVolState, sigmaPerMin, updateVol } from '../src/domain/forecast';
import { asymSamples } from '../src/backtest/asymmetry';
import { asymFolds } from '../src/backtest/asymFolds';
import type { AsymSample } from '../src/domain/forecast/asymmetry';
import { averageProfiles, fitIntradayProfile, type IntradayProfile } from '../src/domain/forecast/seasonality';
import type { BookOptions } from '../src/backtest/replay';
import { activitySamples } from '../src/backtest/volumeActivity';
import { fitActivityBeta } from '../src/domain/forecast/volumeActivity';
import { replayContext } from '../src/backtest/run';

export function candleFiles(dirs: string[], match: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    for (const name of readdirSync(d).sort()) {
      if (!/\.csv(\.gz)?$/.test(name) || !/_(1m|5m|15m|1h)[_.]/.test(name) || /funding|markprice_1h|spot_.*_1h|perp_1h/.test(name)) continue;
      if (match.length > 0 && !match.some((m) => name.includes(m))) continue;
      const full = join(d, name);
      if (statSync(full).isFile()) out.push(full);
    }
  }
  return out;
}

/** Parsed candles, cached as raw Float64 arrays keyed by file name, size and mtime (volume included when the file has it). */
export function loadSeries(file: string, cacheDir: string | null): CandleSeries {
  const allowGaps = /spot_.*_5m_2020/.test(file);
  if (!cacheDir) return readCandleFile(file, { allowGaps });
  const st = statSync(file);
  const key = join(cacheDir, `${basename(file)}.${st.size}.${Math.floor(st.mtimeMs)}.v2.bin`);
  if (existsSync(key)) {
    const buf = readFileSync(key);
    const headerLen = buf.readUInt32LE(0);
    const head = JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8')) as { name: string; intervalMin: number; n: number; columns: number; gaps: CandleSeries['gaps'] };
    const off = 4 + headerLen + ((8 - ((4 + headerLen) % 8)) % 8);
    const all = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + head.n * head.columns * 8));
    const col = (k: number): Float64Array => all.slice(k * head.n, (k + 1) * head.n);
    const series: CandleSeries = { name: head.name, intervalMin: head.intervalMin, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), gaps: head.gaps };
    if (head.columns === 6) series.volume = col(5);
    return series;
  }
  const s = readCandleFile(file, { allowGaps });
  mkdirSync(cacheDir, { recursive: true });
  const columns = [s.time, s.open, s.high, s.low, s.close, ...(s.volume ? [s.volume] : [])];
  const header = Buffer.from(JSON.stringify({ name: s.name, intervalMin: s.intervalMin, n: s.time.length, columns: columns.length, gaps: s.gaps }), 'utf8');
  const pad = (8 - ((4 + header.length) % 8)) % 8;
  const lenBuf = Buffer.alloc(4);
  lenBuf.writeUInt32LE(header.length);
  const body = Buffer.alloc(s.time.length * columns.length * 8);
  columns.forEach((arr, k) => Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(body, k * s.time.length * 8));
  writeFileSync(key, Buffer.concat([lenBuf, header, Buffer.alloc(pad), body]));
  return s;
}

export function fundingFor(file: string, fundingDir: string | null): FundingSeries | undefined {
  if (!fundingDir || !/_perp_/.test(file)) return undefined;
  const m = /binance_um_([A-Z0-9]+)_perp/.exec(basename(file));
  const f = m ? join(fundingDir, `binance_um_${m[1]}_perp_funding_8h.csv`) : null;
  return f && existsSync(f) ? readFundingFile(f) : undefined;
}

export interface EvalOptions {
  cache: string | null;
  fundingDir: string | null;
  mode: 'walk-forward' | 'pooled';
  pooled: PooledParams | null;
  modelSigma: BookOptions['modelSigma'];
  /** Asymmetric-volatility multipliers of the file's fold (§8.16); absent = off. */
  asymmetry?: BookOptions['asymmetry'];
  /** Cache tag of that configuration (the pass-1 pairs differ with it). */
  asymTag?: string;
  /** Release bands of the alert rules (pass 2 only: pass-1 pairs do not depend on them). */
  release?: BookOptions['release'];
  /** Second-stage walk-forward calibration on the scored file's own past (§8.26; pass 2 only). */
  onlineRecalibration?: 'isotonic' | 'odds';
}

/** Pass-1 pairs of one file under one model configuration, cached (shared by the loao and loco folds). */
export function contribute(file: string, opts: EvalOptions): FileContribution {
  const key = opts.cache ? join(opts.cache, `contrib.${basename(file)}.${opts.modelSigma!.termStructure ? 'ts' : 'max'}.${opts.modelSigma!.floorQuantile}${opts.modelSigma!.shrink !== undefined ? `.shrink${opts.modelSigma!.shrink}` : ''}${opts.modelSigma!.floorPrior ? `.fp${opts.modelSigma!.floorPrior.days}.${opts.modelSigma!.floorPrior.perMin.toPrecision(8)}` : ''}${opts.modelSigma!.rangeVariance ? '.gk' : ''}${opts.modelSigma!.seasonality ? `.season${profileTag(opts.modelSigma!.seasonality)}` : ''}${opts.modelSigma!.activityBeta !== undefined ? `.act${opts.modelSigma!.activityBeta}` : ''}${opts.modelSigma!.placebo ? `.placebo${opts.modelSigma!.placebo.sd}.${opts.modelSigma!.placebo.seed}` : ''}${opts.asymTag ? `.${opts.asymTag}` : ''}.json`) : null;
  if (key && existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as FileContribution;
  const book: Partial<BookOptions> = { modelSigma: opts.modelSigma, ...(opts.asymmetry ? { asymmetry: opts.asymmetry } : {}) };
  const ctx = replayContext({ series: loadSeries(file, opts.cache), funding: fundingFor(file, opts.fundingDir), book });
  const c = contributionOf(basename(file), ctx);
  if (key) writeFileSync(key, JSON.stringify(c));
  return c;
}

/**
 * Asymmetric-volatility multipliers for every file, each fitted on its fold's files only (§8.16), written
 * as { fileName: AsymFold } next to the cache; returns the path. Samples per file are cached.
 */
export function asymFoldsFor(files: string[], scheme: PoolScheme, shrink: number, cacheDir: string | null, raiseOnly = false): string {
  const samples: Record<string, AsymSample[]> = {};
  for (const f of files) {
    const key = cacheDir ? join(cacheDir, `asym-samples.${basename(f)}.json`) : null;
    if (key && existsSync(key)) samples[basename(f)] = JSON.parse(readFileSync(key, 'utf8')) as AsymSample[];
    else {
      samples[basename(f)] = asymSamples(loadSeries(f, cacheDir));
      if (key) writeFileSync(key, JSON.stringify(samples[basename(f)]));
    }
  }
  const out = join(cacheDir ?? '.', `asym.${scheme}.${shrink}${raiseOnly ? '.raise' : ''}.json`);
  writeFileSync(out, JSON.stringify(asymFolds(scheme, samples, shrink, raiseOnly), null, 1));
  return out;
}

/** Median of a file's two-speed EWMA σ per √min (the replay's σ, no floor), cached next to the candles. */
export function fileMedianSigma(file: string, cacheDir: string | null): number {
  const key = cacheDir ? join(cacheDir, `median-sigma.${basename(file)}.json`) : null;
  if (key && existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as number;
  const s = loadSeries(file, cacheDir);
  const cfg = { fastHalfLifeMin: 30, slowHalfLifeMin: 1440, floorPerMin: 0, minReturns: Math.max(10, Math.ceil(60 / s.intervalMin)) };
  const vol = newVolState();
  const xs: number[] = [];
  for (let t = 1; t < s.time.length; t++) {
    updateVol(vol, Math.log(s.close[t]! / s.close[t - 1]!), (s.time[t]! - s.time[t - 1]!) / 60_000, cfg);
    if (isVolReady(vol, cfg)) xs.push(sigmaPerMin(vol, cfg));
  }
  xs.sort((a, b) => a - b);
  const med = xs.length > 0 ? xs[Math.floor(0.5 * (xs.length - 1))]! : 0;
  if (key) writeFileSync(key, JSON.stringify(med));
  return med;
}

/**
 * The class floor each file would get from OTHER files (§8.20): the median of the per-file median σ
 * of the files of its calibration class that its fold may use (leave-one-asset-out: other assets;
 * leave-one-crash-out: other files). An error when a file has no such file.
 */
export function classFloorPriors(files: string[], scheme: PoolScheme, cacheDir: string | null): Record<string, number> {
  const med = new Map(files.map((f) => [f, fileMedianSigma(f, cacheDir)]));
  const out: Record<string, number> = {};
  for (const f of files) {
    const a = assetOfFile(basename(f));
    const others = files.filter((g) => g !== f && assetClassOf(assetOfFile(basename(g))) === assetClassOf(a) && (scheme === 'leave-one-crash-out' || assetOfFile(basename(g)) !== a));
    if (others.length === 0) throw new Error(`no other file of ${a}'s class to set its floor prior`);
    const xs = others.map((g) => med.get(g)!).sort((x, y) => x - y);
    out[basename(f)] = xs.length % 2 ? xs[(xs.length - 1) / 2]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2;
  }
  return out;
}

/** Short stable tag of a profile (cache keys: each file's pass-1 pairs depend on its fold's profile). */
function profileTag(p: IntradayProfile): string {
  let h = 5381;
  for (const c of p.map((v) => v.toFixed(6)).join(',')) h = ((h * 33) ^ c.charCodeAt(0)) >>> 0;
  return h.toString(36);
}

/**
 * The intraday profile that scores each file (§8.22): the mean of the profiles of its fold's training
 * files only — leave-one-asset-out: every file of another asset (both classes: the session pattern is
 * market-wide); leave-one-crash-out: every other file. Never the scored file's own.
 */
/**
 * The volume-activity exponent β of each file (§8.24), fitted on the pooled samples of the other files
 * of its fold: other assets (leave-one-asset-out) or every other file (leave-one-crash-out).
 */
export function activityFolds(files: string[], scheme: PoolScheme, cacheDir: string | null): Record<string, { beta: number; c: number; n: number }> {
  const samples = new Map(files.map((f) => [f, activitySamples(loadSeries(f, cacheDir))]));
  const out: Record<string, { beta: number; c: number; n: number }> = {};
  for (const f of files) {
    const a = assetOfFile(basename(f));
    const train = files.filter((g) => g !== f && (scheme === 'leave-one-crash-out' || assetOfFile(basename(g)) !== a));
    if (train.length === 0) throw new Error(`no training file to fit ${basename(f)}'s activity exponent`);
    out[basename(f)] = fitActivityBeta(train.flatMap((g) => samples.get(g)!));
  }
  return out;
}

export function seasonalFolds(files: string[], scheme: PoolScheme, cacheDir: string | null): Record<string, IntradayProfile> {
  const own = new Map<string, IntradayProfile>();
  for (const f of files) {
    const s = loadSeries(f, cacheDir);
    const p = fitIntradayProfile(s.time, s.close, s.intervalMin);
    if (p) own.set(f, p);
  }
  const out: Record<string, IntradayProfile> = {};
  for (const f of files) {
    const a = assetOfFile(basename(f));
    const train = files.filter((g) => g !== f && own.has(g) && (scheme === 'leave-one-crash-out' || assetOfFile(basename(g)) !== a));
    const p = averageProfiles(train.map((g) => own.get(g)!));
    if (!p) throw new Error(`no training file to fit ${basename(f)}'s intraday profile`);
    out[basename(f)] = p;
  }
  return out;
}
