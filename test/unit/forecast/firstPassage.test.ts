import { describe, expect, it } from 'vitest';
import { firstPassageProbability, normCdf, normInv, quantileByBisection, Xoshiro128 } from '../../../src/domain/forecast';

/** Monte Carlo of d_t = a − μt − σW_t with a Brownian-bridge crossing check between steps. */
function monteCarloHit(a: number, sigma: number, mu: number, tMin: number, paths: number, steps: number, seed: number): number {
  const rng = new Xoshiro128(seed);
  const dt = tMin / steps;
  const sd = sigma * Math.sqrt(dt);
  let hits = 0;
  for (let p = 0; p < paths; p++) {
    let d = a;
    for (let s = 0; s < steps; s++) {
      const next = d - mu * dt + sd * rng.nextNormal();
      if (next <= 0) {
        hits++;
        break;
      }
      // P(bridge between two positive endpoints touches 0) = exp(−2·d·next / (σ²dt)).
      if (rng.nextFloat() < Math.exp((-2 * d * next) / (sigma * sigma * dt))) {
        hits++;
        break;
      }
      d = next;
    }
  }
  return hits / paths;
}

describe('normal distribution helpers', () => {
  it('matches known values and inverts', () => {
    expect(normCdf(0)).toBeCloseTo(0.5, 7);
    expect(normCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normCdf(-5)).toBeCloseTo(2.866515719e-7, 12);
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999]) expect(normCdf(normInv(p))).toBeCloseTo(p, 6);
  });
});

describe('first-passage closed form', () => {
  it('is 1 at zero distance and 0 with zero volatility and no drift', () => {
    expect(firstPassageProbability(0, 0.001, 0, 60)).toBe(1);
    expect(firstPassageProbability(-0.01, 0.001, 0, 60)).toBe(1);
    expect(firstPassageProbability(0.01, 0, 0, 60)).toBe(0);
    // Deterministic drift reaches the barrier exactly when μT ≥ a.
    expect(firstPassageProbability(0.01, 0, 0.0002, 60)).toBe(1);
    expect(firstPassageProbability(0.01, 0, 0.0001, 60)).toBe(0);
  });

  it('equals 2Φ(−a/σ√T) without drift', () => {
    const a = 0.02;
    const sigma = 0.0015;
    const t = 240;
    expect(firstPassageProbability(a, sigma, 0, t)).toBeCloseTo(2 * normCdf(-a / (sigma * Math.sqrt(t))), 10);
  });

  it('agrees with Monte Carlo on the same parameters within sampling error (drift both ways)', () => {
    const cases = [
      { a: 0.01, sigma: 0.001, mu: 0, t: 60 },
      { a: 0.01, sigma: 0.001, mu: 0.00005, t: 60 },
      { a: 0.01, sigma: 0.001, mu: -0.00005, t: 60 },
    ];
    for (const [i, c] of cases.entries()) {
      const closed = firstPassageProbability(c.a, c.sigma, c.mu, c.t);
      const paths = 20_000;
      const mc = monteCarloHit(c.a, c.sigma, c.mu, c.t, paths, 60, 1234 + i);
      const se = Math.sqrt((closed * (1 - closed)) / paths);
      expect(Math.abs(mc - closed)).toBeLessThan(4 * se);
    }
  });

  it('never returns NaN and stays in [0, 1] for extreme inputs', () => {
    for (const [a, s, mu, t] of [
      [1, 1e-9, -1, 1440],
      [1e-9, 10, 5, 1],
      [50, 1e-6, 1e-3, 1440],
      [0.5, 1e-4, -1e-2, 1440],
    ] as const) {
      const p = firstPassageProbability(a, s, mu, t);
      expect(Number.isNaN(p)).toBe(false);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });

  it('finds time-to-trigger quantiles matching the driftless closed form', () => {
    const a = 0.01;
    const sigma = 0.002;
    const cdf = (t: number): number => firstPassageProbability(a, sigma, 0, t);
    const median = quantileByBisection(cdf, 0.5, 1440)!;
    expect(median).toBeCloseTo((a / (sigma * normInv(0.75))) ** 2, 3);
    const q10 = quantileByBisection(cdf, 0.1, 1440)!;
    expect(q10).toBeCloseTo((a / (sigma * normInv(0.95))) ** 2, 3);
    expect(quantileByBisection((t) => firstPassageProbability(0.5, sigma, 0, t), 0.5, 1440)).toBeNull();
  });
});

describe('seeded generator', () => {
  it('reproduces the same stream from the same seed and differs across seeds', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const sa = Array.from({ length: 5 }, () => a.nextNormal());
    expect(Array.from({ length: 5 }, () => b.nextNormal())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextNormal())).not.toEqual(sa);
  });

  it('produces standard normals (mean 0, variance 1 within sampling error)', () => {
    const r = new Xoshiro128(7);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.nextNormal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });
});
