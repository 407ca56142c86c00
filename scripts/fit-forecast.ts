// Fits the parameters the app ships in resources/forecast/params.json (v3, issue 12). Rerunnable:
//   npx tsx scripts/fit-forecast.ts --market DIR --alts DIR [--cache DIR] [--out resources/forecast/params.json] [--sigma-shrink A]
// (DIR = the market data folders, e.g. ../shared/data/market and ../shared/data/market/alts; no default.)
//   - BTC, ETH: jump tails (down/up) from 60-minute adverse moves of the whole 1h MARK-price history
//     (crash days included, FORECAST.md §1.5) and the σ floor = the FLOOR_QUANTILE of the two-speed
//     EWMA σ over the last 90 days of that history;
//   - ALGO, AVAX, FIL, NEAR: the same from their 1-minute perpetual months (60-minute windows of 1m bars;
//     floor over all their minutes);
//   - defaults (any other symbol, i.e. an alt the app has no data for): the alt class — tails pooled over
//     the alt months, floor = median of the alt floors;
//   - isotonic maps per horizon per calibration class (majors = BTC/ETH months, alts = the alt months;
//     months, not days) and one pooled over every 1-minute file as the fallback, from the backtest's pass-1 pairs with the shipped model σ (term structure + floor quantile).
// The backtest's out-of-sample figures (scripts/forecast-eval.ts --mode pooled) use the same pooling
// with the scored asset or file left out; these shipped maps use everything.
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readCandleFile, type CandleSeries } from '../src/backtest/candles';
import { fitPooled, assetClassOf, assetOfFile, type FileContribution } from '../src/backtest/pooled';
import { adverseWindows, DEFAULT_BOOK, V3_MODEL_SIGMA } from '../src/backtest/replay';
import { DEFAULT_PARAMS, fitJumpTail, forecastParamsSchema, newVolState, sigmaPerMin, updateVol, type CalibrationMap, type ForecastParams, type SymbolParams } from '../src/domain/forecast';
import { candleFiles, contribute, loadSeries } from './forecast-data';

// The shipped parameters (v3.2, docs/FORECAST.md §8.19) shrink σ's excess over the floor by α = 0.5,
// chosen out of sample; --sigma-shrink 1 fits v3.1 (no shrink).
const SHIPPED_SIGMA_SHRINK = 0.5;
const X0 = 0.02;

const argv = process.argv.slice(2);
const arg = (f: string): string | null => (argv.includes(f) ? (argv[argv.indexOf(f) + 1] ?? null) : null);
const MARKET = arg('--market');
const ALTS = arg('--alts');
if (!MARKET || !ALTS) throw new Error('usage: fit-forecast.ts --market DIR --alts DIR [--cache DIR] [--out FILE] [--sigma-shrink A]');
const CACHE = arg('--cache');
const SHRINK = Number(arg('--sigma-shrink') ?? SHIPPED_SIGMA_SHRINK);
if (!(SHRINK >= 0 && SHRINK <= 1)) throw new Error('--sigma-shrink is in [0, 1]');
const SHIPPED_MODEL_SIGMA = { ...V3_MODEL_SIGMA, ...(SHRINK !== 1 ? { shrink: SHRINK } : {}) };
const OUT = resolve(process.cwd(), arg('--out') ?? 'resources/forecast/params.json');
const config = { fastHalfLifeMin: DEFAULT_PARAMS.fastHalfLifeMin, slowHalfLifeMin: DEFAULT_PARAMS.slowHalfLifeMin, floorPerMin: 0, minReturns: 60 };

function quantile(xs: number[], q: number): number {
  const s = xs.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))] ?? 0;
}

/** σ of every bar (after warm-up), optionally only from a start time. */
function sigmas(s: CandleSeries, fromMs = -Infinity): number[] {
  const vol = newVolState();
  const out: number[] = [];
  for (let i = 1; i < s.time.length; i++) {
    updateVol(vol, Math.log(s.close[i]! / s.close[i - 1]!), s.intervalMin, config);
    if (s.time[i]! >= fromMs && vol.count >= config.minReturns) out.push(sigmaPerMin(vol, config));
  }
  return out;
}

function fitMajor(asset: string): SymbolParams {
  const s = readCandleFile(join(MARKET!, `binance_um_${asset}USDT_perp_markprice_1h.csv`));
  const w = adverseWindows(s);
  const prior = DEFAULT_PARAMS.defaults.tailDown;
  const floor = quantile(sigmas(s, s.time[s.time.length - 1]! - 90 * 86_400_000), SHIPPED_MODEL_SIGMA.floorQuantile);
  return { volFloorPerMin: floor, tailDown: fitJumpTail(w.map((x) => x.down), 60, X0, prior), tailUp: fitJumpTail(w.map((x) => x.up), 60, X0, prior) };
}

