// Market-wide stress (src/domain/forecast/leader.ts, FORECAST.md §8.15): causal leader signal, fit on
// training files only, and a backtest that is unchanged while the feature is off.
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../../src/backtest/candles';
import { replay, V3_MODEL_SIGMA, type BookOptions } from '../../../src/backtest/replay';
import { BacktestTotals, buildJson, replayContext, runBacktestFile } from '../../../src/backtest/run';
import {
  fitLeaderParams,
  LEADER_MIN_EVENTS,
  LEADER_OFF,
  leaderSigmaMultiplier,
  leaderSignalAt,
  leaderStatsOf,
  leaderZSeries,
  type LeaderParams,
  type LeaderStats,
} from '../../../src/domain/forecast';
import { leaderTrainingFiles } from '../../../scripts/forecast-leader';
import { walk } from './synthetic';

// Follower: 3 days of 1-minute bars sliding −12 % from day 2.4; leader: 5-minute bars falling 20 min earlier.
const SLIDE = Math.round(2.4 * 1440);
const follower = walk(3 * 1440, 1, 12345, 0.0012, [SLIDE, 120, -0.001]);
const LEAD_SHOCK = Math.floor((SLIDE - 20) / 5);
const leaderBars = (): CandleSeries => walk((3 * 1440) / 5, 5, 777, 0.002, [LEAD_SHOCK, 3, -0.006]);
const ACTIVE: LeaderParams = { zThreshold: 1, followerZMax: 1, sigmaMultDown: 1.5, sigmaMultUp: 1.2, excessMin: 60 };
const book: Partial<BookOptions> = { leverages: [20, 50, 100], openEveryMin: 60, holdMin: 720, modelSigma: V3_MODEL_SIGMA };

describe('leader signal is causal', () => {
  const L = leaderBars();
  const lz = leaderZSeries(L.time, L.close, L.intervalMin);

  it('flags the leader fall and its window is 15 minutes on 5-minute bars', () => {
    expect(lz.windowMin).toBe(15);
    const k = LEAD_SHOCK + 2;
    expect(lz.z[k]!).toBeLessThan(-2);
  });

  it('a bar is usable only from its close time', () => {
    const i = LEAD_SHOCK + 2;
    expect(leaderSignalAt(lz, lz.closeTime[i]!)!.z).toBe(lz.z[i]);
    expect(leaderSignalAt(lz, lz.closeTime[i]! - 1)!.z).toBe(lz.z[i - 1]);
    expect(leaderSignalAt(lz, lz.closeTime[0]! - 1)).toBeNull();
  });

  it('z up to a bar does not change when later bars change', () => {
    const cut = 500;
    const M = leaderBars();
    for (let i = cut + 1; i < M.close.length; i++) M.close[i] = M.close[i]! * (1 + 0.05 * Math.sin(i));
    const mz = leaderZSeries(M.time, M.close, M.intervalMin);
    expect(Array.from(mz.z.slice(0, cut + 1))).toEqual(Array.from(lz.z.slice(0, cut + 1)));
    expect(Array.from(mz.z.slice(cut + 1))).not.toEqual(Array.from(lz.z.slice(cut + 1)));
  });

  it('replayed model probabilities up to time T ignore leader bars closing after T', () => {
    const cutBar = LEAD_SHOCK - 1;
    const T = L.time[cutBar]! + 5 * 60_000; // close of the last unchanged leader bar
    const M = leaderBars();
    for (let i = cutBar + 1; i < M.close.length; i++) M.close[i] = M.close[i]! * Math.exp(-0.03 * (i - cutBar));
    const after = new Map<string, number[]>();
    const collect = (leaderSeries: CandleSeries, later?: Map<string, number[]>): Map<string, number[]> => {
      const out = new Map<string, number[]>();
      const z = leaderZSeries(leaderSeries.time, leaderSeries.close, 5);
      const ctx = replayContext({ series: follower, book: { ...book, leader: { z, params: ACTIVE } } });
      replay(ctx, {
        finish(p) {
          p.pRaw.forEach((ps, j) => {
            const t = follower.time[p.openBar + 1 + j]! + 60_000;
            const key = `${p.openTime}/${p.leverage}/${p.side}/${j}`;
            if (t <= T) out.set(key, ps);
            else later?.set(key, ps);
          });
        },
      });
      return out;
    };
    const afterM = new Map<string, number[]>();
    const a = collect(L, after);
    const b = collect(M, afterM);
    expect(a.size).toBeGreaterThan(1000);
    expect([...b.entries()]).toEqual([...a.entries()]);
    // ...while the changed leader bars do change what comes after T (the check above can fail).
    expect([...afterM.entries()]).not.toEqual([...after.entries()]);
  }, 90_000); // backtest runs: slow on a loaded 2-core machine
});

