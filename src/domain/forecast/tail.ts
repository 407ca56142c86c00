// Jump / heavy-tail floor (FORECAST.md §1.5): Gaussian tails say "never" far from the barrier, real
// markets do not. P = 1 − (1 − P_gauss)·exp(−H·Λ·S_J(a)) with a compound-Poisson jump overlay:
// Λ = rate per minute of 60-minute drawdowns ≥ x0, S_J(a) = (a/x0)^−α beyond x0 (Pareto tail).

export interface JumpTail {
  /** Rate per minute of 60-minute windows whose adverse move reaches x0 (log units). */
  ratePerMin: number;
  /** Threshold of the fitted tail, log units (e.g. 0.01 = 1%). */
  x0: number;
  /** Pareto tail index of adverse moves beyond x0. */
  alpha: number;
}

/** Expected number of jumps per minute that cover a log distance `a`. */
export function jumpIntensity(tail: JumpTail, a: number): number {
  if (!(tail.ratePerMin > 0)) return 0;
  if (!(a > tail.x0)) return tail.ratePerMin;
  return tail.ratePerMin * Math.pow(a / tail.x0, -tail.alpha);
}

/** Combine a diffusion probability with the jump floor over tMin minutes. */
export function withJumpFloor(pGauss: number, jumpsPerMin: number, tMin: number): number {
  const survive = (1 - pGauss) * Math.exp(-Math.max(0, jumpsPerMin) * Math.max(0, tMin));
  const p = 1 - survive;
  return p > 0 ? (p < 1 ? p : 1) : 0;
}

/**
 * Fit a tail from adverse moves of non-overlapping 60-minute windows (log units, ≥ 0).
 * Hill estimator above x0; `minExceedances` guards against a tail fitted on two points.
 */
export function fitJumpTail(adverseMoves: Float64Array | number[], windowMin: number, x0: number, prior: JumpTail, minExceedances = 5): JumpTail {
  let count = 0;
  let sumLog = 0;
  for (const m of adverseMoves) {
    if (m >= x0) {
      count++;
      sumLog += Math.log(m / x0);
    }
  }
  const n = adverseMoves.length;
  if (n === 0 || count < minExceedances) {
    // Too few events in the training window: blend the prior in so the floor never vanishes.
    const pseudo = 30; // pseudo-windows at the prior rate
    const rate = (count + prior.ratePerMin * windowMin * pseudo) / ((n + pseudo) * windowMin);
    return { ratePerMin: rate, x0, alpha: prior.alpha };
  }
  const alpha = sumLog > 0 ? count / sumLog : prior.alpha;
  return { ratePerMin: count / (n * windowMin), x0, alpha: Math.min(Math.max(alpha, 1.5), 8) };
}
