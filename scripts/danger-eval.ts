// Danger-verdict backtest over crash files (issue 10 "Shown by"): isolated hedge pairs (long + short)
// at several leverages and opening times are held through each file with the real replay pipeline
// (src/replay/run.ts: engine → forecast → alert reducer with the shipped defaults). Reports, per file
// and in total: share of liquidations preceded ≥ 1 min by a margin-call-or-worse alert on that position,
// false alerts per position-day (margin-call or worse, opened/escalated pushes, not followed by that
// position's liquidation within 24 h or before the hold ends — censored ones count as false), and lead
// times. Then re-judges the recorded danger inputs under a grid of policies and picks the margin-call
// thresholds by leave-one-crash-out (never on the file scored). Each level is scored the same way on its
// own (`byLevel`: warning-or-worse, margin-call-or-worse, critical), with every liquidation's lead per
// level under `liquidations`, so two forecast parameter files (`--params`) can be compared pairwise.
//
//   npx tsx scripts/danger-eval.ts FILE.csv[.gz] ... [--json OUT.json] [--hold-hours 48] [--every-hours 72]
//     [--params resources/forecast/params.json]
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCandleFile } from '../src/backtest/candles';
import type { Candle } from '../src/domain/contracts';
import { hedgePairSnapshot } from '../src/replay/book';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../src/domain/alerts/settings';
import { advanceEpisodes } from '../src/domain/alerts/episodes';
import { emptyAlertsState, type AlertsState, type Observation } from '../src/domain/alerts/types';
import { levelRank } from '../src/domain/alerts/levels';
import { DEFAULT_DANGER_POLICY, judgeDanger, type DangerPolicy } from '../src/domain/danger';
import { DEFAULT_APP_SETTINGS } from '../src/service/settings';
import { ForecastService } from '../src/forecast';
import { runReplay } from '../src/replay/run';
import { symbolFromFileName } from '../src/cli/commands/replay';
import { hasRealTiers, tiersFor } from './danger-tiers';
import { add, emptyScore, leadMin, SCORED_LEVELS, scorePosition, summarise, type PositionRun, type Score } from './danger-score';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Args {
  files: string[];
  json: string | null;
  holdHours: number;
  everyHours: number;
  params: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { files: [], json: null, holdHours: 48, everyHours: 72, params: null };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    if (f === '--json') a.json = argv[++i] ?? null;
    else if (f === '--hold-hours') a.holdHours = Number(argv[++i]);
    else if (f === '--every-hours') a.everyHours = Number(argv[++i]);
    else if (f === '--params') a.params = argv[++i] ?? null;
    else a.files.push(f);
  }
  if (a.files.length === 0) throw new Error('usage: danger-eval.ts FILE.csv[.gz] ... [--json OUT] [--hold-hours H] [--every-hours H]');
  return a;
}


function leveragesFor(symbol: string): number[] {
  return hasRealTiers(symbol) ? [10, 25, 50, 100] : [10, 25, 50];
}

/** Re-judges recorded inputs under another policy with the real episode machine. */
function simulatePushes(run: PositionRun, policy: DangerPolicy, settings: AlertSettings): { t: number; level: string; reason: string }[] {
  let state: AlertsState = emptyAlertsState('sim');
  const out: { t: number; level: string; reason: string }[] = [];
  const s: AlertSettings = { ...settings, danger: policy };
  for (const sample of run.samples) {
    const j = judgeDanger(sample.inputs, policy);
    const obs: Observation = { subject: run.key, kind: 'level', level: j.level, holdLevel: j.holdLevel, blind: false, calmMs: s.hysteresis.levelCalmMin * 60_000, title: '', body: '', facts: {} };
    const r = advanceEpisodes(state, [obs], { nowMs: sample.t, settings: s, utcOffsetMin: 0 });
    state = r.state;
    for (const e of r.effects) if (e.type === 'notify') out.push({ t: sample.t, level: e.notification.level, reason: e.notification.reason });
  }
  return out;
}

