// The demo account's alert timeline, deterministic: the real monitor (demo venue → engine → forecast →
// danger verdict → alert episodes) driven by a manual clock through the whole replayed crash, printing
// every level push with its market time. Used to see which level each demo subject reaches and when
// (docs/ALERTS.md), e.g. with another forecast parameter file:
//
//   npx tsx scripts/demo-timeline.ts [--params FILE] [--speed 120] [--tick-ms 250] [--market-hours 6] [--json OUT]
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMonitor } from '../src/service';
import type { NotificationChannel, OutgoingNotification } from '../src/notify';

interface Args {
  params: string | null;
  speed: number;
  tickMs: number;
  marketHours: number;
  json: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { params: null, speed: 120, tickMs: 250, marketHours: 6, json: null };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[++i];
    if (v === undefined) throw new Error(`${f} needs a value`);
    if (f === '--params') a.params = v;
    else if (f === '--speed') a.speed = Number(v);
    else if (f === '--tick-ms') a.tickMs = Number(v);
    else if (f === '--market-hours') a.marketHours = Number(v);
    else if (f === '--json') a.json = v;
    else throw new Error(`unknown option ${f}`);
  }
  for (const [k, v] of [['--speed', a.speed], ['--tick-ms', a.tickMs], ['--market-hours', a.marketHours]] as const)
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${k} must be a positive number`);
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'mw-demo-timeline-'));
  try {
    // A private copy of resources/ so another params.json can be swapped in without touching the checkout.
    const resourcesDir = join(work, 'resources');
    cpSync(resolve('resources'), resourcesDir, { recursive: true });
    if (args.params) cpSync(resolve(args.params), join(resourcesDir, 'forecast', 'params.json'));
    const start = Date.UTC(2026, 5, 1, 12);
    let now = start;
    const fns = new Set<() => void>();
    const sent: OutgoingNotification[] = [];
    const channel: NotificationChannel = { id: 'capture', send: async (n) => (sent.push(n), { ok: true }) };
    const monitor = await createMonitor({
      dataDir: join(work, 'data'), shell: 'headless', resourcesDir, demoSpeed: args.speed, now: () => now,
      timers: { setInterval: (f: () => void) => (fns.add(f), f), clearInterval: (h: unknown) => fns.delete(h as () => void) },
      channels: [channel], log: () => {},
    });
    const steps = Math.ceil((args.marketHours * 3_600_000) / args.speed / args.tickMs);
    for (let i = 0; i < steps; i++) {
      now += args.tickMs;
      for (const f of fns) f();
      await monitor.idle();
    }
    await monitor.close();
    const rows = sent
      .filter((n) => n.kind === 'level')
      .map((n) => ({
        marketMin: Number((((Date.parse(n.at) - start) * args.speed) / 60_000).toFixed(1)),
        subject: n.subject,
        level: n.level,
        reason: n.reason,
        title: n.title,
      }));
    for (const r of rows) console.log(`${String(r.marketMin).padStart(6)} min  ${r.level.padEnd(12)} ${r.reason.padEnd(10)} ${r.subject}  ${r.title}`);
    if (args.json) writeFileSync(args.json, JSON.stringify({ params: args.params, speed: args.speed, tickMs: args.tickMs, pushes: rows }, null, 1) + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
