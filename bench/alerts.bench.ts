// Alert pipeline benchmark: `npx tsx bench/alerts.bench.ts`.
// 1. The reducer's own decision time (µs per call) on a 4-position account.
// 2. Tick-to-notification latency: a mark-price message from a local venue WebSocket server that
//    crosses a level → snapshot → computeMarginReport → AlertPipeline.evaluate (reducer + one SQLite
//    transaction, synchronous=FULL, on a real file) → channel.send. Also the same path for ticks that
//    cross nothing (the common case: no write, no send).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { computeMarginReport } from '../src/domain/margin';
import type { AccountSnapshot, MarginReport, Tier } from '../src/domain/contracts';
import { DEFAULT_ALERT_SETTINGS, reduceAlerts, type AlertsState } from '../src/domain/alerts';
import { AlertPipeline } from '../src/service/alerts';
import { openDatabase } from '../src/store/db';
import type { NotificationChannel } from '../src/notify/types';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const tiers = (
  JSON.parse(readFileSync(join(repoRoot, 'resources/demo/tiers.json'), 'utf8')) as {
    tiers: Record<string, Tier[]>;
  }
).tiers;

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
function stats(samples: number[]) {
  const s = Float64Array.from(samples).sort();
  return { n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s[s.length - 1]! };
}
const fmt = (x: number, d = 2) => x.toFixed(d);

function snapshot(btcMark: number, nowMs: number): AccountSnapshot {
  const position = (symbol: string, side: 'long' | 'short', size: string, entry: string, mark: string) => ({
    symbol,
    contractType: 'linear' as const,
    marginMode: 'cross' as const,
    positionSide: 'both' as const,
    side,
    size,
    contractSize: '1',
    entryPrice: entry,
    markPrice: mark,
    leverage: '20',
    tiers: tiers[symbol]!,
  });
  return {
    schema: 'marginwatch.snapshot/1',
    venue: 'binance-usdm',
    asOf: new Date(nowMs).toISOString(),
    positionMode: 'oneway',
    settleAsset: 'USDT',
    crossWalletBalance: '12000',
    positions: [
      position('BTCUSDT', 'long', '2', '60000', btcMark.toFixed(2)),
      position('ETHUSDT', 'long', '10', '3000', '2990'),
    ],
  };
}

/** BTC mark at which the account's margin ratio reaches `target` (bisection on the real engine). */
function markForRatio(target: number): number {
  let lo = 40000;
  let hi = 60000;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const r = Number(computeMarginReport(snapshot(mid, 0)).account.marginRatio ?? Infinity);
    if (r > target) lo = mid;
    else hi = mid;
  }
  return hi;
}

// ---- 1. reducer decision time ---------------------------------------------------------------
function benchReducer() {
  const base = Date.parse('2026-03-02T12:00:00.000Z');
  const reports: MarginReport[] = [];
  for (const r of [0.3, 0.55, 0.72, 0.83, 0.93])
    reports.push(computeMarginReport(snapshot(markForRatio(r), base)));
  let state: AlertsState | null = null;
  const perCallUs: number[] = [];
  const BATCH = 200;
  for (let b = 0; b < 500; b++) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) {
      const k = b * BATCH + i;
      const nowMs = base + k * 250;
      state = reduceAlerts(state, {
        accountId: 'bench',
        report: reports[(k >> 6) % reports.length]!,
        forecast: null,
        health: { state: 'live', dataAsOf: new Date(nowMs).toISOString(), lastError: null },
        settings: DEFAULT_ALERT_SETTINGS,
        nowMs,
      }).state;
    }
    if (b >= 50) perCallUs.push(((performance.now() - t0) * 1000) / BATCH); // first 50 batches warm the JIT
  }
  return stats(perCallUs);
}

// ---- 2. tick → channel.send ------------------------------------------------------------------
async function benchTickToSend() {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-alerts-'));
  const db = openDatabase(join(dir, 'bench.sqlite'));
  if (process.env.MW_BENCH_SYNC) db.pragma(`synchronous = ${process.env.MW_BENCH_SYNC}`);
  const sendAt = new Map<string, number>();
  const channel: NotificationChannel = {
    id: 'bench',
    async send(n) {
      sendAt.set(n.accountId, performance.now());
      return { ok: true };
    },
  };
  const pipeline = new AlertPipeline({ db, channels: [channel], utcOffsetMin: () => 0 });
  const safe = markForRatio(0.3);
  const danger = markForRatio(0.75); // crosses warning (0.7)

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  const decidedAt = new Map<string, number>();
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const serverSocket = new Promise<WebSocket>((r) => wss.once('connection', (s) => r(s)));
  await new Promise<void>((r) => client.once('open', () => r()));
  const server = await serverSocket;

  // Client side: the venue adapter's fast path, as the service would run it.
  let pending: Promise<void> = Promise.resolve();
  client.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as {
      account: string;
      symbol: string;
      markPrice: string;
      E: number;
      seq: number;
    };
    pending = pending.then(async () => {
      const report = computeMarginReport(snapshot(Number(msg.markPrice), msg.E));
      await pipeline.evaluate(msg.account, {
        report,
        forecast: null,
        health: { state: 'live', dataAsOf: new Date(msg.E).toISOString(), lastError: null },
      });
      decidedAt.set(`${msg.account}:${msg.seq}`, performance.now());
    });
  });

  const crossing: number[] = [];
  const quiet: number[] = [];
  const ROUNDS = 400;
  let seq = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const account = `acc${i}`;
    // A first calm tick (creates the account's alert state), a second calm tick (the common case:
    // nothing changes, nothing is written), then the tick that crosses warning.
    for (const [mark, kind] of [
      [safe, 'first'],
      [safe, 'calm'],
      [danger, 'cross'],
    ] as const) {
      const E = Date.now();
      seq++;
      const t0 = performance.now();
      server.send(JSON.stringify({ account, symbol: 'BTCUSDT', markPrice: mark.toFixed(2), E, seq }));
      // Wait for the pipeline to finish this tick before the next one.
      const key = `${account}:${seq}`;
      while (!decidedAt.has(key)) await new Promise((r) => setImmediate(r));
      if (kind === 'cross') {
        const sent = sendAt.get(account);
        if (sent === undefined) throw new Error(`no notification for ${account}`);
        if (i >= 20) crossing.push(sent - t0);
      } else if (kind === 'calm' && i >= 20) quiet.push(decidedAt.get(key)! - t0);
    }
  }
  client.close();
  wss.close();
  await pipeline.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { crossing: stats(crossing), quiet: stats(quiet) };
}

const reducer = benchReducer();
const tick = await benchTickToSend();
console.log(
  `alerts bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(
  `reducer decision (2-position account incl. system checks): p50 ${fmt(reducer.p50)} µs, p99 ${fmt(reducer.p99)} µs per call (${reducer.n} batches of 200)`,
);
console.log(
  `tick → channel.send, level crossed (WS → engine → reducer → SQLite commit → send): p50 ${fmt(tick.crossing.p50)} ms, p99 ${fmt(tick.crossing.p99)} ms, max ${fmt(tick.crossing.max)} ms (n=${tick.crossing.n})`,
);
console.log(
  `tick → decision, nothing crossed (no write, no send): p50 ${fmt(tick.quiet.p50)} ms, p99 ${fmt(tick.quiet.p99)} ms (n=${tick.quiet.n})`,
);
