// Evidence for three candidates of issue 12 not built into the model (FORECAST.md §8.9):
//   - asymmetric volatility: after a fall, does the next hour's variance exceed the model's σ more than
//     after a rise of the same size? Scored out of sample: variance multipliers per past-return bucket
//     fitted on the other assets (leave one asset out), signed buckets vs |z| buckets, QLIKE loss;
//   - jump clustering: is a jump (|1-minute return| ≥ 4 σ) more likely in the next hour after a recent
//     jump than the σ state alone says (same σ_fast/σ_slow bucket)?
//   - market-wide stress (with --leader BTC 5m/15m files overlapping the alt months): the alt's next hour
//     after a BTC bar, by the BTC bar's z and whether the alt itself had already moved.
//   npx tsx scripts/forecast-candidates.ts --data DIR [--data DIR2] [--match SUBSTR ...] [--cache DIR] [--leader FILE ...]
// Every 15 minutes after a one-day warm-up; σ = the v3 model's 1-hour σ (horizon term structure).
import { basename } from 'node:path';
import { assetClassOf, assetOfFile } from '../src/backtest/pooled';
import { horizonSigmaPerMin, newVolState, updateVol, type VolConfig } from '../src/domain/forecast';
import { candleFiles, loadSeries } from './forecast-data';

const argv = process.argv.slice(2);
const all = (f: string): string[] => argv.flatMap((a, i) => (a === f && argv[i + 1] ? [argv[i + 1]!] : []));
const data = all('--data');
if (data.length === 0) throw new Error('usage: forecast-candidates.ts --data DIR [--match SUBSTR ...] [--cache DIR]');
const cache = all('--cache')[0] ?? null;
const config: VolConfig = { fastHalfLifeMin: 30, slowHalfLifeMin: 1440, floorPerMin: 0, minReturns: 60 };
const H = 60;
const STEP = 15;
const Z_EDGES = [-Infinity, -2, -1, 0, 1, 2, Infinity];
const ABS_EDGES = [0, 1, 2, Infinity];
const JUMP_SIGMAS = 4;

interface Sample {
  asset: string;
  z: number;
  q: number; // next-hour realised variance / (σ²·H)
  downHit: boolean; // low within the hour ≤ close − 2σ√H
  upHit: boolean;
  ratio: number; // σ_fast / σ_slow
  recentJump: boolean;
  nextJump: boolean;
}

function samplesOf(file: string): Sample[] {
  const s = loadSeries(file, cache);
  if (s.intervalMin !== 1) return [];
  const asset = assetOfFile(basename(file));
  const n = s.close.length;
  const r = new Float64Array(n);
  for (let i = 1; i < n; i++) r[i] = Math.log(s.close[i]! / s.close[i - 1]!);
  // Jumps: |r_i| ≥ 4·σ of the state before bar i.
  const jump = new Uint8Array(n);
  const sig60 = new Float64Array(n);
  const ratio = new Float64Array(n);
  const vol = newVolState();
  for (let i = 1; i < n; i++) {
    const before = Math.sqrt(Math.max(vol.fastVar, vol.slowVar));
    if (vol.count >= config.minReturns && before > 0 && Math.abs(r[i]!) >= JUMP_SIGMAS * before) jump[i] = 1;
    updateVol(vol, r[i]!, 1, config);
    sig60[i] = horizonSigmaPerMin(vol, config, H);
    ratio[i] = vol.slowVar > 0 ? Math.sqrt(vol.fastVar / vol.slowVar) : 1;
  }
  const out: Sample[] = [];
  for (let t = 1440; t + H < n; t += STEP) {
    const sg = sig60[t]!;
    if (!(sg > 0)) continue;
    const scale = sg * Math.sqrt(H);
    let rv = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let nextJump = false;
    for (let i = t + 1; i <= t + H; i++) {
      rv += r[i]! * r[i]!;
      lo = Math.min(lo, s.low[i]!);
      hi = Math.max(hi, s.high[i]!);
      if (jump[i]) nextJump = true;
    }
    let recentJump = false;
    for (let i = t - H + 1; i <= t; i++) if (jump[i]) recentJump = true;
    out.push({
      asset,
      z: Math.log(s.close[t]! / s.close[t - H]!) / scale,
      q: rv / (sg * sg * H),
      downHit: Math.log(lo / s.close[t]!) <= -2 * scale,
      upHit: Math.log(hi / s.close[t]!) >= 2 * scale,
      ratio: ratio[t]!,
      recentJump,
      nextJump,
    });
  }
  return out;
}

