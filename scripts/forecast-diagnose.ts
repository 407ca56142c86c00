// Why does the model lose to the fixed-distance rule on a file? (issue 12 diagnosis)
//   npx tsx scripts/forecast-diagnose.ts --candles FILE [--cache DIR] [--term-structure] [--floor-quantile Q] [--sigma-shrink A]
// Replays the backtest book, puts each rule at its loosest raw threshold with ≤ 0.3 false-alert episodes
// per position-day (all leverages), then prints: recall@15 per leverage; where the false episodes
// happen (hours after a shock, σ_fast/σ_slow at the episode start); and the breaches the fixed-distance
// rule warned ≥ 15 min ahead but the model did not, with what the model said 15 minutes before.
import { basename } from 'node:path';
import { isVolReady, newVolState, updateVol, type VolConfig } from '../src/domain/forecast';
import { DEFAULT_BOOK, replay, type ReplayPosition } from '../src/backtest/replay';
import { replayContext } from '../src/backtest/run';
import { loadSeries } from './forecast-data';

const argv = process.argv.slice(2);
const arg = (f: string): string | null => (argv.includes(f) ? argv[argv.indexOf(f) + 1]! : null);
const file = arg('--candles');
if (!file) throw new Error('--candles FILE is required');
const series = loadSeries(file, arg('--cache'));
const shrink = arg('--sigma-shrink');
const modelSigma = { termStructure: argv.includes('--term-structure'), floorQuantile: Number(arg('--floor-quantile') ?? 0.1), ...(shrink !== null ? { shrink: Number(shrink) } : {}) };
const ctx = replayContext({ series, book: { modelSigma } });
const BUDGET = 0.3;
const DAY = 86_400_000;
const hyst = Math.max(1, Math.ceil(30 / series.intervalMin));

// σ_fast / σ_slow per bar (as the replay computes them) and the last "shock": a 60-minute move ≥ 5%.
const volConfig: VolConfig = { fastHalfLifeMin: DEFAULT_BOOK.fastHalfLifeMin, slowHalfLifeMin: DEFAULT_BOOK.slowHalfLifeMin, floorPerMin: 0, minReturns: 60 };
const n = series.time.length;
const ratio = new Float64Array(n);
const lastShock = new Float64Array(n).fill(-Infinity);
const vol = newVolState();
for (let t = 1; t < n; t++) {
  ratio[t] = isVolReady(vol, volConfig) ? Math.sqrt(vol.fastVar / vol.slowVar) : NaN; // at the bar's open
  updateVol(vol, Math.log(series.close[t]! / series.close[t - 1]!), series.intervalMin, volConfig);
  const back = Math.max(0, t - Math.round(60 / series.intervalMin));
  const move = Math.abs(Math.log(series.close[t]! / series.close[back]!));
  lastShock[t] = move >= 0.05 ? series.time[t]! : lastShock[t - 1]!;
}

const positions: ReplayPosition[] = [];
replay(ctx, { finish: (p) => (ctx.blockOf(p.openTime) >= 1 ? positions.push(p) : undefined) });
const posDays = positions.reduce((s, p) => s + (p.endTime - p.openTime) / DAY, 0);
const barTime = (p: ReplayPosition, j: number): number => series.time[p.openBar + 1 + j]!;

interface Ep {
  startJ: number;
  isFalse: boolean;
}
function eps(p: ReplayPosition, on: (j: number) => boolean): { list: Ep[]; lead: number | null } {
  const list: Ep[] = [];
  let active = -1;
  let quiet = 0;
  for (let j = 0; j < p.mrWorst.length; j++) {
    if (on(j)) {
      if (active < 0) active = j;
      quiet = 0;
    } else if (active >= 0 && ++quiet >= hyst) {
      list.push({ startJ: active, isFalse: true });
      active = -1;
    }
  }
  let lead: number | null = null;
  if (active >= 0) {
    if (p.breachTime !== null) lead = (p.breachTime - barTime(p, active)) / 60_000;
    else list.push({ startJ: active, isFalse: true });
  }
  return { list, lead };
}

type Rule = { name: string; on: (p: ReplayPosition, j: number, thr: number) => boolean; sweep: number[] };
const rules: Rule[] = [
  { name: 'model (raw P1h)', on: (p, j, thr) => p.alertP60[j]! >= thr, sweep: [0.9, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001] },
  { name: 'fixed distance', on: (p, j, thr) => p.alertDistance[j]! <= thr, sweep: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1] },
];
const chosen = rules.map((r) => {
  let best = { thr: r.sweep[0]!, recall: -1, fa: 0 };
  for (const thr of r.sweep) {
    let fe = 0;
    let br = 0;
    let warned = 0;
    for (const p of positions) {
      const e = eps(p, (j) => r.on(p, j, thr));
      fe += e.list.length;
      if (p.breachTime !== null) {
        br++;
        if (e.lead !== null && e.lead >= 15) warned++;
      }
    }
    const fa = fe / posDays;
    if (fa <= BUDGET && warned / br > best.recall) best = { thr, recall: warned / br, fa };
  }
  return { rule: r, ...best };
});
console.log(`${basename(file)}: ${positions.length} test positions, ${positions.filter((p) => p.breachTime !== null).length} breaches, ${posDays.toFixed(0)} position-days; model σ ${JSON.stringify(modelSigma)}`);
for (const c of chosen) console.log(`  ${c.rule.name}: threshold ${c.thr}, recall@15 ${(c.recall * 100).toFixed(1)}%, ${c.fa.toFixed(3)} FA/pos-day`);

