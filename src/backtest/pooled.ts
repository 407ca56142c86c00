// Out-of-sample parameters for the backtest (issue 12): calibration maps and tail priors fitted on
// OTHER files, one fold per held-out asset (leave-one-asset-out) or per held-out file
// (leave-one-crash-out). A file is only ever scored with the fold that excludes it; a file without a
// fold is an error, never a silent fallback to parameters fitted on it.
import { readFileSync } from 'node:fs';
import { CalibrationAccumulator, fitJumpTail, fitRegimeMaps, type CalibrationMap, type JumpTail } from '../domain/forecast';
import { round } from './metrics';
import { adverseWindows, HORIZONS_MIN, type BookOptions, type ReplayContext } from './replay';
import { calibrationPass } from './run';

export type PoolScheme = 'leave-one-asset-out' | 'leave-one-crash-out';

export interface PooledFold {
  /** Base asset ("FIL") for leave-one-asset-out, file name for leave-one-crash-out. */
  holdOut: string;
  /** Files the fold was fitted on (provenance; never contains the held-out one). */
  trainedOn: string[];
  calibration: Record<string, CalibrationMap>;
  tailDown: JumpTail;
  tailUp: JumpTail;
  /** Set when the calibration maps were fitted on this class only. */
  assetClass?: AssetClass;
  /** Opt-in (§8.17): maps per σ/floor regime bucket, fitted on the same files as `calibration`. */
  regimeCalibration?: Record<string, CalibrationMap>[];
}

export interface PooledParams {
  scheme: PoolScheme;
  folds: PooledFold[];
}

/** "binance_um_FILUSDT_perp_1m_202306.csv.gz" → "FIL". */
export function assetOfFile(fileName: string): string {
  const m = /_([A-Z0-9]+?)USDT_/.exec(fileName);
  if (!m) throw new Error(`cannot tell the asset of ${fileName}`);
  return m[1]!;
}

/** Calibration classes (§8.8): the majors, and everything else — an unseen symbol is an alt. */
export const MAJOR_ASSETS: readonly string[] = ['BTC', 'ETH'];
export type AssetClass = 'majors' | 'alts';
export function assetClassOf(asset: string): AssetClass {
  return MAJOR_ASSETS.includes(asset) ? 'majors' : 'alts';
}

export function foldFor(params: PooledParams, fileName: string): PooledFold {
  const key = params.scheme === 'leave-one-asset-out' ? assetOfFile(fileName) : fileName;
  const fold = params.folds.find((f) => f.holdOut === key);
  if (!fold) throw new Error(`no ${params.scheme} fold holds out ${key}`);
  if (fold.trainedOn.includes(fileName)) throw new Error(`fold ${key} was fitted on ${fileName}`);
  return fold;
}

/** Book options that make the replay use the fold's parameters instead of the file's own past. */
export function poolBookFor(params: PooledParams, fileName: string): Partial<BookOptions> {
  const fold = foldFor(params, fileName);
  return {
    fixedCalibration: fold.calibration,
    tailPrior: fold.tailDown,
    tailPriorUp: fold.tailUp,
    ...(fold.regimeCalibration ? { regimeCalibration: fold.regimeCalibration } : {}),
  };
}

export function loadPooledParams(file: string): PooledParams {
  const json = JSON.parse(readFileSync(file, 'utf8')) as PooledParams;
  if (json.scheme !== 'leave-one-asset-out' && json.scheme !== 'leave-one-crash-out')
    throw new Error(`${file}: scheme must be leave-one-asset-out or leave-one-crash-out`);
  if (!Array.isArray(json.folds) || json.folds.length === 0)
    throw new Error(`${file}: folds must be a non-empty array`);
  return json;
}

type ContributionBins = { count: number[]; positives: number[]; sumX: number[] };

function binsOf(acc: CalibrationAccumulator): ContributionBins {
  return { count: Array.from(acc.count), positives: Array.from(acc.positives), sumX: Array.from(acc.sumX) };
}

/** What one file contributes to the folds of the others: pass-1 pairs and 60-minute adverse moves. */
export interface FileContribution {
  file: string;
  /** Per horizon (HORIZONS_MIN order): bins of CalibrationAccumulator. */
  calibration: ContributionBins[];
  /** Per σ/floor regime bucket, per horizon (§8.17); absent in contributions cached before it. */
  regime?: ContributionBins[][];
  windowsDown: number[];
  windowsUp: number[];
}

