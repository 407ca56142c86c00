// Margin engine benchmark: `npx tsx bench/margin.bench.ts`. Prints what it measured; asserts nothing.
// Full recompute of a 100-position cross account (multi-tier tables) per rulebook, and the incremental
// single-symbol mark update the service runs on every tick.
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { computeMarginReport, createIncrementalEngine } from '../src/domain/margin';
import { BENCH_VENUES, benchAccount, lcg, referenceCases } from '../test/unit/margin/fixtures/bench-accounts';

const POSITIONS = 100;
const WARMUP = 200;
const SAMPLES = 2000;

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
for (const venue of BENCH_VENUES) {
  const snapshot = benchAccount(venue, POSITIONS);
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

// Speed work must not change a single printed byte: compare every pinned case with the reports the
// engine produced before the optimisation (test/unit/margin/fixtures/reference-reports.json).
const reference = JSON.parse(
  readFileSync(new URL('../test/unit/margin/fixtures/reference-reports.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const cases = referenceCases();
const differing = cases.filter(
  (c) => JSON.stringify(computeMarginReport(c.snapshot, c.options)) !== JSON.stringify(reference[c.name]),
);
console.log(
  `\noutput check: ${cases.length - differing.length}/${cases.length} reports byte-identical to the pre-optimisation reference` +
    (differing.length ? ` — DIFFERENT: ${differing.map((c) => c.name).join(', ')}` : ''),
);
