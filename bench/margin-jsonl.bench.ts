// `margin --jsonl` against its floor: `npx tsx bench/margin-jsonl.bench.ts`. Prints what it measured;
// asserts nothing. The same lines (100-position cross accounts, 10-tier tables, one per rulebook, marks
// moved per line as a live feed would) go through (a) JSON.parse + JSON.stringify — the floor any JSON
// line tool pays — and (b) the CLI's own per-line path (evaluateSnapshotText → JSON.stringify), side by
// side in one run, interleaved so machine load hits both alike. Also the split of (b).
import { performance } from 'node:perf_hooks';
import { evaluateSnapshotText } from '../src/cli/commands/margin';
import { parseSnapshot, computeMarginReport } from '../src/domain/margin';
import type { AccountSnapshot } from '../src/domain/contracts';
import { BENCH_VENUES, benchAccount, lcg } from '../test/unit/margin/fixtures/bench-accounts';

const LINES = 40;
const ROUNDS = 7;

function lines(): string[] {
  const rand = lcg(7);
  const bases = BENCH_VENUES.map((v) => benchAccount(v, 100));
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const base = bases[i % bases.length]!;
    // Marks move a little between lines; tier tables and contract data stay (as in a live feed).
    const snapshot: AccountSnapshot = {
      ...base,
      positions: base.positions.map((p) => ({ ...p, markPrice: (Number(p.markPrice) * (1 + (rand() - 0.5) * 0.01)).toPrecision(8) })),
    };
    out.push(JSON.stringify(snapshot));
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const input = lines();
let sink = 0;
const floor: number[] = [];
const product: number[] = [];
const parseOnly: number[] = [];
const computeOnly: number[] = [];
for (let round = 0; round < ROUNDS + 2; round++) {
  let t0 = performance.now();
  for (const line of input) sink += JSON.stringify(JSON.parse(line)).length;
  const f = performance.now() - t0;
  t0 = performance.now();
  for (const line of input) {
    const outcome = evaluateSnapshotText(line);
    sink += JSON.stringify(outcome.ok ? outcome.report : { error: outcome.error.reason }).length;
  }
  const p = performance.now() - t0;
  // The split: parse (zod + semantic checks) and compute on already-parsed JSON.
  const json = input.map((l) => JSON.parse(l) as unknown);
  t0 = performance.now();
  const parsed = json.map((j) => parseSnapshot(j));
  const a = performance.now() - t0;
  t0 = performance.now();
  for (const r of parsed) if (r.ok) sink += computeMarginReport(r.value).positions.length;
  const c = performance.now() - t0;
  if (round < 2) continue; // warm-up
  floor.push(f / LINES);
  product.push(p / LINES);
  parseOnly.push(a / LINES);
  computeOnly.push(c / LINES);
}
const ms = (x: number) => `${x.toFixed(3)} ms`;
console.log(`lines: ${LINES} × ${ROUNDS} rounds, 100 cross positions each, ${input[0]!.length} bytes/line`);
console.log(`floor   JSON.parse + JSON.stringify   median ${ms(median(floor))}/line`);
console.log(`margin  evaluateSnapshotText + print  median ${ms(median(product))}/line`);
console.log(`  of which parseSnapshot ${ms(median(parseOnly))}, computeMarginReport ${ms(median(computeOnly))}`);
console.log(`ratio   margin / floor = ${(median(product) / median(floor)).toFixed(2)}×   (target ≤ 3×)`);
if (sink === 42) console.log('');
