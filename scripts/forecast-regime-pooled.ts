// Evidence for §8.27: reliability per asset class inside one σ/floor regime bucket (default 2: σ > 2×
// the asset's floor, the stressed hours), pooled over the files of the class, with the class maps the
// app ships (each file's out-of-sample fold) and with the fold's regime maps, side by side.
//   npx tsx scripts/forecast-regime-pooled.ts CACHE_DIR FOLDS.json [BUCKET=2] [HORIZON_MIN=60]
// CACHE_DIR holds the contrib.*.json of a forecast-eval run with --regime-calibration; FOLDS.json is
// that run's folds file (it carries both kinds of map).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { foldFor, loadPooledParams, type FileContribution } from '../src/backtest/pooled';
import { HORIZONS_MIN } from '../src/backtest/replay';
import { applyCalibration, type CalibrationMap } from '../src/domain/forecast';

const [dir, foldsFile, bucketArg = '2', hKey = '60'] = process.argv.slice(2);
if (!dir || !foldsFile) throw new Error('usage: forecast-regime-pooled.ts CACHE_DIR FOLDS.json [BUCKET] [HORIZON_MIN]');
const folds = loadPooledParams(foldsFile);
const bucket = Number(bucketArg);
const hi = (HORIZONS_MIN as readonly number[]).indexOf(Number(hKey));
if (hi < 0) throw new Error(`horizon must be one of ${HORIZONS_MIN.join(', ')}`);
const edges = [0.01, 0.05, 0.1, 0.2, 0.5, 1.01];
const contribs = readdirSync(dir)
  .filter((f) => f.startsWith('contrib.'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FileContribution);

for (const maps of ['class', 'regime'] as const) {
  for (const cls of ['alts', 'BTC/ETH'] as const) {
    const pred = new Array<number>(edges.length - 1).fill(0);
    const obs = new Array<number>(edges.length - 1).fill(0);
    for (const c of contribs) {
      if ((cls === 'BTC/ETH') !== /_(BTC|ETH)USDT_/.test(c.file)) continue;
      const bins = c.regime?.[bucket]?.[hi];
      if (!bins) throw new Error(`${c.file}: no regime bins (run forecast-eval with --regime-calibration and a fresh cache)`);
      const fold = foldFor(folds, c.file);
      const map: CalibrationMap | undefined =
        maps === 'regime' ? (fold.regimeCalibration?.[bucket]?.[hKey] ?? fold.calibration[hKey]) : fold.calibration[hKey];
      if (!map) throw new Error(`${c.file}: fold has no ${maps} map at ${hKey} min`);
      for (let i = 0; i < bins.count.length; i++) {
        const k = bins.count[i]!;
        if (!k) continue;
        const p = applyCalibration(map, bins.sumX[i]! / k);
        const e = edges.findIndex((x, j) => j < edges.length - 1 && p >= x && p < edges[j + 1]!);
        if (e < 0) continue;
        pred[e]! += p * k;
        obs[e]! += bins.positives[i]!;
      }
    }
    const cells = pred.map((p, e) =>
      obs[e]! >= 30 ? `${(edges[e]! * 100).toFixed(0)}–${Math.min(100, edges[e + 1]! * 100).toFixed(0)} %: ${(obs[e]! / p).toFixed(2)} (${obs[e]} events)` : '',
    );
    console.log(`${maps} maps, ${cls}, bucket ${bucket}, ${hKey} min: observed/predicted ${cells.filter(Boolean).join(' · ')}`);
  }
}
