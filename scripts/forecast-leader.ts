// Market-wide stress for the evaluation harness (FORECAST.md §8.15): picks each follower file's leader
// candle file (the finest BTC file covering the follower's whole span, never the follower's own asset),
// collects the leader statistics of every follower file (cached), and fits the multipliers that score a
// file on the OTHER files only — leave-one-asset-out excludes every file of the scored asset,
// leave-one-crash-out the scored file — exactly as the calibration folds (src/backtest/pooled.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  fitLeaderParams,
  leaderStatsOf,
  leaderZSeries,
  type LeaderParams,
  type LeaderStats,
} from '../src/domain/forecast';
import { assetOfFile, type PoolScheme } from '../src/backtest/pooled';
import { loadSeries } from './forecast-data';

/** Signal thresholds (fixed before any backtest run, from the bucket edges of §8.12). */
export const LEADER_SIGNAL = { zThreshold: 1, followerZMax: 1, excessMin: 60 } as const;

export interface LeaderFit {
  follower: string;
  leader: string;
  params: LeaderParams & { trainedOn: string[] };
}

const HOUR = 3_600_000;

/** The finest leader file (of another asset) whose bars cover the follower's span; null if none does. */
export function leaderFileFor(follower: string, leaders: readonly string[], cache: string | null): string | null {
  const f = loadSeries(follower, cache);
  const from = f.time[0]!;
  const to = f.time[f.time.length - 1]!;
  let best: { file: string; interval: number } | null = null;
  for (const l of leaders) {
    if (assetOfFile(basename(l)) === assetOfFile(basename(follower))) continue;
    const s = loadSeries(l, cache);
    // Covering to within an hour at either end (a few minutes past the leader's end just get no signal).
    if (s.time[0]! > from + HOUR || s.time[s.time.length - 1]! < to - HOUR) continue;
    if (!best || s.intervalMin < best.interval) best = { file: l, interval: s.intervalMin };
  }
  return best?.file ?? null;
}

function statsOf(follower: string, leader: string, cache: string | null): LeaderStats {
  const key = cache ? join(cache, `leaderstats.${basename(follower)}.${basename(leader)}.${LEADER_SIGNAL.zThreshold}.${LEADER_SIGNAL.followerZMax}.json`) : null;
  if (key && existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as LeaderStats;
  const f = loadSeries(follower, cache);
  const l = loadSeries(leader, cache);
  const st = leaderStatsOf(basename(follower), f, leaderZSeries(l.time, l.close, l.intervalMin), LEADER_SIGNAL);
  if (key) writeFileSync(key, JSON.stringify(st));
  return st;
}

/** Training files of a scored file under the scheme: never the scored file, nor (LOAO) its asset. */
export function leaderTrainingFiles(scored: string, files: readonly string[], scheme: PoolScheme): string[] {
  const name = basename(scored);
  return files.filter((f) =>
    scheme === 'leave-one-asset-out' ? assetOfFile(basename(f)) !== assetOfFile(name) : basename(f) !== name,
  );
}

/** One fit per follower file with a leader, each on the other follower files only. */
export function leaderFits(
  files: readonly string[],
  leaders: readonly string[],
  scheme: PoolScheme,
  cache: string | null,
  /** Sensitivity only (not a fit, not a result): both multipliers forced to this value. */
  forceMult: number | null = null,
): LeaderFit[] {
  const pairs = files
    .map((f) => ({ follower: f, leader: leaderFileFor(f, leaders, cache) }))
    .filter((p): p is { follower: string; leader: string } => p.leader !== null);
  const stats = new Map(pairs.map((p) => [p.follower, statsOf(p.follower, p.leader, cache)]));
  return pairs.map((p) => {
    const train = leaderTrainingFiles(p.follower, [...stats.keys()], scheme);
    const fitted = fitLeaderParams(train.map((f) => stats.get(f)!), LEADER_SIGNAL);
    const params = forceMult === null ? fitted : { ...fitted, sigmaMultDown: forceMult, sigmaMultUp: forceMult };
    if (params.trainedOn.includes(basename(p.follower))) throw new Error(`leader fit for ${basename(p.follower)} saw the file itself`);
    return { follower: basename(p.follower), leader: p.leader, params };
  });
}
