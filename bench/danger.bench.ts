// Danger verdict benchmark: `npx tsx bench/danger.bench.ts`.
// One evaluation = what the service does per report: the alert reducer (verdict, advice, notification
// text) and the api's danger view of the same report. Two accounts in danger: a 100-position cross
// book and the demo account mid-crash. Prints medians (ms) and how many margin-engine calls one
// evaluation makes; no timed asserts.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Decimal from 'decimal.js';
import type { AccountSnapshot, Position, Tier } from '../src/domain/contracts';
import * as margin from '../src/domain/margin';
import { DEFAULT_ALERT_SETTINGS, reduceAlerts, type AlertInput } from '../src/domain/alerts';
import { dangerView } from '../src/service/dangerView';
import { demoSnapshot, openDemoAccount } from '../src/venues/demo/account';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const demoTiers = (JSON.parse(readFileSync(join(repoRoot, 'resources/demo/tiers.json'), 'utf8')) as { tiers: Record<string, Tier[]> }).tiers;
const T0 = Date.parse('2026-03-02T12:00:00.000Z');

/** 100 cross longs (the first carries ~40 % of the notional), wallet at 3.6 % of notional after a 3 % drop: near the margin call. */
function crossBook100(): AccountSnapshot {
  const tiers: Tier[] = [{ floor: '0', cap: '50000000', maintenanceRate: '0.005', maintenanceAmount: '0', maxLeverage: '50' }];
  const positions: Position[] = Array.from({ length: 100 }, (_, i) => {
    const entry = new Decimal(i === 0 ? 3000 : 100 + i * 7);
    return {
      symbol: `C${String(i).padStart(3, '0')}USDT`,
      contractType: 'linear',
      marginMode: 'cross',
      positionSide: 'both',
      side: 'long',
      size: i === 0 ? '100' : '10',
      contractSize: '1',
      entryPrice: entry.toFixed(2),
      markPrice: entry.times(0.97).toFixed(2),
      leverage: '20',
      tiers,
      lotSize: '0.001',
    };
  });
  const notional = positions.reduce((s, p) => s.plus(new Decimal(p.entryPrice).times(p.size)), new Decimal(0));
  return { schema: 'marginwatch.snapshot/1', venue: 'binance-usdm', asOf: new Date(T0).toISOString(), positionMode: 'oneway', settleAsset: 'USDT', crossWalletBalance: notional.times(0.036).toFixed(2), positions };
}

/** The demo account at BTC −1.2 %, ETH −17.7 %: the isolated BTC long at margin call, the cross ETH book at watch (with reduce advice). */
function demo(): AccountSnapshot {
  const state = openDemoAccount({ BTCUSDT: 60000, ETHUSDT: 3000 });
  return demoSnapshot(state, { BTCUSDT: new Decimal(59280), ETHUSDT: new Decimal(2470) }, demoTiers, new Date(T0).toISOString(), new Date(T0 + 3600_000).toISOString());
}

function input(snapshot: AccountSnapshot, sigma: number): AlertInput {
  const volatility: Record<string, number> = {};
  for (const p of snapshot.positions) volatility[p.symbol] = sigma;
  return {
    accountId: 'bench',
    report: margin.computeMarginReport(snapshot),
    snapshot,
    forecast: null,
    health: { state: 'live', lastUpdateMs: T0, lastErrorCode: null, lastErrorMessage: null } as unknown as AlertInput['health'],
    settings: DEFAULT_ALERT_SETTINGS,
    nowMs: T0,
    volatility,
  };
}

/** One evaluation of a fresh report (a new report object each time, as each tick brings). */
function evaluate(snapshot: AccountSnapshot, sigma: number): { level: string; body: string | null; reduce: string[] } {
  const i = input(snapshot, sigma);
  const r = reduceAlerts(null, i);
  const view = dangerView(i, i.settings);
  const body = r.effects.flatMap((e) => (e.type === 'notify' ? [e.notification.body] : []))[0] ?? null;
  const reduce = (view?.subjects ?? []).flatMap((s) => (s.alternatives ?? []).map((a) => `${s.subject}: ${a.text}`));
  return { level: view?.level ?? 'none', body, reduce };
}

function median(xs: number[]): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.floor(s.length / 2)]!;
}

function bench(name: string, snapshot: AccountSnapshot, sigma: number, runs: number): void {
  for (let i = 0; i < 3; i++) evaluate(snapshot, sigma);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    evaluate(snapshot, sigma);
    times.push(performance.now() - t);
  }
  const reportTime: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    margin.computeMarginReport(snapshot);
    reportTime.push(performance.now() - t);
  }
  const out = evaluate(snapshot, sigma);
  console.log(`${name}: evaluation (reducer + view) median ${median(times).toFixed(2)} ms over ${runs} runs; one computeMarginReport median ${median(reportTime).toFixed(3)} ms (≈ ${(median(times) / median(reportTime)).toFixed(1)} engine-call equivalents); level ${out.level}`);
  console.log(`  notification: ${out.body?.split('\n').find((l) => l.includes('restore')) ?? out.body ?? '(none)'}`);
  console.log(`  reduce advice in the view: ${out.reduce.join('; ') || '(none)'}`);
}

bench('cross book, 100 positions', crossBook100(), 0.0008, 15);
bench('demo account (crash)', demo(), 0.0008, 60);