const bucketOf = (edges: readonly number[], v: number): number => {
  for (let b = 0; b < edges.length - 1; b++) if (v >= edges[b]! && v < edges[b + 1]!) return b;
  return edges.length - 2;
};
const label = (edges: readonly number[], b: number): string => `${edges[b]}…${edges[b + 1]}`;

/** QLIKE of the variance forecast m·σ²·H against the realised variance (lower is better). */
function qlike(samples: readonly Sample[], mult: (s: Sample) => number): number {
  let sum = 0;
  let n = 0;
  for (const s of samples) {
    if (!(s.q > 0)) continue;
    const x = s.q / mult(s);
    sum += x - Math.log(x) - 1;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/** Variance multipliers per bucket: the mean of q in the bucket (the QLIKE-optimal constant). */
function fitMultipliers(samples: readonly Sample[], edges: readonly number[], key: (s: Sample) => number): number[] {
  const sum = new Float64Array(edges.length - 1);
  const cnt = new Float64Array(edges.length - 1);
  for (const s of samples) {
    const b = bucketOf(edges, key(s));
    sum[b]! += s.q;
    cnt[b]! += 1;
  }
  return Array.from(sum, (v, b) => (cnt[b]! > 0 ? v / cnt[b]! : 1));
}

const files = candleFiles(data, all('--match'));
const samples = files.flatMap((f) => samplesOf(f));
const classes = ['alts', 'majors'] as const;
const pct = (v: number): string => (v * 100).toFixed(1);

console.log(`# asymmetric volatility: next-hour variance / model σ²·H and 2σ√H hit rates by past-hour return z (${samples.length} samples, every ${STEP} min)`);
for (const cls of classes) {
  const cs = samples.filter((s) => assetClassOf(s.asset) === cls);
  console.log(`\n${cls} (${cs.length} samples)`);
  console.log('| past-hour z | samples | mean q | median q | P(down ≥ 2σ√H) % | P(up ≥ 2σ√H) % |');
  console.log('|---|---|---|---|---|---|');
  for (let b = 0; b < Z_EDGES.length - 1; b++) {
    const bs = cs.filter((s) => bucketOf(Z_EDGES, s.z) === b);
    if (bs.length === 0) continue;
    const qs = bs.map((s) => s.q).sort((a, c) => a - c);
    const mean = qs.reduce((a, v) => a + v, 0) / qs.length;
    console.log(`| ${label(Z_EDGES, b)} | ${bs.length} | ${mean.toFixed(2)} | ${qs[qs.length >> 1]!.toFixed(2)} | ${pct(bs.filter((s) => s.downHit).length / bs.length)} | ${pct(bs.filter((s) => s.upHit).length / bs.length)} |`);
  }
}

console.log('\n# out of sample (leave one asset out, fitted on the other assets of the same class): QLIKE of the next-hour variance');
console.log('| held-out asset | samples | model σ as is | × multiplier by |z| | × multiplier by signed z | signed − |z| |');
console.log('|---|---|---|---|---|---|');
const assets = [...new Set(samples.map((s) => s.asset))].sort();
let wins = 0;
for (const a of assets) {
  const test = samples.filter((s) => s.asset === a);
  const train = samples.filter((s) => s.asset !== a && assetClassOf(s.asset) === assetClassOf(a));
  if (train.length === 0) continue;
  const mAbs = fitMultipliers(train, ABS_EDGES, (s) => Math.abs(s.z));
  const mSig = fitMultipliers(train, Z_EDGES, (s) => s.z);
  const base = qlike(test, () => 1);
  const sym = qlike(test, (s) => mAbs[bucketOf(ABS_EDGES, Math.abs(s.z))]!);
  const asym = qlike(test, (s) => mSig[bucketOf(Z_EDGES, s.z)]!);
  if (asym < sym) wins++;
  console.log(`| ${a} | ${test.length} | ${base.toFixed(4)} | ${sym.toFixed(4)} | ${asym.toFixed(4)} | ${(asym - sym).toFixed(4)} |`);
}
console.log(`signed buckets beat |z| buckets out of sample on ${wins} of ${assets.length} assets`);

console.log(`\n# jump clustering: P(a ≥ ${JUMP_SIGMAS}σ 1-minute move in the next hour) by σ_fast/σ_slow and whether one happened in the past hour`);
const R_EDGES = [0, 0.8, 1.25, 2, Infinity];
for (const cls of classes) {
  const cs = samples.filter((s) => assetClassOf(s.asset) === cls);
  console.log(`\n${cls}`);
  console.log('| σ_fast/σ_slow | no jump in past hour: samples, P(next) % | jump in past hour: samples, P(next) % |');
  console.log('|---|---|---|');
  for (let b = 0; b < R_EDGES.length - 1; b++) {
    const cell = (recent: boolean): string => {
      const bs = cs.filter((s) => bucketOf(R_EDGES, s.ratio) === b && s.recentJump === recent);
      return bs.length === 0 ? '—' : `${bs.length}, ${pct(bs.filter((s) => s.nextJump).length / bs.length)}`;
    };
    console.log(`| ${label(R_EDGES, b)} | ${cell(false)} | ${cell(true)} |`);
  }
}

// Market-wide stress: does a BTC move in the last leader bar (5 or 15 min) predict an alt's adverse
// hour beyond the alt's own σ, in particular when the alt itself has not moved yet? Leader files are
// the BTC perpetual 5m/15m files overlapping the alt months (--leader FILE ...).
const leaders = all('--leader').map((f) => loadSeries(f, cache));
if (leaders.length > 0) {
  const Z_L = [-Infinity, -2, -1, 1, 2, Infinity];
  const rows = Z_L.slice(0, -1).map(() => ({ n: 0, down: 0, nQuiet: 0, downQuiet: 0, up: 0 }));
  let altsUsed: string[] = [];
  for (const f of files) {
    const a = loadSeries(f, cache);
    if (a.intervalMin !== 1 || assetClassOf(assetOfFile(basename(f))) !== 'alts') continue;
    const L = leaders.find((l) => l.time[0]! <= a.time[0]! && l.time[l.time.length - 1]! >= a.time[a.time.length - 1]!);
    if (!L) continue;
    altsUsed.push(`${basename(f)} (leader ${L.name})`);
    const iv = L.intervalMin;
    // Alt σ per bar (v3 1-hour σ) indexed by open time.
    const n = a.close.length;
    const sig60 = new Float64Array(n);
    const sigNow = new Float64Array(n);
    const vol = newVolState();
    for (let i = 1; i < n; i++) {
      updateVol(vol, Math.log(a.close[i]! / a.close[i - 1]!), 1, config);
      sig60[i] = horizonSigmaPerMin(vol, config, H);
      sigNow[i] = Math.sqrt(Math.max(vol.fastVar, vol.slowVar));
    }
    const idx = new Map<number, number>();
    for (let i = 0; i < n; i++) idx.set(a.time[i]!, i);
    const lv = newVolState();
    const lcfg: VolConfig = { ...config, minReturns: 30 };
    for (let k = 1; k < L.close.length; k++) {
      const r = Math.log(L.close[k]! / L.close[k - 1]!);
      const before = Math.sqrt(Math.max(lv.fastVar, lv.slowVar));
      const ready = lv.count >= lcfg.minReturns && before > 0;
      updateVol(lv, r, iv, lcfg);
      if (!ready) continue;
      // The alt bar that closes when the leader bar closes.
      const t = idx.get(L.time[k]! + (iv - 1) * 60_000);
      if (t === undefined || t < 1440 || t + H >= n || !(sig60[t]! > 0)) continue;
      const zL = r / (before * Math.sqrt(iv));
      const zA = Math.log(a.close[t]! / a.close[t - iv]!) / (sigNow[t]! * Math.sqrt(iv));
      const scale = sig60[t]! * Math.sqrt(H);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = t + 1; i <= t + H; i++) {
        lo = Math.min(lo, a.low[i]!);
        hi = Math.max(hi, a.high[i]!);
      }
      const down = Math.log(lo / a.close[t]!) <= -2 * scale;
      const row = rows[bucketOf(Z_L, zL)]!;
      row.n++;
      if (down) row.down++;
      if (Math.log(hi / a.close[t]!) >= 2 * scale) row.up++;
      if (zA > -1) {
        row.nQuiet++;
        if (down) row.downQuiet++;
      }
    }
  }
  console.log(`\n# market-wide stress: alt's next hour after the last BTC bar, by BTC z (alts: ${altsUsed.join(', ')})`);
  console.log('| BTC bar z | samples | P(alt down ≥ 2σ√H) % | P(alt up ≥ 2σ√H) % | alt not yet down (own z > −1): samples, P(down) % |');
  console.log('|---|---|---|---|---|');
  rows.forEach((r, b) => {
    if (r.n === 0) return;
    console.log(`| ${label(Z_L, b)} | ${r.n} | ${pct(r.down / r.n)} | ${pct(r.up / r.n)} | ${r.nQuiet}, ${r.nQuiet > 0 ? pct(r.downQuiet / r.nQuiet) : '—'} |`);
  });
  altsUsed = [];
}
