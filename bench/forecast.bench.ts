// Forecast benchmarks (print what they measure; nothing is asserted):
//   1. v1 per account (isolated single position; 10-asset cross book), p50/p95/p99 per call
//   2. v2 Monte Carlo, 10 assets × 10,000 paths over 4 h (and 24 h), in a worker thread, wall time
//   3. backtest throughput on 1-minute candles (committed cut, or MARGINWATCH_BENCH_CANDLES), extrapolated to a year
// Run: npx tsx bench/forecast.bench.ts [--skip-backtest]
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { readCandleFile } from '../src/backtest/candles';
import { BacktestTotals, runBacktestFile } from '../src/backtest/run';
import type { AccountSnapshot, MarginReport, Position, PositionReport } from '../src/domain/contracts';
import { buildMonteCarloJob, DEFAULT_PARAMS, forecastAccountV1, type MarketView } from '../src/domain/forecast';
import { MonteCarloRunner } from '../src/forecast/monteCarloRunner';
import { fixturePath, MARKET_1M } from '../test/fixtures';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

function quantiles(xs: number[]): { p50: number; p95: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

function book(nAssets: number, marginMode: 'cross' | 'isolated'): { snapshot: AccountSnapshot; report: MarginReport; market: MarketView } {
  const positions: Position[] = [];
  const reports: PositionReport[] = [];
  const sig: Record<string, number> = {};
  for (let i = 0; i < nAssets; i++) {
    const symbol = `A${i}USDT`;
    const price = 100 * (i + 1);
    sig[symbol] = 0.0008 + 0.0001 * i;
    positions.push({
      symbol,
      contractType: 'linear',
      marginMode,
      positionSide: 'both',
      side: i % 3 === 2 ? 'short' : 'long',
      size: '10',
      contractSize: '1',
      entryPrice: String(price),
      markPrice: String(price),
      leverage: '20',
      isolatedMargin: marginMode === 'isolated' ? String(price / 2) : undefined,
      fundingRate: '0.0001',
      nextFundingTime: '2024-05-01T16:00:00.000Z',
    });
    reports.push({
      symbol,
      positionSide: 'both',
      marginMode,
      notional: String(price * 10),
      unrealizedPnl: '0',
      initialMargin: String(price / 2),
      maintenanceRate: '0.004',
      maintenanceAmount: '0',
      maintenanceMargin: String(price * 10 * 0.004),
      liquidationPrice: String(price * 0.955),
      bankruptcyPrice: null,
      distanceToLiquidation: '-0.045',
      reduceToTarget: null,
      triggerPrices: [{ level: '0.8', price: String(price * 0.957) }],
      discrepancy: null,
    });
  }
  const notional = positions.reduce((s, p) => s + Number(p.markPrice) * 10, 0);
  const snapshot: AccountSnapshot = { schema: 'marginwatch.snapshot/1', venue: 'binance-usdm', asOf: '2024-05-01T12:00:00.000Z', positionMode: 'oneway', settleAsset: 'USDT', crossWalletBalance: String(notional / 20), positions };
  const report: MarginReport = {
    schema: 'marginwatch.report/1',
    venue: 'binance-usdm',
    asOf: snapshot.asOf,
    settleAsset: 'USDT',
    account: { walletBalance: String(notional / 20), unrealizedPnl: '0', marginBalance: String(notional / 20), initialMargin: '0', maintenanceMargin: String(notional * 0.004), availableBalance: '0', marginRatio: '0.08', venueMarginRatio: null, topUpToTarget: '0' },
    positions: reports,
    warnings: [],
  };
  // sigmaAt: the horizon σ term structure (used when params.sigmaTermStructure is on).
  const market: MarketView = { sigma: (s) => sig[s] ?? null, correlation: () => 0.6, sigmaAt: (s, t) => (sig[s] ?? 0) * Math.sqrt(0.5 + 0.5 * Math.exp(-t / 43)) };
  return { snapshot, report, market };
}

function benchV1(label: string, nAssets: number, mode: 'cross' | 'isolated', termStructure = false, sigmaShrink?: number): void {
  const { snapshot, report, market } = book(nAssets, mode);
  const input = { snapshot, report, market, params: { ...DEFAULT_PARAMS, sigmaTermStructure: termStructure, ...(sigmaShrink !== undefined ? { sigmaShrink } : {}) }, levels: ['0.8', '1'], nowMs: NOW };
  for (let i = 0; i < 500; i++) forecastAccountV1(input); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t0 = process.hrtime.bigint();
    forecastAccountV1(input);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const q = quantiles(times);
  console.log(`v1 ${label}: p50 ${q.p50.toFixed(1)} µs, p95 ${q.p95.toFixed(1)} µs, p99 ${q.p99.toFixed(1)} µs per account (5000 calls)`);
}

async function benchV2(): Promise<void> {
  const { snapshot, report, market } = book(10, 'cross');
  const runner = new MonteCarloRunner({ paths: 10_000, seed: 1, timeoutMs: 60_000 });
  for (const horizon of [240, 1440]) {
    const { job } = buildMonteCarloJob({ snapshot, report, market, params: DEFAULT_PARAMS, levels: ['0.8', '1'], nowMs: NOW }, 10_000, 1);
    const keep = job!.stepEndsMin.filter((t) => t <= horizon).length;
    const sized = { ...job!, stepEndsMin: job!.stepEndsMin.slice(0, keep), fundingLossByStep: job!.fundingLossByStep.slice(0, keep) };
    await runner.runJob({ ...sized, paths: 1000 }); // start the worker, warm the JIT
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await runner.runJob(sized);
      times.push(performance.now() - t0);
    }
    const q = quantiles(times);
    console.log(`v2 10 assets × 10,000 paths × ${horizon / 60} h (${keep} steps, bridge, t(4)), worker round trip: median ${q.p50.toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (5 runs)`);
  }
  await runner.close();
}

