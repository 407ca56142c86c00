// Blend rule (issue 12, FORECAST.md §8.14): alert when the model's calibrated P(hit within 1 h) ≥ p OR
// the distance to the trigger ≤ d. counts every (p, d) pair of the grid on one file under out-of-sample
// calibration maps, and picks operating points on OTHER files only (selectBlendSweep).
import { applyCalibration } from '../domain/forecast';
import { RECALL_LEADS_MIN, round } from './metrics';
import { replay } from './replay';
import { episodes, replayContext, THRESHOLDS, type BacktestInput } from './run';

const DAY = 86_400_000;
/** p thresholds: "never" (index −1 ⇒ the pure fixed-distance rule) then the model grid. */
export const BLEND_P = THRESHOLDS.model;
/** d thresholds: "never" (index −1 ⇒ the pure model rule) then the fixed-distance grid. */
export const BLEND_D = THRESHOLDS.fixedDistance;

/** Alert counts of one file for every (p, d): index (pi + 1) * (BLEND_D.length + 1) + (di + 1). */
export interface BlendGrid {
  file: string;
  positionDays: number;
  breaches: number;
  falseEpisodes: number[];
  /** Breaches warned at least RECALL_LEADS_MIN[k] minutes ahead, per cell: warned[cell][k]. */
  warned: number[][];
  onBars: number[];
  bars: number;
}

export const blendCells = (): number => (BLEND_P.length + 1) * (BLEND_D.length + 1);
export const blendCell = (pi: number, di: number): number => (pi + 1) * (BLEND_D.length + 1) + (di + 1);

/**
 * Runs the backtest's pass 2 for the blend grid only. Needs book.fixedCalibration (pooled folds): the
 * blend is only ever scored out of sample. Same book, test blocks, episodes and hysteresis as
 * runBacktestFile, so the (p, −1) and (−1, d) cells equal the model and fixed-distance rules.
 */
export function blendGridOfFile(input: BacktestInput, fileName: string): BlendGrid {
  const ctx = replayContext(input);
  const map = ctx.book.fixedCalibration?.['60'];
  if (!map) throw new Error('blend grid needs pooled calibration maps (book.fixedCalibration["60"])');
  const nCells = blendCells();
  const g: BlendGrid = {
    file: fileName,
    positionDays: 0,
    breaches: 0,
    falseEpisodes: new Array<number>(nCells).fill(0),
    warned: Array.from({ length: nCells }, () => RECALL_LEADS_MIN.map(() => 0)),
    onBars: new Array<number>(nCells).fill(0),
    bars: 0,
  };
  const hystBars = Math.max(1, Math.ceil(30 / input.series.intervalMin));
  const never = 1 << 20; // a component that never fires at any grid index
  replay(ctx, {
    finish(p) {
      if (ctx.blockOf(p.openTime) < 1) return;
      g.positionDays += (p.endTime - p.openTime) / DAY;
      if (p.breachTime !== null) g.breaches++;
      const A = p.alertP60.length;
      g.bars += A;
      // Per bar: the strictest grid index at which each component fires (loose indices fire too).
      const pk = new Int32Array(A);
      const dk = new Int32Array(A);
      for (let j = 0; j < A; j++) {
        const cal = applyCalibration(map, p.alertP60[j]!);
        let a = BLEND_P.findIndex((t) => cal >= t);
        pk[j] = a < 0 ? never : a;
        a = BLEND_D.findIndex((t) => p.alertDistance[j]! <= t);
        dk[j] = a < 0 ? never : a;
      }
      const barOpen = (j: number): number => ctx.series.time[p.openBar + 1 + j]!;
      for (let pi = -1; pi < BLEND_P.length; pi++) {
        for (let di = -1; di < BLEND_D.length; di++) {
          const c = blendCell(pi, di);
          const res = episodes(A, (j) => pi >= pk[j]! || di >= dk[j]!, barOpen, p.breachTime, hystBars);
          g.onBars[c]! += res.onBars;
          g.falseEpisodes[c]! += res.falseEpisodes;
          const lead = res.leadMin;
          if (lead === null) continue;
          RECALL_LEADS_MIN.forEach((y, k) => {
            if (lead >= y) g.warned[c]![k]! += 1;
          });
        }
      }
    },
  });
  return g;
}

export interface BlendPoint {
  /** The training budget this point was chosen for (FA per position-day on the training files). */
  budget: number;
  pi: number;
  di: number;
  p: number | null;
  d: number | null;
  trainFa: number;
  trainRecall15m: number;
}

/** Training budgets of the blend sweep, strict → loose. */
export const BLEND_BUDGETS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2, 3];

/** How training files are combined: pooled counts (big files weigh more) or per-file means (each alike). */
export type BlendObjective = 'pooled' | 'per-file';

/**
 * For each training budget, the (p, d) cell with the best recall@15 over the training grids with false
 * alerts ≤ budget (pooled counts, or per-file means), never an always-on cell (≥ maxShare of
 * position-bars in alert; per-file: on any training file). The scored file must not be among `train`
 * (the caller's fold excludes it).
 */
export function selectBlendSweep(train: readonly BlendGrid[], maxShare = 0.9, objective: BlendObjective = 'pooled'): BlendPoint[] {
  const days = train.reduce((s, g) => s + g.positionDays, 0);
  const breaches = train.reduce((s, g) => s + g.breaches, 0);
  const bars = train.reduce((s, g) => s + g.bars, 0);
  const k15 = RECALL_LEADS_MIN.indexOf(15);
  const mean = (f: (g: BlendGrid) => number): number => train.reduce((s, g) => s + f(g), 0) / train.length;
  const read = (c: number): { fa: number; rec: number; share: number } =>
    objective === 'pooled'
      ? {
          fa: train.reduce((s, g) => s + g.falseEpisodes[c]!, 0) / days,
          rec: train.reduce((s, g) => s + g.warned[c]![k15]!, 0) / breaches,
          share: train.reduce((s, g) => s + g.onBars[c]!, 0) / bars,
        }
      : {
          fa: mean((g) => g.falseEpisodes[c]! / g.positionDays),
          rec: mean((g) => g.warned[c]![k15]! / g.breaches),
          share: Math.max(...train.map((g) => g.onBars[c]! / g.bars)),
        };
  const out: BlendPoint[] = [];
  for (const budget of BLEND_BUDGETS) {
    let best: BlendPoint | null = null;
    for (let pi = -1; pi < BLEND_P.length; pi++)
      for (let di = -1; di < BLEND_D.length; di++) {
        if (pi < 0 && di < 0) continue;
        const { fa, rec, share } = read(blendCell(pi, di));
        if (fa > budget || share >= maxShare) continue;
        if (!best || rec > best.trainRecall15m || (rec === best.trainRecall15m && fa < best.trainFa))
          best = { budget, pi, di, p: pi < 0 ? null : BLEND_P[pi]!, d: di < 0 ? null : BLEND_D[di]!, trainFa: round(fa, 6), trainRecall15m: round(rec, 6) };
      }
    if (best) out.push(best);
  }
  return out;
}

/** A cell's operating point on one file (recalls by lead, false alerts per position-day, share in alert). */
export function blendPointOn(g: BlendGrid, pi: number, di: number): { fa: number; recall: number[]; share: number } {
  const c = blendCell(pi, di);
  return {
    fa: g.positionDays > 0 ? g.falseEpisodes[c]! / g.positionDays : 0,
    recall: RECALL_LEADS_MIN.map((_, k) => (g.breaches > 0 ? g.warned[c]![k]! / g.breaches : 0)),
    share: g.bars > 0 ? g.onBars[c]! / g.bars : 0,
  };
}
