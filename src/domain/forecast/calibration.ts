// Isotonic recalibration of raw probabilities, one map per horizon (FORECAST.md §2.2, §3.1).
// Fit: aggregate (raw p, outcome) into log-spaced bins, shrink each bin toward its raw mean with a
// prior worth PRIOR_EVENTS expected events (a bin moves away from the model only when it holds enough
// events to say so: rare-event bins far from the barrier keep the model's tail floor instead of being
// pulled to "never" by a calm training window), then pool adjacent violators.
// Apply: piecewise-linear between block centres, flat beyond the ends.

export interface CalibrationMap {
  /** Raw probabilities (block centres), strictly increasing. */
  x: number[];
  /** Calibrated probabilities, non-decreasing, in [0, 1]. */
  y: number[];
}

/** Strength of the prior that the raw model is right, in expected events per bin. */
export const PRIOR_EVENTS = 30;

const BIN_EDGES: number[] = (() => {
  const edges: number[] = [0];
  for (let e = -8; e < 0; e += 0.05) edges.push(Math.pow(10, e));
  edges.push(1.0000001);
  return edges;
})();

function binIndex(p: number): number {
  let lo = 0;
  let hi = BIN_EDGES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p >= BIN_EDGES[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Streaming accumulator so a backtest does not have to keep every (p, y) pair. */
export class CalibrationAccumulator {
  readonly count = new Float64Array(BIN_EDGES.length);
  readonly positives = new Float64Array(BIN_EDGES.length);
  readonly sumX = new Float64Array(BIN_EDGES.length);

  add(rawP: number, outcome: boolean): void {
    const p = rawP > 0 ? (rawP < 1 ? rawP : 1) : 0;
    const i = binIndex(p);
    this.count[i]! += 1;
    this.sumX[i]! += p;
    if (outcome) this.positives[i]! += 1;
  }

  merge(other: CalibrationAccumulator): void {
    for (let i = 0; i < this.count.length; i++) {
      this.count[i]! += other.count[i]!;
      this.positives[i]! += other.positives[i]!;
      this.sumX[i]! += other.sumX[i]!;
    }
  }

  total(): number {
    let n = 0;
    for (const c of this.count) n += c;
    return n;
  }

  fit(): CalibrationMap | null {
    const blocks: { x: number; y: number; w: number }[] = [];
    for (let i = 0; i < this.count.length; i++) {
      const n = this.count[i]!;
      if (n === 0) continue;
      const xMean = this.sumX[i]! / n;
      const prior = PRIOR_EVENTS / Math.max(xMean, 1e-9); // pseudo-observations at the raw mean
      blocks.push({ x: xMean, y: (this.positives[i]! + prior * xMean) / (n + prior), w: n });
    }
    if (blocks.length === 0) return null;
    // Pool adjacent violators (weighted).
    const pooled: { x: number; y: number; w: number }[] = [];
    for (const b of blocks) {
      pooled.push({ ...b });
      while (pooled.length > 1 && pooled[pooled.length - 2]!.y > pooled[pooled.length - 1]!.y) {
        const top = pooled.pop()!;
        const prev = pooled.pop()!;
        const w = prev.w + top.w;
        pooled.push({ x: (prev.x * prev.w + top.x * top.w) / w, y: (prev.y * prev.w + top.y * top.w) / w, w });
      }
    }
    return { x: pooled.map((b) => b.x), y: pooled.map((b) => Math.min(1, Math.max(0, b.y))) };
  }
}

export function applyCalibration(map: CalibrationMap | null | undefined, rawP: number): number {
  if (!map || map.x.length === 0) return rawP;
  const { x, y } = map;
  if (rawP <= x[0]!) return y[0]!;
  const last = x.length - 1;
  if (rawP >= x[last]!) return y[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (rawP >= x[mid]!) lo = mid;
    else hi = mid;
  }
  const span = x[hi]! - x[lo]!;
  if (!(span > 0)) return y[hi]!;
  const t = (rawP - x[lo]!) / span;
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
