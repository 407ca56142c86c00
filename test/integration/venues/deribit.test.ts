// Deribit v2 against the local server: deri-hmac-sha256 signed calls, inverse futures sized in USD
// converted to contracts, JSON-RPC error codes mapped, key scopes read without sending the secret.
import { afterEach, describe, expect, it } from 'vitest';
import { accountSnapshotSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import { createVenueSession, validateCredentials, VenueFailure } from '../../../src/venues/exchanges';
import type { AccountConfig, VenueHealth, VenueSession } from '../../../src/venues/types';
import { deribitAccount, deribitMarket } from '../../servers/deribit/fixtures';
import { startDeribitServer, type DeribitTestServer } from '../../servers/deribit/server';
import { FAST, waitFor } from './binanceHarness';
import { expectDeltaThenReconciliation, recorder } from './streamDeltaCheck';
import { num } from '../../servers/shared/jsonText';

const SECRET = { apiKey: 'deribitClient', secret: 'deribitSecret-UNIQUE-77' };
let server: DeribitTestServer | null = null;
let session: VenueSession | null = null;
afterEach(async () => {
  await session?.stop();
  await server?.close();
  server = session = null;
});

async function setup(scope?: string): Promise<AccountConfig> {
  server = await startDeribitServer({ accounts: [deribitAccount(SECRET.apiKey, SECRET.secret, scope)], ...deribitMarket() });
  return { id: 'd', name: 'd', source: 'deribit', options: { restUrl: server.baseUrl, wsUrl: server.wsUrl, currency: 'BTC' } };
}

describe('Deribit', () => {
  it('normalises account summary and an inverse perpetual (USD size → contracts)', async () => {
    session = createVenueSession(await setup(), SECRET, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(accountSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap).toMatchObject({ venue: 'deribit', settleAsset: 'BTC', crossWalletBalance: '1.20045672' });
    expect(snap.positions).toHaveLength(1); // the "zero" position is skipped
    expect(snap.positions[0]).toMatchObject({
      symbol: 'BTC-PERPETUAL',
      contractType: 'inverse',
      side: 'long',
      size: '2000',
      contractSize: '10',
      entryPrice: '64250.5',
      markPrice: '63450.25',
      leverage: '50',
      fundingRate: '0.00012',
      tickSize: '0.5',
    });
    expect(snap.positions[0]!.reported).toEqual({ liquidationPrice: '34521.77', maintenanceMargin: '0.0151', initialMargin: '0.0283', unrealizedPnl: '-0.00207672' });
  });

  it('a position in user.changes is applied without a REST read (USD size → contracts); REST reconciliation corrects a stream that drifted', async () => {
    const config = await setup();
    session = createVenueSession(config, SECRET, { tuning: { ...FAST, resyncIntervalMs: 1_000 } });
    const reads = (): number => server!.requests.filter((r) => r.path === '/api/v2/private/get_positions').length;
    const r = recorder(reads);
    await session.start(r.listener);
    await waitFor(() => r.health.at(-1)?.state === 'live', 5_000, 'live');
    const truth = r.snaps.at(-1)!.positions[0]!.size;
    // A bare JSON number with more digits than a float holds stays exact (lossless stream parsing).
    const push = (): void => server!.pushPositionChange(SECRET.apiKey, 'BTC-PERPETUAL', { size: 70000, average_price: num('64123.123456789012345') }, { rest: false });
    await expectDeltaThenReconciliation(r, reads, push, '7000', truth, (s) => expect(s.positions[0]!.entryPrice).toBe('64123.123456789012345'));
  });

  it('streams: signed WS auth, marks from the ticker folded in, user.changes positions applied', async () => {
    const config = await setup();
    session = createVenueSession(config, SECRET, { tuning: FAST });
    const health: VenueHealth[] = [];
    const snaps: AccountSnapshot[] = [];
    await session.start({ onSnapshot: (s) => snaps.push(s), onHealth: (h) => health.push(h) });
    await waitFor(() => health.at(-1)?.state === 'live', 5_000, 'live');
    server!.setMarkPrice('BTC-PERPETUAL', '64000.5');
    await waitFor(() => snaps.at(-1)?.positions[0]?.markPrice === '64000.5', 3_000, 'mark by stream');
    server!.pushPositionChange(SECRET.apiKey, 'BTC-PERPETUAL', { size: 30000 });
    await waitFor(() => snaps.at(-1)?.positions[0]?.size === '3000', 3_000, 'position by stream');
    server!.stall(true);
    await waitFor(() => health.at(-1)?.state === 'polling' || health.at(-1)?.state === 'stale', 3_000, 'stream loss noticed');
    server!.stall(false);
    await waitFor(() => health.at(-1)?.state === 'live', 6_000, 'live again');
    expect(server!.wire.some((w) => w.startsWith('WS ') && w.includes('public/auth'))).toBe(true);
    expect(server!.wire.join('\n')).not.toContain(SECRET.secret);
  });

  it('bad signature and unknown client are invalid-key; 429 and maintenance recover', async () => {
    const streamed = await setup();
    const config = { ...streamed, options: { ...streamed.options, wsUrl: 'off' } }; // REST behaviour only
    session = createVenueSession(config, { ...SECRET, secret: 'wrong' }, { tuning: FAST });
    const e = await session.fetchSnapshot().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(VenueFailure);
    expect((e as VenueFailure).code).toBe('invalid-key');
    await session.stop();
    session = createVenueSession(config, SECRET, { tuning: { ...FAST, pollIntervalMs: 100 } });
    const health: VenueHealth[] = [];
    await session.start({ onSnapshot() {}, onHealth: (h) => health.push(h) });
    server!.injectFaults({ kind: 'rate-limit' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'rate-limited'), 5_000, 'rate-limited');
    server!.injectFaults({ kind: 'maintenance' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'maintenance'), 5_000, 'maintenance');
    await waitFor(() => health.at(-1)!.state === 'polling', 5_000, 'recovered');
    expect(server!.rejectedForLimit).toBe(0);
  });

  it('scopes decide the verdict; the secret is never sent', async () => {
    expect((await validateCredentials(await setup(), SECRET)).verdict).toBe('ok');
    expect(server!.wire.some((w) => w.includes('/public/auth'))).toBe(true);
    expect(server!.wire.join('\n')).not.toContain(SECRET.secret);
    await server!.close();
    expect((await validateCredentials(await setup('account:read trade:read_write wallet:read'), SECRET)).verdict).toBe('warn-trading');
    await server!.close();
    const w = await setup('account:read trade:read wallet:read_write');
    expect((await validateCredentials(w, SECRET)).verdict).toBe('refuse-withdraw');
    expect((await validateCredentials(w, { ...SECRET, secret: 'nope' })).verdict).toBe('invalid');
  });
});
