// margin-jsonl.bench.ts's in-process part in CPU time (process.cpuUsage) instead of wall clock, which the
// shared machine's load inflates: `npx tsx bench/margin-jsonl-cpu.bench.ts [repo root]`. The root lets
// the same lines run against another checkout (e.g. /work/main) for an alternated A/B. Prints medians
// per line of 9 rounds after 2 warm-up rounds; asserts nothing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Modules {
  evaluateSnapshotText: (text: string) => { ok: true; report: unknown } | { ok: false };
  bench: {
    BENCH_VENUES: readonly string[];
    benchAccount: (venue: string, count: number) => { positions: { markPrice: string }[] };
    lcg: (seed: number) => () => number;
  };
}

async function load(root: string): Promise<Modules> {
  const cli = (await import(path.join(root, 'src/cli/commands/margin.ts'))) as Pick<Modules, 'evaluateSnapshotText'>;
  const bench = (await import(path.join(root, 'test/unit/margin/fixtures/bench-accounts.ts'))) as Modules['bench'];
  return { evaluateSnapshotText: cli.evaluateSnapshotText, bench };
}

async function run(): Promise<void> {
  const root = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { evaluateSnapshotText, bench } = await load(root);
  const rand = bench.lcg(7);
  const bases = bench.BENCH_VENUES.map((v) => bench.benchAccount(v, 100));
  const input: string[] = [];
  for (let i = 0; i < 40; i++) {
    const base = bases[i % bases.length]!;
    const positions = base.positions.map((p) => ({
      ...p,
      markPrice: (Number(p.markPrice) * (1 + (rand() - 0.5) * 0.01)).toPrecision(8),
    }));
    input.push(JSON.stringify({ ...base, positions }));
  }
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let sink = 0;
  const floor: number[] = [];
  const margin: number[] = [];
  for (let round = 0; round < 11; round++) {
    let t = cpu();
    for (const line of input) sink += JSON.stringify(JSON.parse(line)).length;
    const f = cpu() - t;
    t = cpu();
    for (const line of input) {
      const outcome = evaluateSnapshotText(line);
      sink += JSON.stringify(outcome.ok ? outcome.report : null).length;
    }
    const m = cpu() - t;
    if (round < 2) continue;
    floor.push(f / input.length);
    margin.push(m / input.length);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(
    `${root}: CPU floor ${median(floor).toFixed(3)} ms, margin path ${median(margin).toFixed(3)} ms/line; ` +
      `ratio ${(median(margin) / median(floor)).toFixed(2)}×, per-round ${median(margin.map((x, i) => x / floor[i]!)).toFixed(2)}×`,
  );
  if (sink === 42) console.log('');
}

void run();
