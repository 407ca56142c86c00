import { describe, expect, it } from 'vitest';
import { choleskyRepaired, defaultStepGrid, firstPassageProbability, monteCarloKernel, type MonteCarloJob } from '../../../src/domain/forecast';

function singleAssetJob(over: Partial<MonteCarloJob> = {}): MonteCarloJob {
  const sigma = 0.0012;
  return {
    paths: 20_000,
    seed: 99,
    nu: 0,
    n: 1,
    chol: [sigma],
    exposure: [50_000], // long 1 BTC at 50k
    mmSens: [200], // 0.4% maintenance
    equity: 2_500,
    maintenance: 200,
    ks: [1.25, 1],
    stepEndsMin: defaultStepGrid(),
    fundingLossByStep: new Array(defaultStepGrid().length).fill(0),
    ...over,
  };
}

describe('v2 Monte Carlo kernel', () => {
  it('matches the log-space closed form for one asset within sampling error (Gaussian, bridge-corrected)', () => {
    const job = singleAssetJob();
    const res = monteCarloKernel(job);
    const steps = res.steps;
    for (const [k, kv] of job.ks.entries()) {
      // D = E0 + e(g−1) − k(MM0 + m(g−1)) = 0 → g* and barrier a = −ln g*.
      const gStar = 1 - (job.equity - kv * job.maintenance) / (job.exposure[0]! - kv * job.mmSens[0]!);
      const a = -Math.log(gStar);
      for (const h of [60, 240, 1440]) {
        const j = job.stepEndsMin.indexOf(h);
        const mc = 1 - res.survival[k * steps + j]!;
        const closed = firstPassageProbability(a, 0.0012, 0, h);
        const se = Math.sqrt((closed * (1 - closed)) / job.paths);
        // Sampling error plus a small allowance for the linearised bridge between 15-minute steps.
        expect(Math.abs(mc - closed)).toBeLessThan(4 * se + 0.01);
      }
    }
  });

  it('is reproducible for a seed, differs across seeds, and uses common random numbers across levels', () => {
    const a = monteCarloKernel(singleAssetJob({ paths: 2000, nu: 4 }));
    const b = monteCarloKernel(singleAssetJob({ paths: 2000, nu: 4 }));
    const c = monteCarloKernel(singleAssetJob({ paths: 2000, nu: 4, seed: 100 }));
    expect(b.survival).toEqual(a.survival);
    expect(c.survival).not.toEqual(a.survival);
    // Same paths for every level: the margin-call level (k = 1.25) is never less likely than liquidation.
    for (let j = 0; j < a.steps; j++) expect(a.survival[j]!).toBeLessThanOrEqual(a.survival[a.steps + j]! + 1e-12);
    // Survival never increases along a path average.
    for (let j = 1; j < a.steps; j++) expect(a.survival[j]!).toBeLessThanOrEqual(a.survival[j - 1]! + 1e-12);
  });

  it('charges funding: paying it raises the 24 h probability', () => {
    const grid = defaultStepGrid();
    const funding = grid.map((t) => (t === 480 || t === 960 ? 150 : 0));
    const base = monteCarloKernel(singleAssetJob({ paths: 4000 }));
    const pays = monteCarloKernel(singleAssetJob({ paths: 4000, fundingLossByStep: funding }));
    const last = base.steps - 1;
    expect(1 - pays.survival[base.steps + last]!).toBeGreaterThan(1 - base.survival[base.steps + last]!);
  });

  it('repairs a non-positive-definite correlation matrix', () => {
    const sigma = Float64Array.from([0.001, 0.001, 0.001]);
    // Pairwise ±1 correlations that cannot hold together.
    const corr = Float64Array.from([1, 0.99, 0.99, 0.99, 1, -0.99, 0.99, -0.99, 1]);
    const L = choleskyRepaired(sigma, corr, 3);
    for (const v of L) expect(Number.isFinite(v)).toBe(true);
    expect(L[0]).toBeCloseTo(0.001, 12);
  });
});