const altFiles = candleFiles([ALTS], []);
const altAssets = [...new Set(altFiles.map((f) => assetOfFile(basename(f))))].sort();
const altWindows = new Map<string, { down: number[]; up: number[]; sig: number[] }>();
for (const f of altFiles) {
  const a = assetOfFile(basename(f));
  const s = loadSeries(f, CACHE);
  const e = altWindows.get(a) ?? { down: [], up: [], sig: [] };
  for (const x of adverseWindows(s)) {
    e.down.push(x.down);
    e.up.push(x.up);
  }
  for (const v of sigmas(s)) e.sig.push(v);
  altWindows.set(a, e);
}
const prior = DEFAULT_PARAMS.defaults.tailDown;
const symbols: Record<string, SymbolParams> = { BTC: fitMajor('BTC'), ETH: fitMajor('ETH') };
for (const a of altAssets) {
  const e = altWindows.get(a)!;
  symbols[a] = { volFloorPerMin: quantile(e.sig, SHIPPED_MODEL_SIGMA.floorQuantile), tailDown: fitJumpTail(e.down, 60, X0, prior), tailUp: fitJumpTail(e.up, 60, X0, prior) };
}
const allAlt = [...altWindows.values()];
const defaults: SymbolParams = {
  volFloorPerMin: quantile(
    altAssets.map((a) => symbols[a]!.volFloorPerMin),
    0.5,
  ),
  tailDown: fitJumpTail(
    allAlt.flatMap((e) => e.down),
    60,
    X0,
    prior,
  ),
  tailUp: fitJumpTail(
    allAlt.flatMap((e) => e.up),
    60,
    X0,
    prior,
  ),
};

// Calibration: every 1-minute file with a test block (the 7-hour 2020 file has none).
const calFiles = [...altFiles, ...candleFiles([MARKET], ['_perp_1m_2025', 'spot_BTCUSDT_1m_2021', 'spot_ETHUSDT_1m_2021'])];
const contribs: FileContribution[] = calFiles.map((f) => {
  const c = contribute(f, { cache: CACHE, fundingDir: MARKET, mode: 'walk-forward', pooled: null, modelSigma: SHIPPED_MODEL_SIGMA });
  console.log(`calibration pairs from ${basename(f)}`);
  return c;
});
/** Isotonic maps pooled over these files; rounding can merge neighbours: keep x increasing, y non-decreasing. */
function shippedMaps(files: readonly FileContribution[]): Record<string, CalibrationMap> {
  const out: Record<string, CalibrationMap> = {};
  for (const [h, m] of Object.entries(fitPooled(files, DEFAULT_BOOK.tailX0, DEFAULT_BOOK.tailPrior).calibration)) {
    const x = m.x.map((v) => +v.toPrecision(6));
    const y = m.y.map((v) => +v.toPrecision(6));
    const keep = x.map((v, i) => i === 0 || v > x[i - 1]!);
    const xs = x.filter((_, i) => keep[i]);
    const ys = y.filter((_, i) => keep[i]);
    for (let i = 1; i < ys.length; i++) ys[i] = Math.max(ys[i]!, ys[i - 1]!);
    out[h] = { x: xs, y: ys };
  }
  return out;
}
const calibration = shippedMaps(contribs);
// One map set per calibration class (majors / alts, §8.8); any symbol without fitted parameters is an alt.
const classCalibration: Record<string, Record<string, CalibrationMap>> = {};
for (const cls of ['majors', 'alts'] as const) classCalibration[cls] = shippedMaps(contribs.filter((c) => assetClassOf(assetOfFile(c.file)) === cls));
for (const [k, v] of Object.entries(symbols)) v.calibrationClass = assetClassOf(k);
defaults.calibrationClass = 'alts';

const params: ForecastParams = {
  ...DEFAULT_PARAMS,
  symbols,
  defaults,
  calibration,
  classCalibration,
  sigmaTermStructure: SHIPPED_MODEL_SIGMA.termStructure,
  ...(SHRINK !== 1 ? { sigmaShrink: SHRINK } : {}),
  provenance: `fitted by scripts/fit-forecast.ts on ${new Date().toISOString().slice(0, 10)}: BTC/ETH tails and σ floor (median σ of the last 90 days) from binance_um_{BTC,ETH}USDT_perp_markprice_1h.csv; ${altAssets.join('/')} tails and floor from their 1-minute perp months; defaults = alt class; calibration per class (majors = BTC/ETH, alts = the rest) and pooled (fallback) over ${calFiles.map((f) => basename(f)).join(', ')} (last-price candles, synthetic isolated book 5–100x, model σ: horizon term structure, floor = median past σ${SHRINK !== 1 ? `, excess over the floor shrunk ^${SHRINK}` : ''})`,
};
const check = forecastParamsSchema.safeParse(params);
if (!check.success) throw new Error(`fitted parameters do not validate: ${check.error.message}`);
writeFileSync(OUT, JSON.stringify(params, null, 1) + '\n');
console.log(`wrote ${OUT}`);
for (const [k, v] of Object.entries({ ...symbols, defaults })) {
  console.log(`${k}: σ floor ${(v.volFloorPerMin * Math.sqrt(525_600) * 100).toFixed(1)}% annualised; tail down ${v.tailDown.ratePerMin.toExponential(2)}/min ≥${X0} α=${v.tailDown.alpha.toFixed(2)}; up ${v.tailUp.ratePerMin.toExponential(2)}/min α=${v.tailUp.alpha.toFixed(2)}`);
}
