// Connector benchmark: 6 accounts × 50 positions against the local exchange servers (3 Binance
// USDⓈ-M, 1 Bybit, 1 OKX, 1 Hyperliquid). Prints full-sync wall/CPU time, requests per venue per
// sync, pure normalisation cost, and stream-to-snapshot latency p50/p99 (Binance user-data stream
// and markPrice stream). Servers run in this process, so CPU figures include their share.
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { createVenueSession } from '../src/venues/exchanges';
import { buildUsdmSnapshot } from '../src/venues/exchanges/binance/usdmSnapshot';
import { parseLosslessJson } from '../src/venues/exchanges/shared/losslessJson';
import type { AccountSnapshot } from '../src/domain/contracts';
import type { AccountConfig, VenueSession } from '../src/venues/types';
import { syntheticBinanceAccount } from '../test/servers/binance/fixtures';
import { startBinanceServer } from '../test/servers/binance/server';
import { syntheticBybit } from '../test/servers/bybit/fixtures';
import { startBybitServer } from '../test/servers/bybit/server';
import { syntheticOkx } from '../test/servers/okx/fixtures';
import { startOkxServer } from '../test/servers/okx/server';
import { syntheticHyperliquid } from '../test/servers/hyperliquid/fixtures';
import { startHyperliquidServer } from '../test/servers/hyperliquid/server';

