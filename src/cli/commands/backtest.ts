// `npm run cli -- backtest --candles FILE.csv [--candles FILE2.csv ...] [--json OUT.json] [--by-leverage]
//   [--funding FILE.csv] [--allow-gaps] [--mmr 0.004] [--open-every MIN] [--hold MIN]
//   [--policy app|walk-forward] [--params FILE.json]`
// --policy app (default): the model as the app runs it — the shipped calibration maps of --params
// (default resources/forecast/params.json, fitted on other data by scripts/fit-forecast.ts) and the
// shipped σ (horizon term structure, floor = median past σ). --policy walk-forward: the v2 protocol
// (σ = max(fast, slow), maps fitted on the file's own earlier blocks).
import { writeFileSync } from 'node:fs';
import { CandleFileError, readCandleFile, readFundingFile } from '../../backtest/candles';
import { formatResult } from '../../backtest/format';
import { V3_MODEL_SIGMA, type BookOptions } from '../../backtest/replay';
import { BacktestTotals, buildJson, runBacktestFile } from '../../backtest/run';
import { calibrationFor, type ForecastParams } from '../../domain/forecast';
import { DEFAULT_PARAMS_FILE, loadForecastParams } from '../../forecast/params';
import type { CliCommand } from '../io';

interface Args {
  candles: string[];
  json: string | null;
  byLeverage: boolean;
  funding: string | null;
  allowGaps: boolean;
  mmr: number | null;
  openEveryMin: number | null;
  holdMin: number | null;
  policy: 'app' | 'walk-forward';
  params: string | null;
}

const USAGE = 'usage: backtest --candles FILE.csv [--candles FILE2.csv ...] [--json OUT.json] [--by-leverage] [--funding FILE.csv] [--allow-gaps] [--mmr RATE] [--open-every MIN] [--hold MIN] [--policy app|walk-forward] [--params FILE.json]\n';

function parseArgs(argv: string[]): Args | string {
  const a: Args = { candles: [], json: null, byLeverage: false, funding: null, allowGaps: false, mmr: null, openEveryMin: null, holdMin: null, policy: 'app', params: null };
  const positive = (flag: string, v: string | undefined): number | string => {
    const n = Number(v);
    return v !== undefined && Number.isFinite(n) && n > 0 ? n : `${flag} needs a positive number`;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    switch (flag) {
      case '--policy':
        if (value !== 'app' && value !== 'walk-forward') return '--policy is app or walk-forward';
        a.policy = value;
        i++;
        break;
      case '--params':
        if (value === undefined || value.startsWith('--')) return '--params needs a file name';
        a.params = value;
        i++;
        break;
      case '--candles':
      case '--json':
      case '--funding':
        if (value === undefined || value.startsWith('--')) return `${flag} needs a file name`;
        if (flag === '--candles') a.candles.push(value);
        else if (flag === '--json') a.json = value;
        else a.funding = value;
        i++;
        break;
      case '--mmr':
      case '--open-every':
      case '--hold': {
        const n = positive(flag, value);
        if (typeof n === 'string') return n;
        if (flag === '--mmr') a.mmr = n;
        else if (flag === '--open-every') a.openEveryMin = n;
        else a.holdMin = n;
        i++;
        break;
      }
      case '--by-leverage':
        a.byLeverage = true;
        break;
      case '--allow-gaps':
        a.allowGaps = true;
        break;
      default:
        return `unknown option ${flag}`;
    }
  }
  if (a.candles.length === 0) return 'at least one --candles FILE is required';
  return a;
}

/** The app's maps for a candle file's symbol ("…_FILUSDT_…" → the alts class); no symbol → the pooled maps. */
export function appCalibrationForFile(params: ForecastParams, fileName: string): ForecastParams['calibration'] {
  const symbol = /_([A-Z0-9]+USDT)_/.exec(fileName)?.[1];
  return calibrationFor(params, symbol ? [symbol] : []);
}

export const runBacktest: CliCommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`backtest: ${args}\n${USAGE}`);
    return 2;
  }
  try {
    const funding = args.funding ? readFundingFile(args.funding) : undefined;
    let policy: Partial<BookOptions> = {};
    let appParams: ForecastParams | null = null;
    if (args.policy === 'app') {
      const loaded = loadForecastParams(args.params ?? DEFAULT_PARAMS_FILE);
      if (loaded.warning) {
        io.stderr.write(`backtest: ${loaded.warning}; use --policy walk-forward or --params FILE\n`);
        return 2;
      }
      appParams = loaded.params;
      const shrink = loaded.params.sigmaShrink;
      policy = { modelSigma: loaded.params.sigmaTermStructure ? { ...V3_MODEL_SIGMA, ...(shrink !== undefined ? { shrink } : {}) } : undefined };
    }
    const totals = new BacktestTotals();
    for (const file of args.candles) {
      const series = readCandleFile(file, { allowGaps: args.allowGaps });
      const book = {
        ...policy,
        ...(appParams ? { fixedCalibration: appCalibrationForFile(appParams, series.name) } : {}),
        ...(args.mmr !== null ? { mmr: args.mmr } : {}),
        ...(args.openEveryMin !== null ? { openEveryMin: args.openEveryMin } : {}),
        ...(args.holdMin !== null ? { holdMin: args.holdMin } : {}),
      };
      runBacktestFile({ series, funding, book }, totals);
    }
    const json = buildJson(totals, args.byLeverage);
    io.stdout.write(formatResult(json));
    if (args.json) writeFileSync(args.json, JSON.stringify(json, null, 1) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof CandleFileError) {
      io.stderr.write(`backtest: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
};
