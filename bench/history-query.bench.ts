// History query on a one-year database (issue 7): builds a real SQLite file with one report a minute
// for 365 days for one account (plus a second account interleaved, as a real file would have), then
// times HistoryStore.history() — the query behind `history.query` — for the ranges the History view
// offers, with the maxPoints the UI asks for. Prints p50 / p95 / max per range.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MarginReport } from '../src/domain/contracts';
import { openDatabase } from '../src/store/db';
import { HistoryStore } from '../src/store/historyStore';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const UI_MAX_POINTS = 3000;
const RUNS = 40;

function report(atMs: number, i: number): MarginReport {
  const ratio = 0.35 + 0.25 * Math.sin(i / 900) + 0.05 * Math.sin(i / 37);
  const equity = 25_000 + 4_000 * Math.cos(i / 1500);
  return {
    schema: 'marginwatch.report/1',
    venue: 'binance-usdm',
    asOf: new Date(atMs).toISOString(),
    settleAsset: 'USDT',
    account: {
      walletBalance: equity.toFixed(2),
      unrealizedPnl: '0',
      marginBalance: equity.toFixed(2),
      initialMargin: '1000',
      maintenanceMargin: (equity * ratio).toFixed(2),
      availableBalance: '0',
      marginRatio: ratio.toFixed(4),
      venueMarginRatio: null,
      topUpToTarget: '0',
    },
    positions: [
      {
        symbol: 'BTCUSDT',
        positionSide: 'both',
        marginMode: 'cross',
        notional: '100000',
        unrealizedPnl: '0',
        initialMargin: '1000',
        maintenanceMargin: '1000',
        maintenanceRate: '0.01',
        maintenanceAmount: '0',
        liquidationPrice: '50000',
        bankruptcyPrice: null,
        distanceToLiquidation: (-(0.3 - 0.25 * Math.sin(i / 900))).toFixed(4),
        reduceToTarget: null,
        triggerPrices: [],
        discrepancy: null,
      },
    ],
    warnings: [],
  };
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `p50 ${q(0.5).toFixed(2)} ms  p95 ${q(0.95).toFixed(2)} ms  max ${s[s.length - 1]!.toFixed(2)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'mw-bench-history-'));
try {
  const file = join(dir, 'marginwatch.sqlite');
  const db = openDatabase(file);
  const store = new HistoryStore(db);
  const end = Date.UTC(2026, 0, 1);
  const start = end - 365 * DAY;
  const built = performance.now();
  let rows = 0;
  // One transaction per day keeps memory flat.
  for (let day = start; day < end; day += DAY) {
    store.transaction(() => {
      for (let t = day; t < day + DAY; t += MINUTE) {
        const i = (t - start) / MINUTE;
        store.saveReport('acct-a', report(t, i), 'ok');
        if (i % 5 === 0) store.saveReport('acct-b', report(t, i + 7), 'ok');
        rows += i % 5 === 0 ? 2 : 1;
      }
    });
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`machine: node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}`);
  console.log(
    `built ${rows} report rows (365 days × 1/min for acct-a, 1/5 min for acct-b) in ${((performance.now() - built) / 1000).toFixed(1)} s; file ${(statSync(file).size / 1e6).toFixed(0)} MB`,
  );

  const measure = (variant: string) => {
    for (const [label, spanDays] of [
      ['1 day', 1],
      ['7 days', 7],
      ['30 days', 30],
      ['365 days', 365],
    ] as const) {
      const samples: number[] = [];
      let points = 0;
      for (let r = 0; r < RUNS + 3; r++) {
        // A different window each run (so the page cache is not always warm for the same pages).
        const to = end - ((r * 7919) % 300) * DAY * (spanDays < 365 ? 1 : 0) - 1;
        const from = to - spanDays * DAY;
        const t0 = performance.now();
        const result = store.history('acct-a', from, to, UI_MAX_POINTS);
        const ms = performance.now() - t0;
        if (r >= 3) samples.push(ms);
        points = result.length;
      }
      console.log(
        `${variant} history.query ${label.padEnd(8)} maxPoints ${UI_MAX_POINTS}: ${points} points  ${stats(samples)}  (n=${RUNS})`,
      );
    }
  };
  measure('[store schema as shipped]');
  // What a covering index would change (bench-only; the schema is the store's to decide): the
  // bucketing query then reads the index alone instead of every row's page, JSON included.
  db.exec(
    'CREATE INDEX bench_reports_cover ON reports(account_id, as_of_ms, margin_ratio, equity, min_distance)',
  );
  db.exec('ANALYZE');
  measure('[+ covering index, bench only]');
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