describe('leader σ multiplier', () => {
  it('raises the adverse side only after an unfollowed shock, diluted over long horizons', () => {
    expect(leaderSigmaMultiplier(ACTIVE, 1, -1.5, 0, 60)).toBeCloseTo(1.5, 12);
    expect(leaderSigmaMultiplier(ACTIVE, 1, -1.5, -1.2, 60)).toBe(1); // the follower already fell
    expect(leaderSigmaMultiplier(ACTIVE, 1, -0.5, 0, 60)).toBe(1); // no shock
    expect(leaderSigmaMultiplier(ACTIVE, -1, -1.5, 0, 60)).toBe(1); // a fall is not adverse to shorts
    expect(leaderSigmaMultiplier(ACTIVE, -1, 1.5, 0, 15)).toBeCloseTo(1.2, 12);
    expect(leaderSigmaMultiplier(ACTIVE, 1, -1.5, 0, 240)).toBeCloseTo(Math.sqrt(1 + 1.25 * 0.25), 12);
    expect(leaderSigmaMultiplier(ACTIVE, 1, NaN, 0, 60)).toBe(1);
    expect(leaderSigmaMultiplier(LEADER_OFF, 1, -5, 0, 60)).toBe(1);
  });
});

describe('fit on training files only', () => {
  const stats = (file: string, nS: number, kS: number, nB: number, kB: number): LeaderStats => ({
    file,
    down: { nSignal: nS, kSignal: kS, nBase: nB, kBase: kB },
    up: { nSignal: nS, kSignal: 0, nBase: nB, kBase: kB },
  });
  const base = { zThreshold: 1, followerZMax: 1, excessMin: 60 };

  it('turns the signalled 2σ rate into a σ ratio, and stays at 1 without enough events', () => {
    const fit = fitLeaderParams([stats('a', 500, 42, 10_000, 410)], base);
    // 2Φ(−a/σ): 4.1 % → a/σ = 2.04; 8.4 % → 1.73; ratio ≈ 1.18.
    expect(fit.sigmaMultDown).toBeGreaterThan(1.15);
    expect(fit.sigmaMultDown).toBeLessThan(1.21);
    expect(fit.sigmaMultUp).toBe(1); // fewer signalled rises than the rate without
    expect(fitLeaderParams([stats('a', 100, LEADER_MIN_EVENTS - 1, 10_000, 410)], base).sigmaMultDown).toBe(1);
    expect(fit.trainedOn).toEqual(['a']);
  });

  it('leave-one-asset-out drops every file of the scored asset, leave-one-crash-out the scored file', () => {
    const files = ['/d/binance_um_NEARUSDT_perp_1m_202406.csv.gz', '/d/binance_um_NEARUSDT_perp_1m_202502.csv.gz', '/d/binance_um_FILUSDT_perp_1m_202404.csv.gz'];
    expect(leaderTrainingFiles(files[0]!, files, 'leave-one-asset-out')).toEqual([files[2]]);
    expect(leaderTrainingFiles(files[0]!, files, 'leave-one-crash-out')).toEqual([files[1], files[2]]);
  });

  it('counts signalled samples on the file it is given', () => {
    const L = leaderBars();
    const st = leaderStatsOf('f', follower, leaderZSeries(L.time, L.close, 5), base);
    expect(st.down.nSignal).toBeGreaterThan(0);
    expect(st.down.nSignal + st.down.nBase).toBe(st.up.nSignal + st.up.nBase);
  });
});

describe('backtest with the feature off', () => {
  const run = (extra: Partial<BookOptions>): ReturnType<typeof buildJson> => {
    const totals = new BacktestTotals();
    runBacktestFile({ series: follower, book: { ...book, ...extra } }, totals);
    return buildJson(totals, true);
  };
  const L = leaderBars();
  const z = leaderZSeries(L.time, L.close, 5);
  const off = run({});

  it('is identical without a leader and with multipliers of 1', () => {
    expect(run({ leader: { z, params: LEADER_OFF } })).toEqual(off);
  }, 90_000); // backtest runs: slow on a loaded 2-core machine

  it('changes only the model when on', () => {
    const on = run({ leader: { z, params: ACTIVE } });
    expect(on.scores.model).not.toEqual(off.scores.model);
    expect(on.rules.fixedDistance).toEqual(off.rules.fixedDistance);
    expect(on.rules.volScaled).toEqual(off.rules.volScaled);
    expect(Object.keys(on)).toEqual(Object.keys(off));
  }, 90_000); // backtest runs: slow on a loaded 2-core machine
});
