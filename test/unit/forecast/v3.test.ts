// Issue 12 model pieces: horizon σ term structure, "low" display, out-of-sample folds — checked on
// properties and on a committed cut of a real crash (test/fixtures/forecast, README there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../../src/backtest/candles';
import { assetOfFile, buildFolds, fitPooled, foldFor, poolBookFor, type FileContribution } from '../../../src/backtest/pooled';
import { episodes } from '../../../src/backtest/run';
import { MarketState } from '../../../src/forecast/marketState';
import { appCalibrationForFile } from '../../../src/cli/commands/backtest';
import { loadForecastParams } from '../../../src/forecast/params';
import {
  applyCalibration,
  calibrationFor,
  DEFAULT_PARAMS,
  forecastParamsSchema,
  displayProbability,
  forecastAccountV1,
  horizonSigmaPerMin,
  isShowableProbability,
  LOW_PROBABILITY,
  newVolState,
  rawHitProbability,
  sigmaPerMin,
  symbolParams,
  updateVol,
  type MarketView,
  type VolConfig,
} from '../../../src/domain/forecast';
import { bareParams, market, position, positionReport, report, snapshot } from './fixtures';

const FIXTURE = join(__dirname, '../../fixtures/forecast/FILUSDT_perp_1m_20230610T0000-0800.csv');
const config: VolConfig = { fastHalfLifeMin: 30, slowHalfLifeMin: 1440, floorPerMin: 0, minReturns: 30 };
const HORIZONS = [1, 15, 60, 240, 1440];

function crashSeries() {
  return parseCandleCsv(readFileSync(FIXTURE, 'utf8'), 'fil.csv');
}