/** Candidate margin-call thresholds (σ-distance over 1 h, P(1 h)); the other levels keep their spacing. */
function policyGrid(): { name: string; policy: DangerPolicy }[] {
  const out: { name: string; policy: DangerPolicy }[] = [];
  for (const z of [0.75, 1, 1.25, 1.5, 2, 2.5]) {
    for (const p of [0.3, 0.45, 0.6]) {
      const policy: DangerPolicy = {
        ...DEFAULT_DANGER_POLICY,
        sigmaDistance1h: { watch: z + 2.5, warning: z + 1, 'margin-call': z, critical: Math.min(z / 2, DEFAULT_DANGER_POLICY.sigmaDistance1h.critical ?? z / 2) },
        probability1h: { watch: Math.min(0.1, p / 3), warning: Math.min(0.3, p * 0.66), 'margin-call': p, critical: Math.max(0.9, p + 0.05) },
      };
      out.push({ name: `z≤${z} or P1h≥${p}`, policy });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings = DEFAULT_ALERT_SETTINGS;
  const runsByFile = new Map<string, PositionRun[]>();
  for (const file of args.files) {
    const symbol = symbolFromFileName(file);
    if (!symbol) throw new Error(`${file}: cannot tell the symbol from the name`);
    const series = readCandleFile(file);
    const candles: Candle[] = Array.from(series.time, (t, i) => ({ time: t, open: series.open[i]!, high: series.high[i]!, low: series.low[i]!, close: series.close[i]! }));
    const name = basename(file);
    const runs: PositionRun[] = [];
    const first = candles[0]!.time + DAY;
    const last = candles[candles.length - 1]!.time;
    for (let open = first; open + HOUR <= last; open += args.everyHours * HOUR) {
      const startIdx = candles.findIndex((c) => c.time >= open);
      const warm = candles.findIndex((c) => c.time >= open - DAY);
      const until = open + args.holdHours * HOUR;
      const endIdx = candles.findIndex((c) => c.time >= until + series.intervalMin * 60_000);
      const slice = candles.slice(warm, endIdx < 0 ? candles.length : endIdx);
      for (const leverage of leveragesFor(symbol)) {
        const snapshot = hedgePairSnapshot({ symbol, price: candles[startIdx]!.open, leverage, atMs: open, tiers: tiersFor(symbol) });
        const byKey = new Map<string, PositionRun>();
        for (const side of ['long', 'short']) {
          byKey.set(`position:${symbol}:${side}`, { file: name, key: `position:${symbol}:${side}`, leverage, openMs: open, endMs: Math.min(until, last + 60_000), liquidatedMs: null, samples: [], pushes: [] });
        }
        const forecaster = new ForecastService(args.params ? { params: args.params } : {});
        if (forecaster.paramsWarning) throw new Error(`forecast parameters: ${forecaster.paramsWarning}`);
        runReplay(
          {
            snapshot, symbol, candles: slice, intervalMin: series.intervalMin, fromMs: open, untilMs: until, settings,
            engine: { targetMarginRatio: DEFAULT_APP_SETTINGS.targetMarginRatio, triggerLevels: DEFAULT_APP_SETTINGS.triggerLevels },
            forecaster,
            onVerdict: (t, verdict) => {
              for (const d of verdict.subjects) {
                byKey.get(d.key)?.samples.push({ t, inputs: { distance: d.distance === null ? null : Number(d.distance), sigmaPerMin: d.sigmaPerMin, p1h: d.p1h, ttfMedianMin: d.ttfMedianMin, marginRatio: d.marginRatio === null ? null : Number(d.marginRatio) } });
              }
            },
          },
          (line) => {
            if (line.kind === 'liquidated') {
              const r = byKey.get(line.subject);
              if (r) {
                r.liquidatedMs = Date.parse(line.t);
                r.endMs = r.liquidatedMs;
              }
            } else if (line.kind === 'alert') byKey.get(line.subject)?.pushes.push({ t: Date.parse(line.t), level: line.level, reason: line.reason });
          },
        );
        await forecaster.close();
        runs.push(...byKey.values());
      }
    }
    runsByFile.set(name, runs);
    const sc = emptyScore();
    for (const r of runs) scorePosition(r, r.pushes, sc);
    process.stderr.write(`${name}: ${runs.length} positions ${JSON.stringify(summarise(sc))}\n`);
  }

  // 1. The shipped defaults, through the real pipeline.
  const shipped: Record<string, ReturnType<typeof summarise>> = {};
  let total = emptyScore();
  const byLeverage = new Map<number, Score>();
  for (const [name, runs] of runsByFile) {
    const sc = emptyScore();
    for (const r of runs) {
      scorePosition(r, r.pushes, sc);
      const lv = byLeverage.get(r.leverage) ?? emptyScore();
      scorePosition(r, r.pushes, lv);
      byLeverage.set(r.leverage, lv);
    }
    shipped[name] = summarise(sc);
    total = add(total, sc);
  }

  // 1b. Each level on its own, through the same pushes, and every liquidation's lead per level.
  const byLevel: Record<string, { total: ReturnType<typeof summarise>; byFile: Record<string, ReturnType<typeof summarise>> }> = {};
  for (const level of SCORED_LEVELS) {
    const rank = levelRank(level);
    let levelTotal = emptyScore();
    const levelByFile: Record<string, ReturnType<typeof summarise>> = {};
    for (const [name, runs] of runsByFile) {
      const sc = emptyScore();
      for (const r of runs) scorePosition(r, r.pushes, sc, rank);
      levelByFile[name] = summarise(sc);
      levelTotal = add(levelTotal, sc);
    }
    byLevel[level] = { total: summarise(levelTotal), byFile: levelByFile };
  }
  const liquidations = [...runsByFile.values()].flat().filter((r) => r.liquidatedMs !== null).map((r) => ({
    file: r.file,
    key: r.key,
    leverage: r.leverage,
    openMs: r.openMs,
    liquidatedMs: r.liquidatedMs,
    leadMin: Object.fromEntries(SCORED_LEVELS.map((l) => [l, leadMin(r, r.pushes, levelRank(l))])),
  }));

  // 2. The policy grid on the recorded inputs, and leave-one-crash-out selection.
  const grid = policyGrid();
  const gridScores = grid.map(() => new Map<string, Score>());
  for (const [name, runs] of runsByFile) {
    grid.forEach((g, gi) => {
      const sc = emptyScore();
      for (const r of runs) scorePosition(r, simulatePushes(r, g.policy, settings), sc);
      gridScores[gi]!.set(name, sc);
    });
  }
  const pick = (exclude: string | null): number => {
    let best = 0;
    let bestKey: [number, number] = [-Infinity, Infinity];
    grid.forEach((_, gi) => {
      let sc = emptyScore();
      for (const [name, s] of gridScores[gi]!) if (name !== exclude) sc = add(sc, s);
      const recall = sc.liquidations ? sc.warned / sc.liquidations : 0;
      const fpd = sc.positionDays ? sc.falseAlerts / sc.positionDays : Infinity;
      // Highest recall among policies within the false-alert budget; ties: fewer false alerts.
      const feasible = fpd <= 0.5;
      const key: [number, number] = [feasible ? recall : -1 + recall * 1e-3, fpd];
      if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
        best = gi;
        bestKey = key;
      }
    });
    return best;
  };
  const loco: Record<string, { chosen: string; heldOut: ReturnType<typeof summarise> }> = {};
  let locoTotal = emptyScore();
  for (const name of runsByFile.keys()) {
    const gi = pick(name);
    const sc = gridScores[gi]!.get(name)!;
    loco[name] = { chosen: grid[gi]!.name, heldOut: summarise(sc) };
    locoTotal = add(locoTotal, sc);
  }
  const gridTable = grid.map((g, gi) => {
    let sc = emptyScore();
    for (const s of gridScores[gi]!.values()) sc = add(sc, s);
    return { policy: g.name, ...summarise(sc) };
  });
  const result = {
    files: [...runsByFile.keys()],
    holdHours: args.holdHours,
    everyHours: args.everyHours,
    params: args.params ?? 'resources/forecast/params.json',
    shippedDefaults: { total: summarise(total), byFile: shipped, byLeverage: Object.fromEntries([...byLeverage].map(([l, s]) => [l, summarise(s)])) },
    byLevel,
    liquidations,
    grid: gridTable,
    leaveOneCrashOut: { total: summarise(locoTotal), byFile: loco },
    chosenOnAll: grid[pick(null)]!.name,
  };
  process.stdout.write(JSON.stringify(result, null, 1) + '\n');
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 1) + '\n');
}

void main();
