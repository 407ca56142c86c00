// Bybit v5 (UTA) against the local server: header-signed requests, the captured inverse position
// and unified wallet normalised exactly, retCode errors mapped, clock skew resynced, key permissions.
import { afterEach, describe, expect, it } from 'vitest';
import { accountSnapshotSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import { createVenueSession, validateCredentials, VenueFailure } from '../../../src/venues/exchanges';
import type { AccountConfig, VenueHealth, VenueSession } from '../../../src/venues/types';
import { bybitMarket, capturedBybitAccount } from '../../servers/bybit/fixtures';
import { startBybitServer, type BybitTestServer } from '../../servers/bybit/server';
import { MARKET_1M } from '../../fixtures';
import { klinesFromCsv } from '../../servers/binance/fixtures';
import { FAST, waitFor } from './binanceHarness';
import { expectDeltaThenReconciliation, recorder } from './streamDeltaCheck';

const KEY = 'bybitKeyXYZ123';
const SECRET = 'bybitSecret-unique-ABC987';
let server: BybitTestServer | null = null;
let session: VenueSession | null = null;
afterEach(async () => {
  await session?.stop();
  await server?.close();
  server = session = null;
});

async function setup(mutate: (a: ReturnType<typeof capturedBybitAccount>) => void = () => {}, extra = {}): Promise<AccountConfig> {
  const account = capturedBybitAccount(KEY, SECRET);
  mutate(account);
  server = await startBybitServer({ accounts: [account], ...bybitMarket(), ...extra });
  return { id: 'by', name: 'by', source: 'bybit', options: { restUrl: server.baseUrl, wsUrl: server.wsUrl, category: 'inverse', settleCoin: 'BTC' } };
}

async function failure(p: Promise<unknown>): Promise<VenueFailure> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VenueFailure);
  return e as VenueFailure;
}

