// Danger-verdict backtest for multi-asset cross books (the path scripts/danger-eval.ts never scores: it
// holds isolated hedge pairs of one symbol). Two candle files over the same minutes make a two-symbol
// cross book: both long, both short, and the two hedged combinations, at several leverages, opened every
// `--every-hours` from the second day and held `--hold-hours` or until the exchange closes the book.
// Each book runs through the real pipeline (src/replay/cross.ts: engine → v1 forecast, whose cross book
// is the 1-D reduction → alert reducer with the shipped defaults) and is scored like danger-eval: share
// of book liquidations preceded ≥ 1 min by a push at each level on the book, false pushes per book-day.
//
//   npx tsx scripts/danger-eval-cross.ts --pair FILE_A FILE_B [--pair …] [--json OUT] [--hold-hours 48]
//     [--every-hours 72] [--params resources/forecast/params.json]
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCandleFile } from '../src/backtest/candles';
import type { Candle } from '../src/domain/contracts';
import { DEFAULT_ALERT_SETTINGS } from '../src/domain/alerts/settings';
import { levelRank } from '../src/domain/alerts/levels';
import { DEFAULT_APP_SETTINGS } from '../src/service/settings';
import { ForecastService } from '../src/forecast';
import { crossBookSnapshot, runCrossReplay } from '../src/replay/cross';
import { symbolFromFileName } from '../src/cli/commands/replay';
import { tiersFor } from './danger-tiers';
import { add, emptyScore, SCORED_LEVELS, scorePosition, summarise, type PositionRun, type Score } from './danger-score';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOOK = 'cross';
const COMBOS: readonly (readonly ['long' | 'short', 'long' | 'short'])[] = [['long', 'long'], ['short', 'short'], ['long', 'short'], ['short', 'long']];
const LEVERAGES = [10, 25, 50];

interface Args {
  pairs: [string, string][];
  json: string | null;
  holdHours: number;
  everyHours: number;
  params: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { pairs: [], json: null, holdHours: 48, everyHours: 72, params: null };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    if (f === '--pair') a.pairs.push([argv[++i]!, argv[++i]!]);
    else if (f === '--json') a.json = argv[++i] ?? null;
    else if (f === '--hold-hours') a.holdHours = Number(argv[++i]);
    else if (f === '--every-hours') a.everyHours = Number(argv[++i]);
    else if (f === '--params') a.params = argv[++i] ?? null;
    else throw new Error(`unknown argument ${f}`);
  }
  if (a.pairs.length === 0 || a.pairs.some(([x, y]) => !x || !y)) throw new Error('usage: danger-eval-cross.ts --pair FILE_A FILE_B [--pair …] [--json OUT] [--hold-hours H] [--every-hours H]');
  return a;
}