export function contributionOf(file: string, ctx: ReplayContext): FileContribution {
  const { modelAcc, regimeAcc } = calibrationPass(ctx);
  const calibration = modelAcc.map((blocks) => {
    const merged = new CalibrationAccumulator();
    for (const b of blocks) merged.merge(b);
    return binsOf(merged);
  });
  const w = adverseWindows(ctx.series);
  return {
    file,
    calibration,
    regime: regimeAcc.map((perHorizon) => perHorizon.map(binsOf)),
    windowsDown: w.map((x) => round(x.down, 6)),
    windowsUp: w.map((x) => round(x.up, 6)),
  };
}

function accumulatorOf(bins: ContributionBins): CalibrationAccumulator {
  const acc = new CalibrationAccumulator();
  acc.count.set(bins.count);
  acc.positives.set(bins.positives);
  acc.sumX.set(bins.sumX);
  return acc;
}

/** Calibration maps and tails fitted on a set of contributions (pooled: months of several assets). */
export function fitPooled(
  contribs: readonly FileContribution[],
  tailX0: number,
  prior: JumpTail,
): { calibration: Record<string, CalibrationMap>; tailDown: JumpTail; tailUp: JumpTail } {
  const calibration: Record<string, CalibrationMap> = {};
  HORIZONS_MIN.forEach((h, hi) => {
    const acc = new CalibrationAccumulator();
    for (const c of contribs) acc.merge(accumulatorOf(c.calibration[hi]!));
    const map = acc.fit();
    if (map) calibration[String(h)] = map;
  });
  const down = contribs.flatMap((c) => c.windowsDown);
  const up = contribs.flatMap((c) => c.windowsUp);
  return {
    calibration,
    tailDown: fitJumpTail(down, 60, tailX0, prior),
    tailUp: fitJumpTail(up, 60, tailX0, prior),
  };
}

/** Regime maps (§8.17) pooled over contributions; an error when one was cached without regime bins. */
export function fitPooledRegime(contribs: readonly FileContribution[]): Record<string, CalibrationMap>[] {
  const missing = contribs.find((c) => !c.regime);
  if (missing) throw new Error(`${missing.file}: contribution has no regime bins (recompute it without the old cache)`);
  const perBucket = contribs[0]!.regime!.map((_, b) =>
    HORIZONS_MIN.map((_, hi) => {
      const acc = new CalibrationAccumulator();
      for (const c of contribs) acc.merge(accumulatorOf(c.regime![b]![hi]!));
      return acc;
    }),
  );
  return fitRegimeMaps(perBucket, HORIZONS_MIN.map(String));
}

/**
 * One fold per held-out asset (or file), each fitted on every OTHER contribution. With byClass the
 * calibration maps use only the other files of the held-out file's class (majors / alts); the tail
 * priors still pool every other file. With byRegime (opt-in, §8.17) each fold also gets maps per σ/floor
 * bucket fitted on exactly the files of its calibration maps.
 */
export function buildFolds(
  scheme: PoolScheme,
  contribs: readonly FileContribution[],
  tailX0: number,
  prior: JumpTail,
  byClass = false,
  byRegime = false,
): PooledParams {
  const keyOf = (file: string): string => (scheme === 'leave-one-asset-out' ? assetOfFile(file) : file);
  const classOfFile = (file: string): AssetClass => assetClassOf(assetOfFile(file));
  const keys = [...new Set(contribs.map((c) => keyOf(c.file)))];
  const folds = keys.map((holdOut) => {
    const train = contribs.filter((c) => keyOf(c.file) !== holdOut);
    const fitted = fitPooled(train, tailX0, prior);
    if (!byClass)
      return { holdOut, trainedOn: train.map((c) => c.file), ...fitted, ...(byRegime ? { regimeCalibration: fitPooledRegime(train) } : {}) };
    const cls = classOfFile(contribs.find((c) => keyOf(c.file) === holdOut)!.file);
    const sameClass = train.filter((c) => classOfFile(c.file) === cls);
    if (sameClass.length === 0) throw new Error(`no other ${cls} file to fit the calibration of ${holdOut}`);
    return {
      holdOut,
      assetClass: cls,
      trainedOn: train.map((c) => c.file),
      calibration: fitPooled(sameClass, tailX0, prior).calibration,
      ...(byRegime ? { regimeCalibration: fitPooledRegime(sameClass) } : {}),
      tailDown: fitted.tailDown,
      tailUp: fitted.tailUp,
    };
  });
  return { scheme, folds };
}