describe('horizon σ term structure (horizonSigmaPerMin)', () => {
  it('over the FIL crash: finite, never below the slow σ or the floor, non-increasing in the horizon, ≤ max(fast, slow)', () => {
    const s = crashSeries();
    const vol = newVolState();
    const floor = 2e-4;
    let checked = 0;
    for (let t = 1; t < s.close.length; t++) {
      updateVol(vol, Math.log(s.close[t]! / s.close[t - 1]!), 1, config);
      if (vol.count < config.minReturns) continue;
      const sig = HORIZONS.map((h) => horizonSigmaPerMin(vol, config, h, floor));
      for (const v of sig) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(Math.max(Math.sqrt(vol.slowVar), floor) - 1e-15);
        expect(v).toBeLessThanOrEqual(Math.max(sigmaPerMin(vol, config), floor) + 1e-15);
      }
      for (let i = 1; i < sig.length; i++) expect(sig[i]!).toBeLessThanOrEqual(sig[i - 1]! + 1e-15);
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('after the shock the 1-day σ is much closer to the slow σ than the 15-minute one', () => {
    const s = crashSeries();
    const crashStart = s.time.findIndex((t) => t >= Date.UTC(2023, 5, 10, 4, 0));
    const crashEnd = s.time.findIndex((t) => t >= Date.UTC(2023, 5, 10, 5, 0));
    // A warm filter (as after days of history): both speeds start at the calm hours' variance.
    let calm = 0;
    for (let t = 1; t < crashStart; t++) calm += Math.log(s.close[t]! / s.close[t - 1]!) ** 2;
    calm /= crashStart - 1;
    const vol = { fastVar: calm, slowVar: calm, count: 10_000 };
    for (let t = crashStart; t <= crashEnd; t++) updateVol(vol, Math.log(s.close[t]! / s.close[t - 1]!), 1, config);
    expect(vol.fastVar).toBeGreaterThan(4 * vol.slowVar); // the fixture really holds a shock
    const s15 = horizonSigmaPerMin(vol, config, 15);
    const s1440 = horizonSigmaPerMin(vol, config, 1440);
    const slow = Math.sqrt(vol.slowVar);
    expect(s1440 - slow).toBeLessThan(0.1 * (s15 - slow));
  });

  it('equals the max rule at zero horizon, and ignores non-finite state', () => {
    const vol = { fastVar: 4e-6, slowVar: 1e-6, count: 100 };
    expect(horizonSigmaPerMin(vol, config, 0)).toBeCloseTo(2e-3, 12);
    expect(horizonSigmaPerMin({ fastVar: NaN, slowVar: 1e-6, count: 100 }, config, 60)).toBeCloseTo(1e-3, 12);
    expect(horizonSigmaPerMin({ fastVar: Infinity, slowVar: NaN, count: 100 }, config, 60, 5e-4)).toBe(5e-4);
  });

  it('gives probabilities in [0, 1], monotone in distance and in horizon', () => {
    const vol = { fastVar: 9e-6, slowVar: 1e-6, count: 100 };
    for (const h of HORIZONS) {
      let prev = 1;
      for (const a of [0, 0.001, 0.005, 0.01, 0.03, 0.1, 0.3]) {
        const p = rawHitProbability({ distance: a, sigmaPerMin: horizonSigmaPerMin(vol, config, h), funding: [], jumpsPerMin: 1e-5 * Math.pow(Math.max(a, 0.02) / 0.02, -3) }, h);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(p).toBeLessThanOrEqual(prev + 1e-12);
        prev = p;
      }
    }
    let prevH = 0;
    for (const h of HORIZONS) {
      const p = rawHitProbability({ distance: 0.02, sigmaPerMin: horizonSigmaPerMin(vol, config, h), funding: [], jumpsPerMin: 0 }, h);
      expect(p).toBeGreaterThanOrEqual(prevH - 1e-12);
      prevH = p;
    }
  });
});

describe('probability display ("low" below 1 %)', () => {
  it('never shows a figure below 1 %, NaN or negative', () => {
    for (const p of [0, 1e-9, 0.0049, 0.0099, NaN, -0.2, -Infinity]) {
      expect(displayProbability(p)).toEqual({ kind: 'low', text: 'low' });
      expect(isShowableProbability(p)).toBe(false);
    }
  });

  it('shows figures from 1 %, one decimal below 10 %, capped at > 99 %', () => {
    expect(displayProbability(LOW_PROBABILITY)).toEqual({ kind: 'value', text: '1 %', percent: 1 });
    expect(displayProbability(0.0345)).toEqual({ kind: 'value', text: '3.5 %', percent: 3.5 });
    expect(displayProbability(0.237)).toEqual({ kind: 'value', text: '24 %', percent: 24 });
    expect(displayProbability(0.9995)).toEqual({ kind: 'value', text: '> 99 %', percent: 99 });
    expect(displayProbability(Infinity).kind).toBe('low');
  });
});

describe('out-of-sample folds', () => {
  const bins = (pos: number) => [0, 1, 2, 3].map(() => ({ count: [0, 1000, 1000], positives: [0, pos, pos * 2], sumX: [0, 10, 40] }));
  const contrib = (file: string, pos: number): FileContribution => ({ file, calibration: bins(pos), windowsDown: [0.01, 0.03, 0.05], windowsUp: [0.01, 0.02, 0.04] });
  const files = [contrib('binance_um_FILUSDT_perp_1m_202306.csv.gz', 5), contrib('binance_um_FILUSDT_perp_1m_202404.csv.gz', 7), contrib('binance_um_NEARUSDT_perp_1m_202308.csv.gz', 30), contrib('binance_spot_BTCUSDT_1m_20210505-20210520.csv', 12)];
  const prior = { ratePerMin: 2e-5, x0: 0.02, alpha: 3 };

  it('leave one asset out: a fold never contains a file of its held-out asset', () => {
    const p = buildFolds('leave-one-asset-out', files, 0.02, prior);
    expect(p.folds.map((f) => f.holdOut).sort()).toEqual(['BTC', 'FIL', 'NEAR']);
    for (const f of p.folds) for (const t of f.trainedOn) expect(assetOfFile(t)).not.toBe(f.holdOut);
    expect(foldFor(p, 'binance_um_FILUSDT_perp_1m_202404.csv.gz').trainedOn).toEqual(['binance_um_NEARUSDT_perp_1m_202308.csv.gz', 'binance_spot_BTCUSDT_1m_20210505-20210520.csv']);
    expect(poolBookFor(p, 'binance_um_NEARUSDT_perp_1m_202308.csv.gz').fixedCalibration).toBeDefined();
  });

  it('leave one crash out: only the scored file is left out; an unknown file is an error', () => {
    const p = buildFolds('leave-one-crash-out', files, 0.02, prior);
    const fold = foldFor(p, 'binance_um_FILUSDT_perp_1m_202306.csv.gz');
    expect(fold.trainedOn).toContain('binance_um_FILUSDT_perp_1m_202404.csv.gz');
    expect(fold.trainedOn).not.toContain('binance_um_FILUSDT_perp_1m_202306.csv.gz');
    expect(() => foldFor(p, 'binance_um_AVAXUSDT_perp_1m_202502.csv.gz')).toThrow(/no leave-one-crash-out fold/);
  });

  it('per class: the maps of a held-out file are fitted on other files of its class only, the tails on all others', () => {
    const withEth = [...files, contrib('binance_spot_ETHUSDT_1m_20210505-20210520.csv', 40)];
    const plain = buildFolds('leave-one-asset-out', withEth, 0.02, prior);
    const byClass = buildFolds('leave-one-asset-out', withEth, 0.02, prior, true);
    const btc = foldFor(byClass, 'binance_spot_BTCUSDT_1m_20210505-20210520.csv');
    const fil = foldFor(byClass, 'binance_um_FILUSDT_perp_1m_202306.csv.gz');
    expect(btc.assetClass).toBe('majors');
    expect(fil.assetClass).toBe('alts');
    // BTC's maps come from ETH alone, FIL's from NEAR alone; without classes FIL's pool BTC and ETH too.
    expect(btc.calibration).toEqual(fitPooled([withEth[4]!], 0.02, prior).calibration);
    expect(fil.calibration).toEqual(fitPooled([files[2]!], 0.02, prior).calibration);
    const pooledFil = foldFor(plain, 'binance_um_FILUSDT_perp_1m_202306.csv.gz').calibration['60']!;
    expect(pooledFil).not.toEqual(fil.calibration['60']);
    expect(btc.tailDown).toEqual(foldFor(plain, 'binance_spot_BTCUSDT_1m_20210505-20210520.csv').tailDown);
    // A class with no other file cannot be calibrated out of sample: an error, not a silent fallback.
    expect(() => buildFolds('leave-one-asset-out', files, 0.02, prior, true)).toThrow(/no other majors file/);
  });

  it('pooled maps are monotone and in [0, 1]', () => {
    const p = buildFolds('leave-one-asset-out', files, 0.02, prior);
    for (const f of p.folds) {
      for (const m of Object.values(f.calibration)) {
        for (let i = 0; i < m.y.length; i++) {
          expect(m.y[i]!).toBeGreaterThanOrEqual(0);
          expect(m.y[i]!).toBeLessThanOrEqual(1);
          if (i > 0) expect(m.y[i]!).toBeGreaterThanOrEqual(m.y[i - 1]!);
        }
      }
    }
  });
});

describe('calibration per class (calibrationFor)', () => {
  const map = (y: number) => Object.fromEntries(['15', '60', '240', '1440'].map((h) => [h, { x: [0, 1], y: [y, y] }]));
  const tail = { ratePerMin: 0, x0: 0.02, alpha: 3 };
  const sym = (cls?: string) => ({ volFloorPerMin: 0, tailDown: tail, tailUp: tail, ...(cls ? { calibrationClass: cls } : {}) });
  const params = bareParams({ calibration: map(0.5), classCalibration: { majors: map(0.1), alts: map(0.9) }, symbols: { BTC: sym('majors'), ETH: sym('majors'), FIL: sym('alts') }, defaults: sym('alts') });

  it('picks the class of the symbol, an unknown symbol gets the defaults class, a mixed book the pooled maps', () => {
    expect(calibrationFor(params, ['BTCUSDT'])['60']!.y[0]).toBe(0.1);
    expect(calibrationFor(params, ['BTCUSDT', 'ETHUSDT'])['60']!.y[0]).toBe(0.1);
    expect(calibrationFor(params, ['FILUSDT'])['60']!.y[0]).toBe(0.9);
    expect(calibrationFor(params, ['DOGEUSDT'])['60']!.y[0]).toBe(0.9);
    expect(calibrationFor(params, ['BTCUSDT', 'FILUSDT'])['60']!.y[0]).toBe(0.5);
    expect(calibrationFor(params, [])['60']!.y[0]).toBe(0.5);
    expect(calibrationFor(bareParams({ calibration: map(0.5) }), ['BTCUSDT'])['60']!.y[0]).toBe(0.5);
  });

  it('the schema accepts class maps and rejects a bad one', () => {
    expect(forecastParamsSchema.safeParse(params).success).toBe(true);
    expect(forecastParamsSchema.safeParse({ ...params, classCalibration: { majors: { ...map(0.1), '60': { x: [0, 1], y: [0.5, 0.1] } } } }).success).toBe(false);
  });

  it('the isolated forecast uses the class maps (same raw input, different calibrated output)', () => {
    const pr = positionReport({ liquidationPrice: (50000 * Math.exp(-0.03)).toFixed(8) });
    const run = (p: typeof params) => forecastAccountV1({ snapshot: snapshot([position()]), report: report([pr]), market: market({ BTCUSDT: 1e-3 }), params: p, levels: ['1'], nowMs: 0 });
    const p60 = (f: ReturnType<typeof run>) => f.levels[0]!.probabilities.find((x) => x.horizonMin === 60)!.probability;
    expect(p60(run(params))).toBeCloseTo(0.1, 6);
    expect(p60(run({ ...params, symbols: { ...params.symbols, BTC: sym('alts') } }))).toBeCloseTo(0.9, 6);
  });
});

describe('shipped params.json: classes and the backtest policy', () => {
  const loaded = loadForecastParams(join(__dirname, '../../../resources/forecast/params.json'));
  it('loads without warning, with majors and alts maps, and the CLI picks the file symbol\'s class', () => {
    expect(loaded.warning).toBeNull();
    const p = loaded.params;
    expect(Object.keys(p.classCalibration ?? {}).sort()).toEqual(['alts', 'majors']);
    expect(symbolParams(p, 'BTCUSDT').calibrationClass).toBe('majors');
    expect(symbolParams(p, 'SOLUSDT').calibrationClass).toBe('alts');
    expect(appCalibrationForFile(p, 'binance_um_FILUSDT_perp_1m_202306.csv.gz')).toBe(p.classCalibration!.alts);
    expect(appCalibrationForFile(p, 'binance_spot_ETHUSDT_1m_20210505-20210520.csv')).toBe(p.classCalibration!.majors);
    expect(appCalibrationForFile(p, 'candles.csv')).toBe(p.calibration);
    // The majors map lifts a raw probability that the alts map lowers (the v3 finding, §8.8).
    expect(applyCalibration(p.classCalibration!.majors!['60']!, 0.05)).toBeGreaterThan(applyCalibration(p.classCalibration!.alts!['60']!, 0.05));
  });
});

describe('alert coverage (the always-on artefact)', () => {
  it('counts the bars in alert', () => {
    const on = [false, true, true, false, false, true];
    const r = episodes(on.length, (j) => on[j]!, (j) => j * 60_000, null, 2);
    expect(r.onBars).toBe(3);
    expect(r.falseEpisodes).toBe(2);
  });
});

describe('account forecast with the σ term structure (params.sigmaTermStructure)', () => {
  const NOW = Date.parse('2024-05-01T12:00:00.000Z');
  const vol = { fastVar: 16e-6, slowVar: 1e-6, count: 10_000 }; // just after a shock: σ_fast = 4·σ_slow
  const withTerm = (base: MarketView): MarketView => ({ ...base, sigma: base.sigma, correlation: base.correlation, sigmaAt: (_s, t) => horizonSigmaPerMin(vol, config, t) });
  const run = (term: boolean, a: number) => {
    const pr = positionReport({ liquidationPrice: (50000 * Math.exp(-a)).toFixed(8) });
    const m = withTerm(market({ BTCUSDT: Math.sqrt(vol.fastVar) }));
    return forecastAccountV1({ snapshot: snapshot([position()]), report: report([pr]), market: m, params: bareParams({ sigmaTermStructure: term }), levels: ['1'], nowMs: NOW });
  };
  const probs = (f: ReturnType<typeof run>) => f.levels[0]!.probabilities.map((p) => p.probability);

  it('after a shock lowers the long horizons, keeps probabilities in [0, 1], monotone in horizon and distance, no NaN', () => {
    const off = probs(run(false, 0.03));
    const on = probs(run(true, 0.03));
    expect(on[3]!).toBeLessThan(off[3]!);
    for (const ps of [off, on]) for (let i = 0; i < ps.length; i++) {
      expect(Number.isFinite(ps[i]!)).toBe(true);
      expect(ps[i]!).toBeGreaterThanOrEqual(0);
      expect(ps[i]!).toBeLessThanOrEqual(1);
      if (i > 0) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
    }
    let prev = 1;
    for (const a of [0.002, 0.01, 0.03, 0.1]) {
      const p = probs(run(true, a))[1]!;
      expect(p).toBeLessThanOrEqual(prev);
      prev = p;
    }
    const f = run(true, 0.03).levels[0]!;
    expect(f.q10Minutes === null || (Number.isFinite(f.q10Minutes) && f.q10Minutes > 0)).toBe(true);
  });

  it('is off by default: without the flag the market σ is used as before', () => {
    const pr = positionReport({ liquidationPrice: (50000 * Math.exp(-0.03)).toFixed(8) });
    const plain = forecastAccountV1({ snapshot: snapshot([position()]), report: report([pr]), market: market({ BTCUSDT: Math.sqrt(vol.fastVar) }), params: bareParams(), levels: ['1'], nowMs: NOW });
    expect(probs(plain)).toEqual(probs(run(false, 0.03)));
  });
});

describe('MarketState.sigmaAt (the service side of the term structure)', () => {
  it('is null without history, then finite, non-increasing in the horizon and ≤ the v2 σ, on the FIL crash cut', () => {
    const s = crashSeries();
    const state = new MarketState(DEFAULT_PARAMS);
    expect(state.sigmaAt('FILUSDT', 60)).toBeNull();
    const candles = Array.from(s.time, (t, i) => ({ time: t, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: 0 }));
    state.ingestCandles('FILUSDT', candles);
    const sig = [15, 60, 240, 1440].map((h) => state.sigmaAt('FILUSDT', h)!);
    for (let i = 0; i < sig.length; i++) {
      expect(Number.isFinite(sig[i]!)).toBe(true);
      expect(sig[i]!).toBeLessThanOrEqual(state.sigma('FILUSDT')! + 1e-15);
      if (i > 0) expect(sig[i]!).toBeLessThanOrEqual(sig[i - 1]!);
    }
  });
});

describe('MarketState backfill answered after live ticks (the service start-up race)', () => {
  const s = crashSeries();
  const candles = Array.from(s.time, (t, i) => ({ time: t, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: 0 }));
  const split = candles.length - 5; // the last five minutes arrive as live ticks
  const tickTime = (c: { time: number }, k: number) => c.time + 10_000 + k;
  const feedTicks = (state: MarketState, symbol: string) => {
    candles.slice(split).forEach((c, k) => state.ingestTick({ symbol, price: String(c.close), time: tickTime(c, k) }));
    // a tick in the next minute closes the last one
    state.ingestTick({ symbol, price: String(candles.at(-1)!.close), time: candles.at(-1)!.time + 60_000 + 5_000 });
  };

  it('puts history older than the closed live minutes in front of them: σ as if the backfill had come first', () => {
    const inOrder = new MarketState(DEFAULT_PARAMS);
    inOrder.ingestCandles('FILUSDT', candles.slice(0, split));
    feedTicks(inOrder, 'FILUSDT');

    const late = new MarketState(DEFAULT_PARAMS);
    feedTicks(late, 'FILUSDT');
    expect(late.sigma('FILUSDT')).toBeNull(); // four live returns: not enough
    const r = late.ingestCandles('FILUSDT', candles.slice(0, split));
    expect(r.accepted).toBe(split);
    expect(late.sigma('FILUSDT')).not.toBeNull();
    expect(late.sigma('FILUSDT')!).toBeCloseTo(inOrder.sigma('FILUSDT')!, 15);
    expect(late.sigmaAt('FILUSDT', 60)!).toBeCloseTo(inOrder.sigmaAt('FILUSDT', 60)!, 15);
    // idempotent: the same backfill again changes nothing
    expect(late.ingestCandles('FILUSDT', candles.slice(0, split)).accepted).toBe(0);
    expect(late.sigma('FILUSDT')!).toBeCloseTo(inOrder.sigma('FILUSDT')!, 15);
  });

  it('keeps pairing each minute once: the correlation matches the in-order one', () => {
    const other = candles.map((c, i) => ({ ...c, close: c.close * (1 + 0.001 * Math.sin(i)) }));
    const inOrder = new MarketState(DEFAULT_PARAMS);
    inOrder.ingestCandles('FILUSDT', candles.slice(0, split));
    inOrder.ingestCandles('XUSDT', other);
    feedTicks(inOrder, 'FILUSDT');
    const late = new MarketState(DEFAULT_PARAMS);
    late.ingestCandles('XUSDT', other);
    feedTicks(late, 'FILUSDT');
    late.ingestCandles('FILUSDT', candles.slice(0, split));
    expect(late.correlation('FILUSDT', 'XUSDT')).not.toBeNull();
    expect(late.correlation('FILUSDT', 'XUSDT')!).toBeCloseTo(inOrder.correlation('FILUSDT', 'XUSDT')!, 12);
  });
});

