// Fits the parameters the app ships in resources/forecast/params.json:
//   - per asset: jump tails (down/up) from 60-minute adverse moves of the whole 1h MARK-price history
//     (crash days included, as FORECAST.md §1.5 asks), and the σ floor = 10th percentile of the
//     two-speed EWMA σ over the last 90 days of that history;
//   - isotonic calibration maps per horizon, from the backtest's pass-1 pairs on the perp 1m/5m files
//     of 2025 (the closest to live 1-minute data).
// Run: npx tsx scripts/fit-forecast.ts --data DIR [--out resources/forecast/params.json]
// DIR holds Binance USDⓈ-M candle files in the format of src/backtest/candles.ts, named as below
// (1h mark price, 8h funding, 1m/5m perp): this organisation's ../shared/data/market (its README gives
// each file's source); the repository itself carries only small test cuts (test/fixtures/market).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCandleFile, readFundingFile } from '../src/backtest/candles';
import { calibrationPass, replayContext } from '../src/backtest/run';
import { HORIZONS_MIN } from '../src/backtest/replay';
import {
  CalibrationAccumulator,
  DEFAULT_PARAMS,
  fitJumpTail,
  forecastParamsSchema,
  newVolState,
  sigmaPerMin,
  updateVol,
  type CalibrationMap,
  type ForecastParams,
  type SymbolParams,
} from '../src/domain/forecast';

const dataArg = process.argv.indexOf('--data');
if (dataArg < 0 || !process.argv[dataArg + 1]) {
  console.error('usage: npx tsx scripts/fit-forecast.ts --data DIR [--out FILE]  (DIR: the market data folder; see the comment at the top of this script)');
  process.exit(2);
}
const DATA = resolve(process.cwd(), process.argv[dataArg + 1]!);
const outArg = process.argv.indexOf('--out');
const OUT = resolve(process.cwd(), outArg > 0 ? process.argv[outArg + 1]! : 'resources/forecast/params.json');
const X0 = 0.02;

function fitAsset(asset: string): SymbolParams {
  const s = readCandleFile(`${DATA}/binance_um_${asset}USDT_perp_markprice_1h.csv`);
  const down: number[] = [];
  const up: number[] = [];
  for (let i = 0; i < s.time.length; i++) {
    down.push(Math.log(s.open[i]! / s.low[i]!));
    up.push(Math.log(s.high[i]! / s.open[i]!));
  }
  const prior = DEFAULT_PARAMS.defaults.tailDown;
  const config = { fastHalfLifeMin: DEFAULT_PARAMS.fastHalfLifeMin, slowHalfLifeMin: DEFAULT_PARAMS.slowHalfLifeMin, floorPerMin: 0, minReturns: 48 };
  const vol = newVolState();
  const sigmas: number[] = [];
  const last90 = s.time[s.time.length - 1]! - 90 * 86_400_000;
  for (let i = 1; i < s.time.length; i++) {
    updateVol(vol, Math.log(s.close[i]! / s.close[i - 1]!), 60, config);
    if (s.time[i]! >= last90 && vol.count >= config.minReturns) sigmas.push(sigmaPerMin(vol, config));
  }
  sigmas.sort((a, b) => a - b);
  const floor = sigmas[Math.floor(0.1 * (sigmas.length - 1))] ?? 0;
  return { volFloorPerMin: floor, tailDown: fitJumpTail(down, 60, X0, prior), tailUp: fitJumpTail(up, 60, X0, prior) };
}

const TRAIN = [
  ['binance_um_BTCUSDT_perp_1m_20250525-20250624.csv', 'BTC'],
  ['binance_um_ETHUSDT_perp_1m_20250525-20250624.csv', 'ETH'],
  ['binance_um_BTCUSDT_perp_5m_20241231-20260219.csv.gz', 'BTC'],
  ['binance_um_ETHUSDT_perp_5m_20241231-20260219.csv.gz', 'ETH'],
] as const;

function fitCalibration(): Record<string, CalibrationMap> {
  const merged = HORIZONS_MIN.map(() => new CalibrationAccumulator());
  for (const [file, asset] of TRAIN) {
    const series = readCandleFile(`${DATA}/${file}`);
    const funding = readFundingFile(`${DATA}/binance_um_${asset}USDT_perp_funding_8h.csv`);
    const { modelAcc } = calibrationPass(replayContext({ series, funding }));
    modelAcc.forEach((blocks, h) => blocks.forEach((b) => merged[h]!.merge(b)));
    console.log(`calibration pairs from ${file}: ${merged[1]!.total()} (1 h, cumulative)`);
  }
  const out: Record<string, CalibrationMap> = {};
  HORIZONS_MIN.forEach((h, i) => {
    const map = merged[i]!.fit();
    if (map) out[String(h)] = { x: map.x.map((v) => +v.toPrecision(6)), y: map.y.map((v) => +v.toPrecision(6)) };
  });
  // Rounding can merge neighbours: keep x strictly increasing and y non-decreasing.
  for (const m of Object.values(out)) {
    const keep = m.x.map((v, i) => i === 0 || v > m.x[i - 1]!);
    m.x = m.x.filter((_, i) => keep[i]);
    m.y = m.y.filter((_, i) => keep[i]);
    for (let i = 1; i < m.y.length; i++) m.y[i] = Math.max(m.y[i]!, m.y[i - 1]!);
  }
  return out;
}

const symbols: Record<string, SymbolParams> = { BTC: fitAsset('BTC'), ETH: fitAsset('ETH') };
const params: ForecastParams = {
  ...DEFAULT_PARAMS,
  symbols,
  calibration: fitCalibration(),
  provenance: `fitted by scripts/fit-forecast.ts on ${new Date().toISOString().slice(0, 10)}: tails and σ floor from binance_um_{BTC,ETH}USDT_perp_markprice_1h.csv (2019-12 → 2026-05); calibration from ${TRAIN.map((t) => t[0]).join(', ')} (last-price candles, synthetic isolated book 5–100x)`,
};
const check = forecastParamsSchema.safeParse(params);
if (!check.success) throw new Error(`fitted parameters do not validate: ${check.error.message}`);
writeFileSync(OUT, JSON.stringify(params, null, 1) + '\n');
console.log(`wrote ${OUT}`);
for (const [k, v] of Object.entries(symbols)) {
  console.log(`${k}: σ floor ${(v.volFloorPerMin * Math.sqrt(525_600) * 100).toFixed(1)}% annualised; tail down ${v.tailDown.ratePerMin.toExponential(2)}/min ≥${X0} α=${v.tailDown.alpha.toFixed(2)}; up ${v.tailUp.ratePerMin.toExponential(2)}/min α=${v.tailUp.alpha.toFixed(2)}`);
}