/**
 * Backtest speed on real 1-minute candles: the committed cut (2,500 bars) by default; for the figure
 * in docs/BENCHMARKS.md set MARGINWATCH_BENCH_CANDLES to a month of them, e.g. this organisation's
 * ../shared/data/market/binance_um_BTCUSDT_perp_1m_20250525-20250624.csv (source in its README).
 */
function benchBacktest(): void {
  const file = process.env.MARGINWATCH_BENCH_CANDLES ? resolve(process.env.MARGINWATCH_BENCH_CANDLES) : fixturePath(MARKET_1M.BTCUSDT);
  const series = readCandleFile(file);
  const t0 = performance.now();
  const totals = new BacktestTotals();
  runBacktestFile({ series }, totals);
  const sec = (performance.now() - t0) / 1000;
  const perYear = (sec * 525_600) / series.time.length;
  console.log(`backtest ${series.name}: ${series.time.length} bars in ${sec.toFixed(1)} s (${Math.round(series.time.length / sec)} bars/s, 10 positions opened every 4 h, 3-day holds, two passes) → one year of 1-minute candles ≈ ${(perYear / 60).toFixed(1)} min`);
}

console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}, ${new Date().toISOString()}`);
benchV1('isolated, 1 position', 1, 'isolated');
benchV1('isolated, 1 position, σ term structure', 1, 'isolated', true);
benchV1('cross, 10 assets', 10, 'cross');
benchV1('cross, 10 assets, σ term structure', 10, 'cross', true);
// v3.2, shipped (FORECAST.md §8.19): term structure and σ shrunk toward the floor.
benchV1('isolated, 1 position, term structure + σ shrink 0.5 (v3.2)', 1, 'isolated', true, 0.5);
benchV1('cross, 10 assets, term structure + σ shrink 0.5 (v3.2)', 10, 'cross', true, 0.5);
await benchV2();
if (!process.argv.includes('--skip-backtest')) benchBacktest();
