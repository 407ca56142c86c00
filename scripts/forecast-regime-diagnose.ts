// Evidence for §8.17: per file and σ/floor regime bucket, observed/predicted of the v3.1 class maps (the
// fold that excludes the file) on the file's pass-1 pairs, split by calibrated bin (≥ 30 events shown).
//   npx tsx scripts/forecast-regime-diagnose.ts CACHE_DIR FOLDS.json [HORIZON_MIN=60]
// CACHE_DIR holds the contrib.*.json written by forecast-eval --regime-calibration (they carry regime bins).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { foldFor, loadPooledParams, type FileContribution } from '../src/backtest/pooled';
import { HORIZONS_MIN } from '../src/backtest/replay';
import { applyCalibration } from '../src/domain/forecast';
const dir = process.argv[2]!;
const folds = loadPooledParams(process.argv[3]!);
const hKey = process.argv[4] ?? '60';
const hi = (HORIZONS_MIN as readonly number[]).indexOf(Number(hKey));
if (hi < 0) throw new Error(`horizon must be one of ${HORIZONS_MIN.join(", ")}`);
const edges = [0.01, 0.05, 0.1, 0.2, 0.5, 1.01];
for (const f of readdirSync(dir).filter((x) => x.startsWith('contrib.')).sort()) {
  const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as FileContribution;
  const map = foldFor(folds, c.file).calibration[hKey];
  const parts: string[] = [];
  const rows = [...(c.regime ?? []).map((r, b) => [`b${b}`, r] as const), ['all', null] as const];
  for (const [name, r] of rows) {
    const bins = r ? r[hi]! : c.calibration[hi]!;
    const pred = new Array(edges.length - 1).fill(0), obs = new Array(edges.length - 1).fill(0), n = new Array(edges.length - 1).fill(0);
    let tot = 0;
    for (let i = 0; i < bins.count.length; i++) {
      const k = bins.count[i]!; if (!k) continue; tot += k;
      const p = applyCalibration(map, bins.sumX[i]! / k);
      const e = edges.findIndex((x, j) => j < edges.length - 1 && p >= x && p < edges[j + 1]!);
      if (e < 0) continue;
      pred[e] += p * k; obs[e] += bins.positives[i]!; n[e] += k;
    }
    const cells = pred.map((p, e) => (obs[e] >= 30 ? `${(edges[e]! * 100).toFixed(0)}%:${(obs[e] / p).toFixed(2)}` : '')).filter(Boolean);
    parts.push(`${name}(${(tot / 1000).toFixed(0)}k) ${cells.join(' ')}`);
  }
  console.log(c.file.replace('binance_', '').padEnd(48), parts.join(' | '));
}