describe('Bybit v5', () => {
  it('normalises the captured inverse position and unified wallet', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(accountSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap).toMatchObject({ venue: 'bybit', settleAsset: 'BTC', positionMode: 'oneway', crossWalletBalance: '0.805994' });
    const p = snap.positions[0]!;
    expect(p).toMatchObject({
      symbol: 'BTCUSD',
      contractType: 'inverse',
      marginMode: 'cross',
      positionSide: 'both',
      side: 'short',
      size: '300',
      contractSize: '1',
      entryPrice: '27464.50441675',
      markPrice: '28224.5',
      leverage: '10',
      takerFeeRate: '0.00055',
      fundingRate: '0.0001',
      nextFundingTime: new Date(1697702400000).toISOString(),
    });
    // Empty liqPrice → no reported liquidation price; uPnL verbatim.
    expect(p.reported?.liquidationPrice).toBeUndefined();
    expect(p.reported?.unrealizedPnl).toBe('-0.00029413');
    // Tiers in coin notional, deduction by the cum recurrence where Bybit leaves mmDeduction empty.
    expect(p.tiers).toEqual([
      { floor: '0', cap: '150', maintenanceRate: '0.005', maintenanceAmount: '0', maxLeverage: '100' },
      { floor: '150', cap: '300', maintenanceRate: '0.01', maintenanceAmount: '0.75', maxLeverage: '57.14' },
      { floor: '300', cap: '450', maintenanceRate: '0.015', maintenanceAmount: '2.25', maxLeverage: '40' },
    ]);
  });

  it('isolated margin mode and hedge legs', async () => {
    const config = await setup((a) => {
      a.marginMode = 'ISOLATED_MARGIN';
      a.positions[0]!.positionIdx = 2;
    });
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    const p = (await session.fetchSnapshot()).positions[0]!;
    expect(p).toMatchObject({ marginMode: 'isolated', positionSide: 'short', isolatedMargin: '0.00139186' });
  });

  it('invalid key (10003), bad signature (10004), and clock skew (10002) resynced', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: 'nope', secret: SECRET }, { tuning: FAST });
    expect((await failure(session.fetchSnapshot())).code).toBe('invalid-key');
    await session.stop();
    session = createVenueSession(config, { apiKey: KEY, secret: 'wrong' }, { tuning: FAST });
    expect((await failure(session.fetchSnapshot())).code).toBe('invalid-key');
    await session.stop();
    server!.clockOffsetMs = -20_000;
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    expect((await session.fetchSnapshot()).positions).toHaveLength(1);
    expect(server!.requests.filter((r) => r.retCode === 10002).length).toBeGreaterThanOrEqual(1);
  });

  it('a position on the private stream is applied without a REST read; REST reconciliation corrects a stream that drifted', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: { ...FAST, resyncIntervalMs: 1_000 } });
    const reads = (): number => server!.requests.filter((r) => r.path === '/v5/position/list').length;
    const r = recorder(reads);
    await session.start(r.listener);
    await waitFor(() => r.health.at(-1)?.state === 'live', 5_000, 'live');
    const truth = r.snaps.at(-1)!.positions[0]!.size;
    await expectDeltaThenReconciliation(r, reads, () => server!.pushPosition(KEY, 'BTCUSD', { size: '777' }, { rest: false }), '777', truth);
  });

  it('streams: live with marks folded in, position events applied, stalls fall back to polling', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    const health: VenueHealth[] = [];
    const snaps: AccountSnapshot[] = [];
    const ticks: string[] = [];
    await session.start({ onSnapshot: (s) => snaps.push(s), onHealth: (h) => health.push(h), onMarkTick: (t) => ticks.push(t.price) });
    await waitFor(() => health.at(-1)?.state === 'live', 5_000, 'live');
    server!.setMarkPrice('BTCUSD', '29000.5');
    await waitFor(() => snaps.at(-1)?.positions[0]?.markPrice === '29000.5', 3_000, 'mark by stream');
    expect(ticks).toContain('29000.5');
    // Mark-dependent venue figures are dropped until the next REST read; the venue's uPnL was one.
    expect(snaps.at(-1)!.positions[0]!.reported?.unrealizedPnl).toBeUndefined();
    server!.pushPosition(KEY, 'BTCUSD', { size: '400' });
    await waitFor(() => snaps.at(-1)?.positions[0]?.size === '400', 3_000, 'position by stream');
    server!.stall(true);
    await waitFor(() => health.at(-1)?.state === 'polling' || health.at(-1)?.state === 'stale', 3_000, 'stream loss noticed');
    server!.stall(false);
    await waitFor(() => health.at(-1)?.state === 'live', 5_000, 'live again');
  });

  it('rate limit (10006) waits for the reset time; server error is maintenance; health recovers', async () => {
    const streamed = await setup();
    const config = { ...streamed, options: { ...streamed.options, wsUrl: 'off' } }; // REST behaviour only
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: { ...FAST, pollIntervalMs: 100 } });
    const health: VenueHealth[] = [];
    await session.start({ onSnapshot() {}, onHealth: (h) => health.push(h) });
    server!.injectFaults({ kind: 'rate-limit' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'rate-limited'), 5_000, 'rate-limited');
    await waitFor(() => health.at(-1)!.state === 'polling', 8_000, 'recovered');
    server!.injectFaults({ kind: 'maintenance' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'maintenance'), 5_000, 'maintenance');
    await waitFor(() => health.at(-1)!.state === 'polling', 5_000, 'recovered again');
    expect(server!.rejectedForLimit).toBe(0);
  });

  it('key permissions: read-only ok, trading warned, withdrawal refused', async () => {
    const config = await setup();
    expect((await validateCredentials(config, { apiKey: KEY, secret: SECRET })).verdict).toBe('ok');
    await server!.close();
    const trading = await setup((a) => {
      a.readOnly = false;
      a.permissions.ContractTrade = ['Order', 'Position'];
    });
    expect((await validateCredentials(trading, { apiKey: KEY, secret: SECRET })).verdict).toBe('warn-trading');
    await server!.close();
    const withdraw = await setup((a) => {
      a.permissions.Wallet = ['AccountTransfer', 'Withdraw'];
    });
    expect((await validateCredentials(withdraw, { apiKey: KEY, secret: SECRET })).verdict).toBe('refuse-withdraw');
    expect((await validateCredentials(withdraw, { apiKey: 'nope', secret: SECRET })).verdict).toBe('invalid');
  });

  it('mark-price history pages backwards through newest-first klines', async () => {
    const rows = klinesFromCsv(MARKET_1M.BTCUSDT, 2500);
    const config = await setup(() => {}, { markKlines: { BTCUSD: rows } });
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    const candles = await session.markHistory('BTCUSD', rows[0]![0], rows[2499]![0]);
    expect(candles).toHaveLength(2500);
    expect(candles[0]!.time).toBe(rows[0]![0]);
    expect(candles.every((c, i) => i === 0 || c.time === candles[i - 1]!.time + 60_000)).toBe(true);
  });
});