function load(file: string): { symbol: string; intervalMin: number; candles: Candle[] } {
  const symbol = symbolFromFileName(file);
  if (!symbol) throw new Error(`${file}: cannot tell the symbol from the name`);
  const s = readCandleFile(file);
  return { symbol, intervalMin: s.intervalMin, candles: Array.from(s.time, (t, i) => ({ time: t, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]! })) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const runsByPair = new Map<string, PositionRun[]>();
  for (const [fa, fb] of args.pairs) {
    const a = load(fa);
    const b = load(fb);
    if (a.intervalMin !== b.intervalMin) throw new Error(`${basename(fa)} and ${basename(fb)} have different intervals`);
    const bTimes = new Set(b.candles.map((c) => c.time));
    const common = a.candles.filter((c) => bTimes.has(c.time)).map((c) => c.time);
    if (common.length === 0) throw new Error(`${basename(fa)} and ${basename(fb)} share no minute`);
    const name = `${a.symbol}+${b.symbol} ${new Date(common[0]!).toISOString().slice(0, 10)}`;
    const price = (cs: Candle[], t: number) => cs.find((c) => c.time >= t)!.open;
    const runs: PositionRun[] = [];
    const last = common[common.length - 1]!;
    for (let open = common[0]! + DAY; open + HOUR <= last; open += args.everyHours * HOUR) {
      const until = Math.min(open + args.holdHours * HOUR, last + 60_000);
      const window = (cs: Candle[]) => cs.filter((c) => c.time >= open - DAY && c.time < until);
      for (const leverage of LEVERAGES) {
        for (const [sideA, sideB] of COMBOS) {
          const snapshot = crossBookSnapshot(
            [
              { symbol: a.symbol, side: sideA, price: price(a.candles, open), tiers: tiersFor(a.symbol) },
              { symbol: b.symbol, side: sideB, price: price(b.candles, open), tiers: tiersFor(b.symbol) },
            ],
            leverage,
            open,
          );
          const run: PositionRun = { file: name, key: `${BOOK}:${sideA}/${sideB}`, leverage, openMs: open, endMs: until, liquidatedMs: null, samples: [], pushes: [] };
          const forecaster = new ForecastService(args.params ? { params: args.params } : {});
          if (forecaster.paramsWarning) throw new Error(`forecast parameters: ${forecaster.paramsWarning}`);
          runCrossReplay(
            {
              snapshot, candles: { [a.symbol]: window(a.candles), [b.symbol]: window(b.candles) }, intervalMin: a.intervalMin, fromMs: open, untilMs: until,
              settings: DEFAULT_ALERT_SETTINGS,
              engine: { targetMarginRatio: DEFAULT_APP_SETTINGS.targetMarginRatio, triggerLevels: DEFAULT_APP_SETTINGS.triggerLevels },
              forecaster,
            },
            (line) => {
              if (line.kind === 'liquidated' && line.subject === BOOK) {
                run.liquidatedMs = Date.parse(line.t);
                run.endMs = run.liquidatedMs;
              } else if (line.kind === 'alert' && line.subject === BOOK) run.pushes.push({ t: Date.parse(line.t), level: line.level, reason: line.reason });
            },
          );
          await forecaster.close();
          runs.push(run);
        }
      }
    }
    runsByPair.set(name, runs);
    const sc = emptyScore();
    for (const r of runs) scorePosition(r, r.pushes, sc);
    process.stderr.write(`${name}: ${runs.length} books ${JSON.stringify(summarise(sc))}\n`);
  }

  const byLevel: Record<string, { total: ReturnType<typeof summarise>; byPair: Record<string, ReturnType<typeof summarise>> }> = {};
  for (const level of SCORED_LEVELS) {
    let total: Score = emptyScore();
    const byPair: Record<string, ReturnType<typeof summarise>> = {};
    for (const [name, runs] of runsByPair) {
      const sc = emptyScore();
      for (const r of runs) scorePosition(r, r.pushes, sc, levelRank(level));
      byPair[name] = summarise(sc);
      total = add(total, sc);
    }
    byLevel[level] = { total: summarise(total), byPair };
  }
  const byLeverage: Record<string, ReturnType<typeof summarise>> = {};
  for (const leverage of LEVERAGES) {
    const sc = emptyScore();
    for (const r of [...runsByPair.values()].flat()) if (r.leverage === leverage) scorePosition(r, r.pushes, sc);
    byLeverage[String(leverage)] = summarise(sc);
  }
  const result = {
    pairs: [...runsByPair.keys()],
    holdHours: args.holdHours,
    everyHours: args.everyHours,
    params: args.params ?? 'resources/forecast/params.json',
    byLevel,
    marginCallByLeverage: byLeverage,
    liquidations: [...runsByPair.values()].flat().filter((r) => r.liquidatedMs !== null).map((r) => ({ pair: r.file, book: r.key, leverage: r.leverage, openMs: r.openMs, liquidatedMs: r.liquidatedMs, firstPushes: r.pushes.filter((p) => p.reason !== 'repeat').slice(0, 4) })),
  };
  process.stdout.write(JSON.stringify(result, null, 1) + '\n');
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 1) + '\n');
}

void main();
