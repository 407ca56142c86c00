// Margin engine benchmark: `npx tsx bench/margin.bench.ts`. Prints what it measured; asserts nothing.
// Full recompute of a 100-position cross account (multi-tier tables) per rulebook, and the incremental
// single-symbol mark update the service runs on every tick.
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import type { AccountSnapshot, Position, Tier, VenueId } from '../src/domain/contracts';
import { computeMarginReport, createIncrementalEngine } from '../src/domain/margin';

const POSITIONS = 100;
const WARMUP = 200;
const SAMPLES = 2000;

/** Deterministic pseudo-random stream (no Math.random: reproducible runs). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A 10-tier Binance-style table (cum recurrence), floors in the venue's tier unit. */
function tierTable(scale: number): Tier[] {
  const rates = ['0.004', '0.005', '0.0065', '0.01', '0.02', '0.025', '0.05', '0.1', '0.125', '0.15'];
  const floors = [0, 50, 600, 3000, 12000, 70000, 100000, 230000, 480000, 600000].map((f) => f * scale);
  let amount = 0;
  return rates.map((rate, i) => {
    if (i > 0) amount += floors[i]! * (Number(rate) - Number(rates[i - 1]));
    return {
      floor: String(floors[i]),
      cap: String(i + 1 < floors.length ? floors[i + 1] : floors[i]! * 10),
      maintenanceRate: rate,
      maintenanceAmount: amount.toFixed(6),
      maxLeverage: String(Math.max(1, Math.floor(1 / (2 * Number(rate))))),
    };
  });
}

function account(venue: VenueId): AccountSnapshot {
  const rand = lcg(42);
  const inverse = venue === 'binance-coinm';
  const tiers = tierTable(inverse ? 0.1 : venue === 'okx' ? 1 : 1000);
  const positions: Position[] = [];
  for (let i = 0; i < POSITIONS; i++) {
    const entry = 10 + rand() * 60000;
    const mark = entry * (0.9 + rand() * 0.2);
    positions.push({
      symbol: `SYM${i}`,
      contractType: inverse ? 'inverse' : 'linear',
      marginMode: 'cross',
      positionSide: 'both',
      side: rand() < 0.5 ? 'long' : 'short',
      size: inverse ? String(1 + Math.floor(rand() * 5000)) : ((1 + rand() * 200000) / entry).toFixed(3),
      contractSize: inverse ? '100' : venue === 'okx' ? '0.01' : '1',
      entryPrice: entry.toFixed(2),
      markPrice: mark.toFixed(2),
      leverage: String(1 + Math.floor(rand() * 50)),
      tiers,
      ...(venue === 'okx' ? { takerFeeRate: '0.0005' } : {}),
    });
  }
  return {
    schema: 'marginwatch.snapshot/1',
    venue,
    asOf: '2026-01-01T00:00:00.000Z',
    positionMode: 'oneway',
    settleAsset: inverse ? 'BTC' : 'USDT',
    crossWalletBalance: inverse ? '40' : '2000000',
    positions,
  };
}

function stats(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

interface Measured {
  wall: { p50: number; p99: number; mean: number };
  cpu: { p50: number; p99: number; mean: number };
}

/**
 * Wall time per call, and this process's CPU time per call (process.cpuUsage, µs): on a machine shared
 * with other jobs the CPU time shows the engine's own cost, the wall time what a caller would wait.
 */
function measure(fn: (i: number) => void, samples = SAMPLES): Measured {
  for (let i = 0; i < WARMUP; i++) fn(i);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < samples; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(i);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    wall.push(t1 - t0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  return { wall: stats(wall), cpu: stats(cpu) };
}

const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

console.log(
  `margin engine bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${new Date().toISOString()}`,
);
console.log(
  `${POSITIONS}-position cross account, 10-tier tables, ${SAMPLES} samples after ${WARMUP} warm-up\n`,
);
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} CPUs`,
);
console.log(
  'venue           full recompute p50 / p99 (wall | cpu)            incremental update p50 / p99 (wall | cpu)',
);
for (const venue of ['binance-usdm', 'binance-coinm', 'okx', 'hyperliquid', 'bybit'] as const) {
  const snapshot = account(venue);
  const full = measure(() => computeMarginReport(snapshot));
  const engine = createIncrementalEngine(snapshot);
  const rand = lcg(7);
  const symbols = snapshot.positions.map((p) => ({ symbol: p.symbol, mark: Number(p.markPrice) }));
  const incremental = measure(() => {
    const s = symbols[Math.floor(rand() * symbols.length)]!;
    engine.updateMark(s.symbol, (s.mark * (0.99 + rand() * 0.02)).toFixed(2));
  });
  const pair = (m: Measured) =>
    `${fmt(m.wall.p50)} / ${fmt(m.wall.p99)} | ${fmt(m.cpu.p50)} / ${fmt(m.cpu.p99)}`;
  console.log(`${venue.padEnd(15)} ${pair(full).padEnd(48)} ${pair(incremental)}`);
}