const POSITIONS = 50;
const ROUNDS = 20;
const WALLET = '0x' + 'ab'.repeat(20);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const ms = (x: number): string => `${x.toFixed(2)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function main(): Promise<void> {
  console.log(`sync bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}`);
  // ---- servers and sessions --------------------------------------------------------------------
  const binanceAccounts = [0, 1, 2].map((i) => syntheticBinanceAccount(`bkey${i}`, `bsecret${i}`, POSITIONS));
  const binance = await startBinanceServer({ markets: binanceAccounts[0]!.markets, accounts: binanceAccounts.map((a) => a.account), markIntervalMs: 1000 });
  const by = syntheticBybit('ykey', 'ysecret', POSITIONS);
  const bybit = await startBybitServer({ accounts: [by.account], ...by.market });
  const ok = syntheticOkx('okey', 'osecret', 'opass', POSITIONS);
  const okx = await startOkxServer({ accounts: [ok.account], ...ok.market });
  const hl = syntheticHyperliquid(POSITIONS);
  const hyper = await startHyperliquidServer({ states: { [WALLET]: hl.state }, metaAndAssetCtxs: hl.meta });

  const accounts: Array<{ venue: string; config: AccountConfig; secret: { apiKey: string; secret: string; passphrase?: string } | null }> = [
    ...[0, 1, 2].map((i) => ({
      venue: 'binance-usdm',
      config: { id: `b${i}`, name: `b${i}`, source: 'binance-usdm' as const, options: { restUrl: binance.baseUrl, spotUrl: binance.baseUrl, wsUrl: binance.wsUrl } },
      secret: { apiKey: `bkey${i}`, secret: `bsecret${i}` },
    })),
    { venue: 'bybit', config: { id: 'y', name: 'y', source: 'bybit', options: { restUrl: bybit.baseUrl, wsUrl: 'off' } }, secret: { apiKey: 'ykey', secret: 'ysecret' } },
    { venue: 'okx', config: { id: 'o', name: 'o', source: 'okx', options: { restUrl: okx.baseUrl, wsUrl: 'off' } }, secret: { apiKey: 'okey', secret: 'osecret', passphrase: 'opass' } },
    { venue: 'hyperliquid', config: { id: 'h', name: 'h', source: 'hyperliquid', options: { restUrl: hyper.baseUrl, wsUrl: 'off', wallet: WALLET } }, secret: null },
  ];
  const sessions: VenueSession[] = accounts.map((a) => createVenueSession(a.config, a.secret));
  const requestCounts = (): Record<string, number> => ({
    'binance-usdm': binance.requests.length,
    bybit: bybit.requests.length,
    okx: okx.requests.length,
    hyperliquid: hyper.requests.length,
  });

  // ---- full sync ---------------------------------------------------------------------------
  let before = requestCounts();
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const cold = await Promise.all(sessions.map((s) => s.fetchSnapshot()));
  const coldWall = performance.now() - t0;
  const coldCpu = process.cpuUsage(cpu0);
  const coldRequests = Object.fromEntries(Object.entries(requestCounts()).map(([k, v]) => [k, v - before[k]!]));
  if (cold.some((s) => s.positions.length !== POSITIONS)) throw new Error('a snapshot lost positions');

  const walls: number[] = [];
  const cpuPerRound: number[] = [];
  before = requestCounts();
  for (let round = 0; round < ROUNDS; round++) {
    await sleep(300); // spaced so rate budgets never bind: this measures work, not waiting
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    await Promise.all(sessions.map((s) => s.fetchSnapshot()));
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(cpu0);
    cpuPerRound.push((c.user + c.system) / 1000);
  }
  const warmRequests = Object.fromEntries(Object.entries(requestCounts()).map(([k, v]) => [k, (v - before[k]!) / ROUNDS]));

  console.log(`\nFull sync, ${accounts.length} accounts × ${POSITIONS} positions (3 binance-usdm, 1 bybit, 1 okx, 1 hyperliquid), all in parallel`);
  console.log(`  cold (first sync, tables/instruments fetched): wall ${ms(coldWall)}, CPU ${ms((coldCpu.user + coldCpu.system) / 1000)}`);
  console.log(`  warm (${ROUNDS} rounds): wall p50 ${ms(quantile(walls, 0.5))}, p99 ${ms(quantile(walls, 0.99))}; CPU p50 ${ms(quantile(cpuPerRound, 0.5))} per round (adapters + local servers)`);
  console.log(`  requests per sync round — cold: ${JSON.stringify(coldRequests)}; warm: ${JSON.stringify(warmRequests)}`);
  console.log(`  server-side limits: binance rejected ${binance.rejectedForWeight}, max weight/min ${binance.weights.maxSeen}; bybit rejected ${bybit.rejectedForLimit}; okx rejected ${okx.rejectedForLimit}, max/endpoint/2s ${okx.maxPerEndpoint}; hyperliquid rejected ${hyper.rejectedForWeight}`);

  // ---- pure normalisation (no I/O) -------------------------------------------------------------
  const acct = binanceAccounts[0]!.account;
  const rawText = JSON.stringify({
    account: { totalCrossWalletBalance: '100000', positions: acct.positions.map((p) => ({ symbol: p.symbol, positionSide: p.positionSide, leverage: p.leverage, isolated: false })) },
    positionRisk: acct.positions.map((p) => ({ ...p, isolatedWallet: '0' })),
  });
  const N = 300;
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const parsed = parseLosslessJson(rawText) as { account: Record<string, unknown>; positionRisk: Record<string, unknown>[] };
    buildUsdmSnapshot({
      account: parsed.account,
      positionRisk: parsed.positionRisk,
      brackets: new Map(Object.entries(acct.brackets).map(([s, b]) => [s, b as unknown as Record<string, unknown>[]])),
      premium: new Map(),
      filters: new Map(),
      asOfMs: 1,
    });
  }
  console.log(`\nNormalise one 50-position Binance account (lossless parse + snapshot + zod validation): ${ms((performance.now() - t0) / N)} per snapshot`);

  // ---- stream-to-snapshot latency -----------------------------------------------------------------
  const live = createVenueSession(accounts[0]!.config, accounts[0]!.secret, { tuning: { resyncIntervalMs: 600_000 } });
  let pending: { size: string; symbol: string; at: number } | null = null;
  const latencies: number[] = [];
  const markLatencies: number[] = [];
  let lastMarkSent = new Map<string, number>();
  await live.start({
    onSnapshot(s: AccountSnapshot) {
      const now = performance.now();
      if (pending && s.positions.find((p) => p.symbol === pending!.symbol)?.size === pending.size) {
        latencies.push(now - pending.at);
        pending = null;
      }
      for (const [symbol, at] of lastMarkSent) {
        const p = s.positions.find((x) => x.symbol === symbol);
        if (p?.markPrice === binanceAccounts[0]!.markets.find((m) => m.symbol === symbol)!.markPrice) {
          markLatencies.push(now - at);
          lastMarkSent.delete(symbol);
        }
      }
    },
    onHealth() {},
  });
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (live as unknown as { currentHealth: { state: string } }).currentHealth.state !== 'live') await sleep(20);
  for (let i = 0; i < 300; i++) {
    const pos = acct.positions[i % POSITIONS]!;
    const size = String(1000 + i);
    pending = { size, symbol: pos.symbol, at: performance.now() };
    binance.pushAccountUpdate('bkey0', { B: [], P: [{ s: pos.symbol, pa: size, ep: pos.entryPrice, cr: '0', up: '0', mt: 'cross', iw: '0', ps: 'BOTH' }] });
    await sleep(15);
  }
  // Mark ticks: change one mark just before the server's next 1 s push; latency includes the
  // server's wait for its tick, so measure from the change and subtract nothing (upper bound).
  for (let i = 0; i < 10; i++) {
    const market = binanceAccounts[0]!.markets[i]!;
    market.markPrice = (Number(market.markPrice) + 0.01).toFixed(2);
    lastMarkSent = new Map([[market.symbol, performance.now()]]);
    await sleep(1_050);
  }
  console.log(`\nStream → snapshot (Binance, ${POSITIONS} positions)`);
  console.log(`  ACCOUNT_UPDATE in → snapshot out: n=${latencies.length}, p50 ${ms(quantile(latencies, 0.5))}, p99 ${ms(quantile(latencies, 0.99))}`);
  console.log(`  mark change on server → snapshot out (includes up to 1 s server tick + 50 ms coalescing): n=${markLatencies.length}, p50 ${ms(quantile(markLatencies, 0.5))}, p99 ${ms(quantile(markLatencies, 0.99))}`);

  await live.stop();
  for (const s of sessions) await s.stop();
  await Promise.all([binance.close(), bybit.close(), okx.close(), hyper.close()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
