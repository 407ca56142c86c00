// OKX v5 against the local server: base64 HMAC + passphrase signing, the captured BTC-USDT-SWAP
// cross position normalised exactly, OKX error codes mapped, clock skew resynced, key permissions.
import Decimal from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { accountSnapshotSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import { createVenueSession, validateCredentials, VenueFailure } from '../../../src/venues/exchanges';
import type { AccountConfig, VenueHealth, VenueSession } from '../../../src/venues/types';
import { MARKET_1M } from '../../fixtures';
import { klinesFromCsv } from '../../servers/binance/fixtures';
import { capturedOkxAccount, capturedOkxPosition, okxMarket } from '../../servers/okx/fixtures';
import { startOkxServer, type OkxTestServer } from '../../servers/okx/server';
import { FAST, waitFor } from './binanceHarness';
import { expectDeltaThenReconciliation, recorder } from './streamDeltaCheck';

const SECRET = { apiKey: 'okxKey-1', secret: 'okxSecret-UNIQUE-42', passphrase: 'okxPass-7' };
let server: OkxTestServer | null = null;
let session: VenueSession | null = null;
afterEach(async () => {
  await session?.stop();
  await server?.close();
  server = session = null;
});

async function setup(mutate: (a: ReturnType<typeof capturedOkxAccount>) => void = () => {}, extra = {}): Promise<AccountConfig> {
  const account = capturedOkxAccount(SECRET.apiKey, SECRET.secret, SECRET.passphrase);
  mutate(account);
  server = await startOkxServer({ accounts: [account], ...okxMarket(), ...extra });
  return { id: 'okx', name: 'okx', source: 'okx', options: { restUrl: server.baseUrl, wsUrl: server.wsUrl } };
}

describe('OKX v5', () => {
  it('normalises the captured cross position exactly', async () => {
    const config = await setup();
    session = createVenueSession(config, SECRET, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(accountSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap).toMatchObject({ venue: 'okx', settleAsset: 'USDT', positionMode: 'oneway', crossWalletBalance: '215.78881232' });
    const captured = capturedOkxPosition();
    const p = snap.positions[0]!;
    expect(p).toMatchObject({
      symbol: 'BTC-USDT-SWAP',
      contractType: 'linear',
      marginMode: 'cross',
      positionSide: 'both',
      side: 'long',
      size: '1',
      contractSize: '0.01',
      entryPrice: '34131.1',
      leverage: '2',
      takerFeeRate: '0.0005',
      fundingRate: '0.0001',
      nextFundingTime: new Date(1627228800000).toISOString(),
      tickSize: '0.1',
      lotSize: '1',
    });
    // mark = imr·lever/(pos·ctVal), as the fixture notes.
    expect(new Decimal(p.markPrice).eq(new Decimal(String(captured.imr)).times(2).div('0.01'))).toBe(true);
    expect(p.reported).toEqual({ liquidationPrice: '12608.959083877446', maintenanceMargin: '1.3652874433435829', initialMargin: '170.66093041794787', unrealizedPnl: '0.0108608358957281' });
    expect(p.tiers![0]).toEqual({ floor: '0', cap: '10000', maintenanceRate: '0.004', maintenanceAmount: '0', maxLeverage: '125' });
  });

  it('hedge mode, isolated margin leaves the cross wallet', async () => {
    const config = await setup((a) => {
      a.posMode = 'long_short_mode';
      Object.assign(a.positions[0]!, { posSide: 'long', mgnMode: 'isolated', margin: '85.33' });
    });
    session = createVenueSession(config, SECRET, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(snap.positionMode).toBe('hedge');
    expect(snap.positions[0]).toMatchObject({ positionSide: 'long', marginMode: 'isolated', isolatedMargin: '85.33' });
    expect(snap.crossWalletBalance).toBe(new Decimal('215.78881232').minus('85.33').toFixed());
  });

  it('wrong key, wrong passphrase, wrong secret are invalid-key; clock skew is resynced', async () => {
    const config = await setup();
    for (const bad of [{ ...SECRET, apiKey: 'x' }, { ...SECRET, passphrase: 'x' }, { ...SECRET, secret: 'x' }]) {
      session = createVenueSession(config, bad, { tuning: FAST });
      const e = await session.fetchSnapshot().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(VenueFailure);
      expect((e as VenueFailure).code).toBe('invalid-key');
      await session.stop();
    }
    expect(server!.requests.map((r) => r.code)).toEqual(expect.arrayContaining(['50111', '50105', '50113']));
    server!.clockOffsetMs = 45_000;
    session = createVenueSession(config, SECRET, { tuning: FAST });
    expect((await session.fetchSnapshot()).positions).toHaveLength(1);
    expect(server!.requests.some((r) => r.code === '50102')).toBe(true);
  });

  it('a cross position on the positions channel is applied without a REST read; REST reconciliation corrects a stream that drifted', async () => {
    const config = await setup();
    session = createVenueSession(config, SECRET, { tuning: { ...FAST, resyncIntervalMs: 1_000 } });
    const reads = (): number => server!.requests.filter((r) => r.path === '/api/v5/account/positions').length;
    const r = recorder(reads);
    await session.start(r.listener);
    await waitFor(() => r.health.at(-1)?.state === 'live', 5_000, 'live');
    const truth = r.snaps.at(-1)!.positions[0]!.size;
    await expectDeltaThenReconciliation(r, reads, () => server!.pushPosition(SECRET.apiKey, 'BTC-USDT-SWAP', { pos: '7' }, { rest: false }), '7', truth);
  });

  it('streams: login, marks folded in, position events applied, stall falls back to polling', async () => {
    const config = await setup();
    session = createVenueSession(config, SECRET, { tuning: FAST });
    const health: VenueHealth[] = [];
    const snaps: AccountSnapshot[] = [];
    await session.start({ onSnapshot: (s) => snaps.push(s), onHealth: (h) => health.push(h) });
    await waitFor(() => health.at(-1)?.state === 'live', 5_000, 'live');
    server!.setMarkPrice('BTC-USDT-SWAP', '35000.1');
    await waitFor(() => snaps.at(-1)?.positions[0]?.markPrice === '35000.1', 3_000, 'mark by stream');
    server!.pushPosition(SECRET.apiKey, 'BTC-USDT-SWAP', { pos: '3' });
    await waitFor(() => snaps.at(-1)?.positions[0]?.size === '3', 3_000, 'position by stream');
    server!.stall(true);
    await waitFor(() => health.at(-1)?.state === 'polling' || health.at(-1)?.state === 'stale', 3_000, 'stream loss noticed');
    server!.stall(false);
    await waitFor(() => health.at(-1)?.state === 'live', 6_000, 'live again');
    expect(server!.rejectedForLimit).toBe(0);
  });

  it('429 and 503 are reported and recovered from, and no endpoint limit is exceeded', async () => {
    const streamed = await setup();
    const config = { ...streamed, options: { ...streamed.options, wsUrl: 'off' } }; // REST behaviour only
    session = createVenueSession(config, SECRET, { tuning: { ...FAST, pollIntervalMs: 50 } });
    const health: VenueHealth[] = [];
    await session.start({ onSnapshot() {}, onHealth: (h) => health.push(h) });
    server!.injectFaults({ kind: 'rate-limit' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'rate-limited'), 5_000, 'rate-limited');
    await waitFor(() => health.at(-1)!.state === 'polling', 5_000, 'recovered');
    server!.injectFaults({ kind: 'maintenance' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'maintenance'), 5_000, 'maintenance');
    await waitFor(() => health.at(-1)!.state === 'polling', 5_000, 'recovered again');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(server!.rejectedForLimit).toBe(0);
    expect(server!.maxPerEndpoint).toBeLessThanOrEqual(10);
  });

  it('permissions come from account/config perm', async () => {
    // A cold check makes ~9 requests on distinct endpoints: allow them in one window.
    const opts = { tuning: { weightLimit: 40 } };
    expect((await validateCredentials(await setup(), SECRET, opts)).verdict).toBe('ok');
    await server!.close();
    expect((await validateCredentials(await setup((a) => (a.perm = 'read_only,trade')), SECRET, opts)).verdict).toBe('warn-trading');
    await server!.close();
    const w = await setup((a) => (a.perm = 'read_only,withdraw'));
    expect((await validateCredentials(w, SECRET, opts)).verdict).toBe('refuse-withdraw');
    expect((await validateCredentials(w, { apiKey: SECRET.apiKey, secret: SECRET.secret }, opts)).verdict).toBe('invalid');
    expect(server!.maxPerEndpoint).toBeLessThanOrEqual(10);
  });

  it('mark-price history pages back 100 candles at a time', async () => {
    const rows = klinesFromCsv(MARKET_1M.BTCUSDT, 450);
    const config = await setup(() => {}, { markCandles: { 'BTC-USDT-SWAP': rows }, perEndpointLimit: 1000 });
    session = createVenueSession(config, SECRET, { tuning: { ...FAST, weightLimit: 1000 } });
    const candles = await session.markHistory('BTC-USDT-SWAP', rows[5]![0], rows[449]![0]);
    expect(candles).toHaveLength(445);
    expect(candles[0]!.time).toBe(rows[5]![0]);
  });
});
