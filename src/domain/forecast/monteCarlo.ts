// v2 Monte Carlo for multi-asset cross-margin books (FORECAST.md §1.6 / §3.2):
// correlated multivariate-t 1-minute-scaled log returns (EWMA σ and correlations, Cholesky), one χ²
// per step so tails are joint; 5-minute steps to 1 h then 15-minute steps to 24 h; Brownian-bridge
// crossing correction between steps as a survival product; funding charged at settlement steps.
// All levels and horizons share the same paths (common random numbers).
//
// `monteCarloKernel` is deliberately self-contained (no imports, no closures, plain syntax): the I/O
// edge ships its source text to a worker thread, so it runs unchanged under tsx, vitest and the
// bundled app. Keep it that way.

export interface MonteCarloJob {
  paths: number;
  seed: number;
  /** Student-t degrees of freedom of the innovations (> 2); 0 = Gaussian. */
  nu: number;
  n: number;
  /** Lower-triangular Cholesky factor of the per-minute covariance, row-major n×n. */
  chol: number[];
  /** q_i·S_i (signed) and m_i·|q_i|·S_i of each asset. */
  exposure: number[];
  mmSens: number[];
  equity: number;
  maintenance: number;
  /** k = 1/level for each level. */
  ks: number[];
  /** Minutes from now at each step end, increasing. */
  stepEndsMin: number[];
  /** Money lost to funding settled inside each step (negative = received). */
  fundingLossByStep: number[];
}

export interface MonteCarloResult {
  /** Mean survival per level (row) and step (column), row-major ks.length × steps. */
  survival: number[];
  steps: number;
}

export function monteCarloKernel(job: MonteCarloJob): MonteCarloResult {
  // xoshiro128** seeded by splitmix32 (same generator as rng.ts, inlined on purpose).
  let seedState = job.seed >>> 0;
  function splitmix(): number {
    seedState = (seedState + 0x9e3779b9) >>> 0;
    let z = seedState;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  function nextFloat(): number {
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return (r + 0.5) / 4294967296;
  }
  let spare = 0;
  let hasSpare = false;
  function normal(): number {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    for (;;) {
      const u = 2 * nextFloat() - 1;
      const v = 2 * nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
      }
    }
  }

  const n = job.n;
  const K = job.ks.length;
  const steps = job.stepEndsMin.length;
  const L = Float64Array.from(job.chol);
  const e = Float64Array.from(job.exposure);
  const ms = Float64Array.from(job.mmSens);
  const ks = Float64Array.from(job.ks);
  const sigmaI = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let l = 0; l <= i; l++) v += L[i * n + l]! * L[i * n + l]!;
    sigmaI[i] = Math.sqrt(v);
  }
  const survSum = new Float64Array(K * steps);
  const x = new Float64Array(n);
  const growth = new Float64Array(n);
  const eps = new Float64Array(n);
  const g = new Float64Array(n);
  const surv = new Float64Array(K);
  const dPrev = new Float64Array(K);
  const xStart = new Float64Array(n);
  const nu = job.nu > 2 ? Math.round(job.nu) : 0;
  const tScale = nu > 0 ? nu - 2 : 0;

  for (let p = 0; p < job.paths; p++) {
    x.fill(0);
    growth.fill(1);
    let funding = 0;
    for (let k = 0; k < K; k++) {
      dPrev[k] = job.equity - ks[k]! * job.maintenance;
      surv[k] = dPrev[k]! > 0 ? 1 : 0;
    }
    let tPrev = 0;
    for (let j = 0; j < steps; j++) {
      const dt = job.stepEndsMin[j]! - tPrev;
      tPrev = job.stepEndsMin[j]!;
      // Bridge variance uses sensitivities at the step start: g_i = (e_i − k·mm_i)·exp(x_i).
      let scale = Math.sqrt(dt);
      if (nu > 0) {
        // χ²_ν = −2·ln(U_1⋯U_{ν/2}) for even ν (sum of exponentials), plus one z² when ν is odd.
        let prod = 1;
        for (let c = 0; c < nu >> 1; c++) prod *= nextFloat();
        let chi2 = -2 * Math.log(prod);
        if (nu & 1) {
          const z = normal();
          chi2 += z * z;
        }
        scale *= Math.sqrt(tScale / chi2);
      }
      for (let i = 0; i < n; i++) eps[i] = normal();
      // Survival update needs D at the start (dPrev) and end; compute the end state first.
      xStart.set(growth);
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let l = 0; l <= i; l++) z += L[i * n + l]! * eps[l]!;
        x[i]! += z * scale;
        growth[i] = Math.exp(x[i]!);
      }
      funding += job.fundingLossByStep[j]!;
      let equity = job.equity - funding;
      let maint = job.maintenance;
      for (let i = 0; i < n; i++) {
        equity += e[i]! * (growth[i]! - 1);
        maint += ms[i]! * (growth[i]! - 1);
      }
      for (let k = 0; k < K; k++) {
        const d = equity - ks[k]! * maint;
        if (surv[k]! > 0) {
          if (d <= 0) surv[k] = 0;
          else {
            // Cheap bound first: perfect correlation gives the largest σ_D.
            let bound = 0;
            for (let i = 0; i < n; i++) {
              g[i] = (e[i]! - ks[k]! * ms[i]!) * xStart[i]!;
              bound += Math.abs(g[i]!) * sigmaI[i]!;
            }
            const expoBound = (2 * dPrev[k]! * d) / (bound * bound * dt);
            if (expoBound < 40) {
              // σ_D² = |Lᵀg|².
              let varD = 0;
              for (let l = 0; l < n; l++) {
                let v = 0;
                for (let i = l; i < n; i++) v += L[i * n + l]! * g[i]!;
                varD += v * v;
              }
              if (varD > 0) surv[k] = surv[k]! * (1 - Math.exp((-2 * dPrev[k]! * d) / (varD * dt)));
            }
          }
        }
        dPrev[k] = d;
        survSum[k * steps + j]! += surv[k]!;
      }
    }
  }
  const survival: number[] = new Array(K * steps);
  for (let i = 0; i < K * steps; i++) survival[i] = survSum[i]! / job.paths;
  return { survival, steps };
}

/** 5-minute steps to 1 h, then 15-minute steps to 24 h. */
export function defaultStepGrid(): number[] {
  const out: number[] = [];
  for (let t = 5; t <= 60; t += 5) out.push(t);
  for (let t = 75; t <= 1440; t += 15) out.push(t);
  return out;
}

/** Lower Cholesky factor of a covariance; shrinks correlations toward 0 until it is positive definite. */
export function choleskyRepaired(sigma: Float64Array, corr: Float64Array, n: number): Float64Array {
  for (let w = 0; w <= 1.0001; w += 0.05) {
    const L = new Float64Array(n * n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        const rho = i === j ? 1 : (1 - w) * corr[i * n + j]!;
        let s = rho * sigma[i]! * sigma[j]!;
        for (let l = 0; l < j; l++) s -= L[i * n + l]! * L[j * n + l]!;
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * n + i] = Math.sqrt(s);
        } else L[i * n + j] = s / L[j * n + j]!;
      }
    }
    if (ok) return L;
  }
  // All σ zero: a zero factor (no diffusion) is the honest answer.
  return new Float64Array(n * n);
}
