// `margin --jsonl` against its floor: `npx tsx bench/margin-jsonl.bench.ts`. Prints what it measured;
// asserts nothing. The same lines (100-position cross accounts, 10-tier tables, one per rulebook, marks
// moved per line as a live feed would) go through (a) JSON.parse + JSON.stringify — the floor any JSON
// line tool pays — and (b) the CLI's own per-line path (evaluateSnapshotText → JSON.stringify), side by
// side by side in one run, interleaved so machine load hits both alike. Also the split of (b), and the
// whole command end to end: `margin --jsonl` reading the lines from a stream in 64 KB chunks (as
// standard input arrives) and writing its answers, against the same line reader (src/cli/io.ts; faster
// than node:readline on long lines) + JSON.parse + JSON.stringify + write over the same chunks. Per line, milliseconds; medians of ROUNDS after 2 warm-up rounds.
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { evaluateSnapshotText } from '../src/cli/commands/margin';
import { main } from '../src/cli/dispatch';
import { readLineBatches } from '../src/cli/io';
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

/** The lines as standard input delivers them: one text, in 64 KB chunks. */
function chunked(text: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < text.length; at += 65536) chunks.push(text.subarray(at, at + 65536));
  return Readable.from(chunks);
}

async function endToEndFloor(text: Buffer): Promise<number> {
  let n = 0;
  for await (const batch of readLineBatches(chunked(text)))
    for (const line of batch) if ('text' in line) n += `${JSON.stringify(JSON.parse(line.text))}\n`.length;
  return n;
}

async function endToEndMargin(text: Buffer): Promise<number> {
  let n = 0;
  const sink = { write: (s: string) => (n += s.length) };
  const code = await main(['margin', '--jsonl'], { stdin: chunked(text), stdout: sink, stderr: sink, env: {} });
  if (code !== 0) throw new Error(`margin --jsonl exited ${code}`);
  return n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const input = lines();
const stdinText = Buffer.from(input.map((l) => `${l}\n`).join(''));
let sink = 0;
const e2eFloor: number[] = [];
const e2eMargin: number[] = [];
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
  t0 = performance.now();
  sink += await endToEndFloor(stdinText);
  const ef = performance.now() - t0;
  t0 = performance.now();
  sink += await endToEndMargin(stdinText);
  const em = performance.now() - t0;
  if (round < 2) continue; // warm-up
  e2eFloor.push(ef / LINES);
  e2eMargin.push(em / LINES);
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
// Each round times both back to back, so a load spike between rounds cancels out of that round's ratio.
console.log(`        median of the per-round ratios = ${median(product.map((x, i) => x / floor[i]!)).toFixed(2)}×`);
console.log(`end to end, 64 KB chunks in, answers out:`);
console.log(`floor   read lines + JSON.parse + JSON.stringify + write  median ${ms(median(e2eFloor))}/line`);
console.log(`margin  main(['margin', '--jsonl'])                       median ${ms(median(e2eMargin))}/line`);
console.log(`ratio   margin / floor = ${(median(e2eMargin) / median(e2eFloor)).toFixed(2)}×`);
console.log(`        median of the per-round ratios = ${median(e2eMargin.map((x, i) => x / e2eFloor[i]!)).toFixed(2)}×`);
if (sink === 42) console.log('');
