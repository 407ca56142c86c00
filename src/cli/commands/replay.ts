// `npm run --silent cli -- replay --snapshot S.json --candles F.csv[.gz] [--settings X.json]
//   [--from ISO] [--funding F.csv] [--symbol SYM] --jsonl`
// Holds the snapshot's positions on the file's symbol through the candles with the real pipeline
// (src/replay/run.ts) and prints one JSON object per line. Bad input: exit 2 with one line.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CandleFileError, readCandleFile, readFundingFile, type CandleSeries } from '../../backtest/candles';
import { formatPath } from '../../domain/contracts';
import { parseSnapshot } from '../../domain/margin';
import { alertSettingsSchema, type AlertSettings } from '../../domain/alerts/settings';
import { DEFAULT_APP_SETTINGS } from '../../service/settings';
import { ForecastService } from '../../forecast';
import { runReplay, ReplayInputError, type ReplayLine } from '../../replay/run';
import type { AccountSnapshot, Candle } from '../../domain/contracts';
import type { CliCommand } from '../io';

const USAGE = 'usage: replay --snapshot S.json --candles F.csv[.gz] [--settings X.json] [--from ISO] [--funding F.csv] [--symbol SYM] --jsonl';

interface Args {
  snapshot: string;
  candles: string;
  settings: string | null;
  from: string | null;
  funding: string | null;
  symbol: string | null;
}

function parseArgs(argv: string[]): Args | string {
  const a: Partial<Args> = { settings: null, from: null, funding: null, symbol: null };
  let jsonl = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--jsonl') {
      jsonl = true;
      continue;
    }
    const key = ({ '--snapshot': 'snapshot', '--candles': 'candles', '--settings': 'settings', '--from': 'from', '--funding': 'funding', '--symbol': 'symbol' } as const)[flag];
    if (!key) return `unknown option ${flag}`;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    a[key] = value;
    i++;
  }
  if (!a.snapshot) return '--snapshot FILE is required';
  if (!a.candles) return '--candles FILE is required';
  if (!jsonl) return '--jsonl is required (the only output format)';
  return a as Args;
}

/** The symbol a market file is about, from its name (binance_um_BTCUSDT_perp_1m_....csv.gz). */
export function symbolFromFileName(file: string): string | null {
  const m = /(?:^|[_\-.])([A-Z0-9]{2,15}(?:USDT|USDC|BUSD|USD))(?=[_\-.]|$)/.exec(basename(file));
  return m ? m[1]! : null;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ReplayInputError(`${what} ${file}: cannot read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ReplayInputError(`${what} ${file}: invalid JSON (${(e as Error).message})`);
  }
}

function toCandles(series: CandleSeries): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < series.time.length; i++) out.push({ time: series.time[i]!, open: series.open[i]!, high: series.high[i]!, low: series.low[i]!, close: series.close[i]! });
  return out;
}

export interface LoadedReplay {
  snapshot: AccountSnapshot;
  symbol: string;
  candles: Candle[];
  intervalMin: number;
  fromMs: number;
  settings: AlertSettings;
  funding?: { time: Float64Array; rate: Float64Array };
}

/** Reads and checks every input; throws ReplayInputError (or CandleFileError) naming the problem. */
export function loadReplayInputs(args: Omit<Args, never>): LoadedReplay {
  const parsed = parseSnapshot(readJson(args.snapshot, 'snapshot'));
  if (!parsed.ok) throw new ReplayInputError(`snapshot ${args.snapshot}: ${parsed.error.message}`);
  const snapshot = parsed.value;
  const symbol = args.symbol ?? symbolFromFileName(args.candles);
  if (!symbol) throw new ReplayInputError(`cannot tell the symbol from the file name ${basename(args.candles)}: pass --symbol`);
  if (!snapshot.positions.some((p) => p.symbol === symbol)) throw new ReplayInputError(`symbol ${symbol} (from ${basename(args.candles)}) is not in the snapshot`);
  const series = readCandleFile(args.candles);
  const candles = toCandles(series);
  let fromMs = candles[0]!.time + 86_400_000;
  if (args.from !== null) {
    fromMs = Date.parse(args.from);
    if (!Number.isFinite(fromMs) || !/^\d{4}-\d\d-\d\dT/.test(args.from)) throw new ReplayInputError(`--from "${args.from}" is not an ISO time such as 2021-05-19T00:00:00Z`);
  }
  if (fromMs > candles[candles.length - 1]!.time) throw new ReplayInputError(`--from ${new Date(fromMs).toISOString()} is after the last candle (${new Date(candles[candles.length - 1]!.time).toISOString()})`);
  let settings: AlertSettings = alertSettingsSchema.parse({});
  if (args.settings) {
    const raw = readJson(args.settings, 'settings') as Record<string, unknown>;
    const s = alertSettingsSchema.safeParse(raw && typeof raw === 'object' && 'alerts' in raw ? raw.alerts : raw);
    if (!s.success) {
      const issue = s.error.issues[0];
      throw new ReplayInputError(`settings ${args.settings}: ${issue ? `${formatPath(issue.path)}: ${issue.message}` : 'invalid'}`);
    }
    settings = s.data;
  }
  const loaded: LoadedReplay = { snapshot, symbol, candles, intervalMin: series.intervalMin, fromMs, settings };
  if (args.funding) loaded.funding = readFundingFile(args.funding);
  return loaded;
}

/** Runs a loaded replay with the service's forecast runtime and app defaults. */
export async function replayLoaded(loaded: LoadedReplay, emit: (line: ReplayLine) => void): Promise<Extract<ReplayLine, { kind: 'summary' }>> {
  const forecaster = new ForecastService();
  try {
    return runReplay(
      {
        ...loaded,
        engine: { targetMarginRatio: DEFAULT_APP_SETTINGS.targetMarginRatio, triggerLevels: DEFAULT_APP_SETTINGS.triggerLevels },
        forecaster,
      },
      emit,
    );
  } finally {
    await forecaster.close();
  }
}

export const runReplayCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`replay: ${args}\n${USAGE}\n`);
    return 2;
  }
  let loaded: LoadedReplay;
  try {
    loaded = loadReplayInputs(args);
  } catch (e) {
    if (e instanceof ReplayInputError || e instanceof CandleFileError) {
      io.stderr.write(`replay: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  try {
    await replayLoaded(loaded, (line) => io.stdout.write(JSON.stringify(line) + '\n'));
  } catch (e) {
    if (e instanceof ReplayInputError) {
      io.stderr.write(`replay: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return 0;
};
