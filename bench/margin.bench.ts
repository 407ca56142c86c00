// Margin engine benchmark: `npx tsx bench/margin.bench.ts`. Prints what it measured; asserts nothing.
// Full recompute of a 100-position cross account (multi-tier tables) per rulebook, and the incremental
// single-symbol mark update the service runs on every tick.
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import type { AccountSnapshot } from '../src/domain/contracts';
import { computeMarginReport, createIncrementalEngine } from '../src/domain/margin';
import { Dec } from '../src/domain/margin/decimal';
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
const pair = (m: Measured) =>
  `${fmt(m.wall.p50)} / ${fmt(m.wall.p99)} | ${fmt(m.cpu.p50)} / ${fmt(m.cpu.p99)}`;

/** Arithmetic, comparison and formatting calls on Dec during one report (wrapped, then restored). */
function countDecimalOperations(snapshot: AccountSnapshot): string {
  const proto = Dec.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ['plus', 'minus', 'times', 'div', 'neg', 'cmp', 'toFixed'];
  const counts = new Map<string, number>(names.map((n) => [n, 0]));
  const originals = names.map((n) => proto[n]!);
  let depth = 0; // count only the engine's own calls, not decimal.js's internal ones
  names.forEach((name, i) => {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) counts.set(name, counts.get(name)! + 1);
      depth++;
      try {
        return originals[i]!.apply(this, args);
      } finally {
        depth--;
      }
    };
  });
  try {
    computeMarginReport(snapshot);
  } finally {
    names.forEach((name, i) => (proto[name] = originals[i]!));
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `${total} (${[...counts].map(([n, c]) => `${n} ${c}`).join(', ')})`;
}

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
  console.log(`${venue.padEnd(15)} ${pair(full).padEnd(48)} ${pair(incremental)}`);
}

// Where the time goes (binance-usdm): the same report without the two extra trigger levels (the
// liquidation price is always solved), and the decimal.js operations one report performs.
{
  const snapshot = benchAccount('binance-usdm', POSITIONS);
  const noTriggers = measure(() => computeMarginReport(snapshot, { triggerLevels: [] }), SAMPLES / 2);
  console.log(`\nbinance-usdm, triggerLevels []: ${pair(noTriggers)} (wall | cpu)`);
  console.log(`binance-usdm, decimal.js operations per report: ${countDecimalOperations(snapshot)}`);
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