// Per leverage.
for (const lev of DEFAULT_BOOK.leverages) {
  const ps = positions.filter((p) => p.leverage === lev);
  const days = ps.reduce((s, p) => s + (p.endTime - p.openTime) / DAY, 0);
  const cells = chosen.map((c) => {
    let fe = 0;
    let br = 0;
    let w = 0;
    for (const p of ps) {
      const e = eps(p, (j) => c.rule.on(p, j, c.thr));
      fe += e.list.length;
      if (p.breachTime !== null) {
        br++;
        if (e.lead !== null && e.lead >= 15) w++;
      }
    }
    return `${c.rule.name}: recall@15 ${br ? ((w / br) * 100).toFixed(0) : '—'}% (${br} breaches), ${(fe / days).toFixed(2)} FA/pos-day`;
  });
  console.log(`  ${String(lev).padStart(3)}x  ${cells.join(' | ')}`);
}

// Where the false episodes are.
for (const c of chosen) {
  const buckets = new Map<string, number>();
  const ratioBuckets = new Map<string, number>();
  const hours = new Map<string, number>();
  let total = 0;
  for (const p of positions) {
    for (const e of eps(p, (j) => c.rule.on(p, j, c.thr)).list) {
      total++;
      const t = barTime(p, e.startJ);
      const since = (t - lastShock[p.openBar + 1 + e.startJ]!) / 3_600_000;
      const b = !Number.isFinite(since) ? 'no shock yet' : since < 2 ? '< 2 h after a ≥5% hourly move' : since < 12 ? '2–12 h after' : '≥ 12 h after';
      buckets.set(b, (buckets.get(b) ?? 0) + 1);
      const r = ratio[p.openBar + 1 + e.startJ]!;
      const rb = !Number.isFinite(r) ? '?' : r < 0.7 ? 'σf/σs < 0.7' : r < 1.3 ? '0.7–1.3' : r < 2 ? '1.3–2' : '≥ 2';
      ratioBuckets.set(rb, (ratioBuckets.get(rb) ?? 0) + 1);
      const h = new Date(t).toISOString().slice(0, 13);
      hours.set(h, (hours.get(h) ?? 0) + 1);
    }
  }
  const share = (m: Map<string, number>): string => [...m].map(([k, v]) => `${k}: ${((v / total) * 100).toFixed(0)}%`).join(', ');
  const top = [...hours].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`  ${c.rule.name}: ${total} false episodes — ${share(buckets)}; at start ${share(ratioBuckets)}`);
  console.log(`    busiest hours (UTC): ${top.map(([h, v]) => `${h}h ${v}`).join(', ')}`);
}

// Breaches fixed distance warned ≥ 15 min ahead but the model did not.
const [m, fd] = chosen as [(typeof chosen)[number], (typeof chosen)[number]];
const missed: string[] = [];
let missedCount = 0;
let onlyModel = 0;
for (const p of positions) {
  if (p.breachTime === null) continue;
  const em = eps(p, (j) => m.rule.on(p, j, m.thr)).lead;
  const ef = eps(p, (j) => fd.rule.on(p, j, fd.thr)).lead;
  const mOk = em !== null && em >= 15;
  const fOk = ef !== null && ef >= 15;
  if (mOk && !fOk) onlyModel++;
  if (!fOk || mOk) continue;
  missedCount++;
  const j15 = Math.max(0, p.mrWorst.length - 1 - Math.round(15 / series.intervalMin));
  const bar = p.openBar + 1 + j15;
  if (missed.length < 12)
    missed.push(
      `    ${new Date(p.breachTime).toISOString().slice(0, 16)} ${p.leverage}x ${p.side > 0 ? 'long' : 'short'}: 15 min before, distance ${(p.alertDistance[j15]! * 100).toFixed(2)}%, model raw P1h ${p.alertP60[j15]!.toExponential(2)} (threshold ${m.thr}), z ${p.alertZ[j15]!.toFixed(2)}, σf/σs ${ratio[bar]!.toFixed(2)}; model lead ${em === null ? 'none' : em.toFixed(0) + ' min'}, fixed lead ${ef!.toFixed(0)} min`,
    );
}
console.log(`  breaches warned ≥15 min by fixed distance only: ${missedCount}; by the model only: ${onlyModel}`);
console.log(missed.join('\n'));
