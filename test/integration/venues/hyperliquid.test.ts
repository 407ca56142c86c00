// Hyperliquid (wallet address only) against the local /info server: the docs example account
// normalises exactly, tiers follow HL-TIERS, errors map to health, and weight stays under limit.
import Decimal from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { accountSnapshotSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import { createVenueSession, validateCredentials, VenueFailure } from '../../../src/venues/exchanges';
import { hyperliquidTiers } from '../../../src/venues/exchanges/hyperliquid/snapshot';
import type { AccountConfig, VenueHealth, VenueSession } from '../../../src/venues/types';
import { capturedClearinghouseState, HL_WALLET, metaAndAssetCtxs } from '../../servers/hyperliquid/fixtures';
import { startHyperliquidServer, type HyperliquidTestServer } from '../../servers/hyperliquid/server';
import { MARKET_1M } from '../../fixtures';
import { klinesFromCsv } from '../../servers/binance/fixtures';
import { FAST, waitFor } from './binanceHarness';
import { expectDeltaThenReconciliation, recorder } from './streamDeltaCheck';

let server: HyperliquidTestServer | null = null;
let session: VenueSession | null = null;
afterEach(async () => {
  await session?.stop();
  await server?.close();
  server = null;
  session = null;
});

async function setup(extra: Partial<Parameters<typeof startHyperliquidServer>[0]> = {}, wallet = HL_WALLET): Promise<AccountConfig> {
  server = await startHyperliquidServer({ states: { [HL_WALLET]: capturedClearinghouseState() }, metaAndAssetCtxs: metaAndAssetCtxs(), ...extra });
  return { id: 'hl', name: 'hl', source: 'hyperliquid', options: { restUrl: server.baseUrl, wsUrl: server.wsUrl, wallet } };
}

describe('Hyperliquid', () => {
  it('normalises the docs example clearinghouseState exactly', async () => {
    const config = await setup();
    session = createVenueSession(config, null, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(accountSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap).toMatchObject({ venue: 'hyperliquid', settleAsset: 'USDC', positionMode: 'oneway', asOf: new Date(1708622398623).toISOString() });
    // No cross positions: cross wallet = cross account value.
    expect(snap.crossWalletBalance).toBe('13104.514502');
    const p = snap.positions[0]!;
    expect(p).toMatchObject({
      symbol: 'ETH',
      contractType: 'linear',
      marginMode: 'isolated',
      side: 'long',
      size: '0.0335',
      entryPrice: '2986.3',
      markPrice: '2985.9',
      leverage: '20',
      lotSize: '0.0001',
      fundingRate: '0.0000125',
      nextFundingTime: '2024-02-22T18:00:00.000Z',
    });
    // HL-ACCOUNT: isolated margin excluding uPnL = marginUsed − uPnL = rawUsd + szi·entryPx.
    expect(p.isolatedMargin).toBe('4.981226');
    expect(new Decimal('-95.059824').plus(new Decimal('0.0335').times('2986.3')).eq(p.isolatedMargin!)).toBe(true);
    expect(p.reported).toEqual({ liquidationPrice: '2866.26936529', unrealizedPnl: '-0.0134', initialMargin: '4.967826' });
    expect(p.tiers).toEqual([{ floor: '0', cap: '1000000000000000000', maintenanceRate: '0.01', maintenanceAmount: '0', maxLeverage: '50' }]);
  });

  it('builds tiered tables with the deduction recurrence and single-tier ids below 50', () => {
    const tables = new Map([[56, [{ lowerBound: '0.0', maxLeverage: '40' }, { lowerBound: '150000000.0', maxLeverage: '20' }]]]);
    expect(hyperliquidTiers(56, tables, 'BTC')).toEqual([
      { floor: '0', cap: '150000000', maintenanceRate: '0.0125', maintenanceAmount: '0', maxLeverage: '40' },
      { floor: '150000000', cap: '1000000000000000000', maintenanceRate: '0.025', maintenanceAmount: '1875000', maxLeverage: '20' },
    ]);
    expect(hyperliquidTiers(3, new Map(), 'X')[0]!.maxLeverage).toBe('3');
    expect(() => hyperliquidTiers(77, new Map(), 'Y')).toThrow(/no margin table 77/);
  });

  it('a cross position moves its uPnL out of the wallet balance', async () => {
    const state = capturedClearinghouseState() as { assetPositions: Array<{ position: Record<string, unknown> }> };
    const pos = state.assetPositions[0]!.position;
    pos.leverage = { type: 'cross', value: 20 };
    const config = await setup({ states: { [HL_WALLET]: state } });
    session = createVenueSession(config, null, { tuning: FAST });
    const snap = await session.fetchSnapshot();
    expect(snap.positions[0]!.marginMode).toBe('cross');
    expect(snap.positions[0]!.isolatedMargin).toBeUndefined();
    expect(snap.crossWalletBalance).toBe(new Decimal('13104.514502').plus('0.0134').toFixed());
  });

  it('validates a wallet address and rejects a malformed one', async () => {
    const config = await setup();
    expect((await validateCredentials(config, null)).verdict).toBe('ok');
    const bad = await validateCredentials({ ...config, options: { ...config.options, wallet: '0x123' } }, null);
    expect(bad.verdict).toBe('invalid');
    expect(bad.message).toMatch(/wallet address/);
  });

  it('a position in webData2 is applied without a REST read; REST reconciliation corrects a stream that drifted', async () => {
    const config = await setup();
    session = createVenueSession(config, null, { tuning: { ...FAST, resyncIntervalMs: 1_000 } });
    const reads = (): number => server!.requests.filter((r) => r.type === 'clearinghouseState').length;
    const r = recorder(reads);
    await session.start(r.listener);
    await waitFor(() => r.health.at(-1)?.state === 'live', 5_000, 'live');
    const truth = r.snaps.at(-1)!.positions[0]!.size;
    const drifted = capturedClearinghouseState() as { assetPositions: Array<{ position: Record<string, unknown> }> };
    drifted.assetPositions[0]!.position.szi = '0.0777';
    await expectDeltaThenReconciliation(r, reads, () => server!.pushWebData(HL_WALLET, drifted), '0.0777', truth);
  });

  it('streams: live, marks from activeAssetCtx folded in, webData2 positions applied, stall noticed', async () => {
    const config = await setup();
    session = createVenueSession(config, null, { tuning: FAST });
    const health: VenueHealth[] = [];
    const snaps: AccountSnapshot[] = [];
    await session.start({ onSnapshot: (s) => snaps.push(s), onHealth: (h) => health.push(h) });
    await waitFor(() => health.at(-1)?.state === 'live', 5_000, 'live');
    server!.setMarkPrice('ETH', '3001.5');
    await waitFor(() => snaps.at(-1)?.positions[0]?.markPrice === '3001.5', 3_000, 'mark by stream');
    const state = capturedClearinghouseState() as { assetPositions: Array<{ position: Record<string, unknown> }> };
    state.assetPositions[0]!.position.szi = '0.0435';
    server!.pushUserEvent(HL_WALLET, state);
    await waitFor(() => snaps.at(-1)?.positions[0]?.size === '0.0435', 3_000, 'position by stream');
    server!.stall(true);
    await waitFor(() => health.at(-1)?.state === 'polling' || health.at(-1)?.state === 'stale', 3_000, 'stream loss noticed');
    server!.stall(false);
    await waitFor(() => health.at(-1)?.state === 'live', 6_000, 'live again');
  });

  it('polls with health "polling", reports 429 as rate-limited, a malformed body as malformed-payload, and recovers', async () => {
    const streamed = await setup();
    const config = { ...streamed, options: { ...streamed.options, wsUrl: 'off' } }; // REST behaviour only
    session = createVenueSession(config, null, { tuning: { ...FAST, pollIntervalMs: 100 } });
    const health: VenueHealth[] = [];
    let snapshots = 0;
    await session.start({ onSnapshot: () => snapshots++, onHealth: (h) => health.push(h) });
    expect(health.at(-1)!.state).toBe('polling');
    server!.injectFaults({ kind: 'rate-limit' }, { kind: 'rate-limit' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'rate-limited'), 5_000, 'rate-limited');
    await waitFor(() => health.at(-1)!.state === 'polling', 5_000, 'recovered');
    server!.injectFaults({ kind: 'malformed' }, { kind: 'malformed' });
    await waitFor(() => health.some((h) => h.lastError?.code === 'malformed-payload'), 5_000, 'malformed');
    await waitFor(() => health.at(-1)!.state === 'polling', 5_000, 'recovered again');
    expect(snapshots).toBeGreaterThanOrEqual(2);
    expect(server!.rejectedForWeight).toBe(0);
  });

  it('backfills 1-minute candles across 5000-candle pages', async () => {
    const rows = klinesFromCsv(MARKET_1M.ETHUSDT, 6000).map(([t, o, h, l, c]) => ({ t, o, h, l, c }));
    const config = await setup({ candles: { ETH: rows } });
    session = createVenueSession(config, null, { tuning: FAST });
    const candles = await session.markHistory('ETH', rows[0]!.t, rows[5999]!.t);
    expect(candles).toHaveLength(6000);
    expect(candles[5999]!.close).toBe(Number(rows[5999]!.c));
    await session.stop();
    session = createVenueSession({ ...config, options: { restUrl: config.options.restUrl! } }, null);
    const failure = await session.fetchSnapshot().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VenueFailure);
    expect((failure as VenueFailure).code).toBe('invalid-key');
  });
});
