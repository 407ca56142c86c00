// Binance COIN-M against the local server in /dapi mode: the captured BTCUSD_PERP short normalised
// exactly (inverse, 100 USD contracts, brackets in BTC), the user-data stream folds coin balances
// and positions in, and a bad key is reported as invalid-key.
import Decimal from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { accountSnapshotSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import { createVenueSession, validateCredentials, VenueFailure } from '../../../src/venues/exchanges';
import type { AccountConfig, VenueHealth, VenueSession } from '../../../src/venues/types';
import { readFixtureJson } from '../../fixtures';
import { capturedCoinmAccount } from '../../servers/binance/fixtures';
import { startBinanceServer, type BinanceTestServer } from '../../servers/binance/server';
import { FAST, waitFor } from './binanceHarness';

const KEY = 'coinmKey-5f2a';
const SECRET = 'coinmSecret-UNIQUE-9931';
let server: BinanceTestServer | null = null;
let session: VenueSession | null = null;
afterEach(async () => {
  await session?.stop();
  await server?.close();
  server = session = null;
});

async function setup(): Promise<AccountConfig> {
  const { account, market } = capturedCoinmAccount(KEY, SECRET);
  server = await startBinanceServer({ product: 'coinm', markets: [market], accounts: [account], markIntervalMs: 100 });
  return { id: 'cm', name: 'cm', source: 'binance-coinm', options: { restUrl: server.baseUrl, spotUrl: server.baseUrl, wsUrl: server.wsUrl, settleAsset: 'BTC' } };
}

const captured = readFixtureJson<{ response: { liquidationPrice: string }[] }>('captured/binance_cm_positionRisk_BTCUSD_PERP_cross_ccxt.json').response[0]!;

describe('Binance COIN-M', () => {
  it('normalises the captured BTCUSD_PERP short exactly', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(accountSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap).toMatchObject({ venue: 'binance-coinm', settleAsset: 'BTC', positionMode: 'oneway', crossWalletBalance: '1.5' });
    const p = snap.positions[0]!;
    expect(p).toMatchObject({
      symbol: 'BTCUSD_PERP',
      contractType: 'inverse',
      marginMode: 'cross',
      side: 'short',
      size: '3',
      contractSize: '100',
      entryPrice: '68911.00000037',
      markPrice: '68234.2',
      leverage: '20',
    });
    expect(new Decimal(p.reported!.liquidationPrice!).eq(captured.liquidationPrice)).toBe(true);
    expect(p.reported!.unrealizedPnl).toBe('0.00004318');
    // Brackets in BTC; bracket 7 carries the FAQ's 11.605 BTC maintenance amount.
    expect(p.tiers).toHaveLength(10);
    expect(p.tiers![6]).toMatchObject({ maintenanceRate: '0.125', maintenanceAmount: '11.605' });
  });

  it('streams: coin balance and position updates become snapshots', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: KEY, secret: SECRET }, { tuning: FAST });
    const snaps: AccountSnapshot[] = [];
    const health: VenueHealth[] = [];
    await session.start({ onSnapshot: (s) => snaps.push(s), onHealth: (h) => health.push(h) });
    await waitFor(() => health.at(-1)?.state === 'live', 5_000, 'live');
    server!.pushAccountUpdate(KEY, {
      B: [{ a: 'BTC', wb: '1.6', cw: '1.6', bc: '0' }],
      P: [{ s: 'BTCUSD_PERP', pa: '-5', ep: '68500', cr: '0', up: '0', mt: 'cross', iw: '0', ps: 'BOTH' }],
    });
    await waitFor(() => snaps.at(-1)?.positions[0]?.size === '5', 2_000, 'update');
    expect(snaps.at(-1)!.crossWalletBalance).toBe('1.6');
    server!.setMarkPrice('BTCUSD_PERP', '67000.5');
    await waitFor(() => snaps.at(-1)?.positions[0]?.markPrice === '67000.5', 2_000, 'mark');
  });

  it('a bad key is invalid-key; validation reports read-only', async () => {
    const config = await setup();
    session = createVenueSession(config, { apiKey: 'bad', secret: SECRET }, { tuning: FAST });
    const e = await session.fetchSnapshot().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(VenueFailure);
    expect((e as VenueFailure).code).toBe('invalid-key');
    expect((await validateCredentials(config, { apiKey: KEY, secret: SECRET })).verdict).toBe('ok');
  });
});
