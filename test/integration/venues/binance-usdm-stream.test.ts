// Freshness: the user-data and markPrice streams feed snapshots; stalls, abrupt closes and listen
// key expiry are detected, shown as "stale" while down, and recovered (resubscribe + REST resync).
import { afterEach, describe, expect, it } from 'vitest';
import type { MarkTick } from '../../../src/domain/contracts';
import { createVenueSession } from '../../../src/venues/exchanges';
import type { VenueHealth } from '../../../src/venues/types';
import { API_KEY, API_SECRET, FAST, listenTo, startHarness, waitFor, type Harness } from './binanceHarness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const update = (pa: string, ep: string, cw: string) => ({
  B: [{ a: 'USDT', wb: cw, cw, bc: '0' }],
  P: [{ s: 'BTCUSDT', pa, ep, cr: '0', up: '0.1', mt: 'cross' as const, iw: '0', ps: 'BOTH' as const }],
});

async function startLive(tuning = {}): Promise<Harness> {
  const harness = await startHarness({ tuning });
  await harness.session.start(listenTo(harness));
  await waitFor(() => harness.health.at(-1)?.state === 'live', 5_000, 'live');
  return harness;
}

describe('Binance USDⓈ-M streams', () => {
  it('ACCOUNT_UPDATE is applied to the snapshot at once, without a REST read; Binance\'s own figures come back with the reconciliation', async () => {
    h = await startLive({ resyncIntervalMs: 1_500 });
    await new Promise((r) => setTimeout(r, 300)); // let the post-connect reconciliation finish
    const restReads = (): number => h!.server.requests.filter((r) => r.path === '/fapi/v3/positionRisk' || r.path === '/fapi/v2/account').length;
    const readsAtSnapshot: number[] = [];
    const before = h.snapshots.length;
    const push = h.snapshots.push.bind(h.snapshots);
    h.snapshots.push = (...s) => (readsAtSnapshot.push(restReads()), push(...s));
    const readsAtPush = restReads();
    h.server.pushAccountUpdate(API_KEY, update('0.02', '67000', '4.72964781'));
    await waitFor(() => h!.snapshots.slice(before).some((s) => s.positions[0]?.size === '0.02'), 2_000, 'update snapshot');
    const k = h.snapshots.slice(before).findIndex((s) => s.positions[0]?.size === '0.02');
    const streamed = h.snapshots[before + k]!;
    expect(readsAtSnapshot[k]).toBe(readsAtPush); // the position came by stream, not by a REST read
    expect(streamed.positions[0]!.entryPrice).toBe('67000');
    // As fresh as the delta: the snapshot's time is the event's time.
    expect(Date.parse(streamed.asOf)).toBeGreaterThanOrEqual(Date.parse(h.snapshots[before - 1]!.asOf));
    // USDT wallet went up by 1 → the cross wallet (USDT in Multi-Assets) moves by the same amount;
    // the USDC collateral stays as REST read it.
    expect(streamed.crossWalletBalance).toBe('4.72964781');
    expect(streamed.collateral?.[0]).toMatchObject({ asset: 'USDC', amount: '22' });
    expect(streamed.positions[0]!.reported).toBeUndefined();
    // The periodic REST reconciliation brings back Binance's own figures.
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.reported?.maintenanceMargin !== undefined, 4_000, 'reconciliation');
    expect(h.snapshots.at(-1)!.positions[0]!.size).toBe('0.02');
  });

  it('a stream state that disagrees with the exchange is corrected by the periodic REST reconciliation', async () => {
    h = await startLive({ resyncIntervalMs: 1_000 });
    const truth = h.snapshots.at(-1)!.positions[0]!;
    // The event alone, REST unchanged: the stream now says something the exchange does not hold.
    h.server.pushAccountUpdate(API_KEY, update('0.07', '65000', '3.72964781'), 'ORDER', { rest: false });
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.size === '0.07', 2_000, 'drifted snapshot');
    const reads = h.server.requests.filter((r) => r.path === '/fapi/v3/positionRisk').length;
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.size === truth.size, 4_000, 'corrected snapshot');
    expect(h.server.requests.filter((r) => r.path === '/fapi/v3/positionRisk').length).toBeGreaterThan(reads);
    expect(h.snapshots.at(-1)!.positions[0]!.entryPrice).toBe(truth.entryPrice);
    expect(h.snapshots.at(-1)!.crossWalletBalance).toBe(h.snapshots[0]!.crossWalletBalance);
  });

  it('an unreadable ACCOUNT_UPDATE is rejected with a REST read instead, and the session keeps running', async () => {
    h = await startLive();
    const reads = h.server.requests.filter((r) => r.path === '/fapi/v3/positionRisk').length;
    h.server.pushAccountUpdate(API_KEY, { B: [], P: [{ ...update('0.02', '67000', '1').P[0]!, pa: 'lots' }] }, 'ORDER', { rest: false });
    await waitFor(() => h!.server.requests.filter((r) => r.path === '/fapi/v3/positionRisk').length > reads, 2_000, 'REST read');
    expect(h.snapshots.at(-1)!.positions[0]!.size).not.toBe('lots');
    h.server.pushAccountUpdate(API_KEY, update('0.04', '66000', '3.72964781'));
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.size === '0.04', 2_000, 'later update applied');
  });

  it('mark ticks reach onMarkTick and the snapshot', async () => {
    const ticks: MarkTick[] = [];
    h = await startHarness();
    await h.session.start({ ...listenTo(h), onMarkTick: (t) => ticks.push(t) });
    await waitFor(() => h!.health.at(-1)?.state === 'live');
    await new Promise((r) => setTimeout(r, 300)); // let the post-connect REST resync finish
    const restReads = h.server.requests.filter((r) => r.path === '/fapi/v2/account').length;
    h.server.setMarkPrice('BTCUSDT', '60000.5');
    await waitFor(() => ticks.some((t) => t.price === '60000.5'), 2_000, 'tick');
    await waitFor(() => h!.snapshots.some((s) => s.positions[0]!.markPrice === '60000.5'), 2_000, 'snapshot mark');
    expect(h.server.requests.filter((r) => r.path === '/fapi/v2/account').length).toBe(restReads); // it came by stream
    const p = h.snapshots.find((s) => s.positions[0]!.markPrice === '60000.5')!.positions[0]!;
    // Binance's liquidation price does not depend on the mark; its margin figures do.
    expect(p.reported?.liquidationPrice).toBe('64846.9875379');
    expect(p.reported?.maintenanceMargin).toBeUndefined();
  });

  it('a silent stall (open socket, no data, no pongs) turns the health stale, then recovers', async () => {
    h = await startLive();
    const t0 = Date.now();
    h.server.stall(true);
    await waitFor(() => h!.health.at(-1)!.state === 'stale', 3_000, 'stale');
    // Detected within the idle/pong deadline (600 ms) plus one check tick.
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(h.health.at(-1)!.lastError?.code).toBe('stream-stalled');
    h.server.stall(false);
    await waitFor(() => h!.health.at(-1)!.state === 'live', 5_000, 'live again');
    const marksAfter = h.snapshots.length;
    h.server.setMarkPrice('BTCUSDT', '61000');
    await waitFor(() => h!.snapshots.length > marksAfter && h!.snapshots.at(-1)!.positions[0]!.markPrice === '61000', 2_000, 'resubscribed');
  });

  it('an abrupt close is stale while down, then resubscribes and resyncs', async () => {
    h = await startLive();
    const restBefore = h.server.requests.filter((r) => r.path === '/fapi/v2/account').length;
    h.server.dropConnections();
    await waitFor(() => h!.health.some((x) => x.state === 'stale'), 2_000, 'stale');
    await waitFor(() => h!.health.at(-1)!.state === 'live', 5_000, 'live again');
    expect(h.server.requests.filter((r) => r.path === '/fapi/v2/account').length).toBeGreaterThan(restBefore);
    h.server.setMarkPrice('BTCUSDT', '62000');
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.markPrice === '62000', 2_000, 'marks after reconnect');
  });

  it('listenKeyExpired: a new listen key, a new connection, and user data flows again', async () => {
    h = await startLive();
    const [oldKey] = h.server.activeListenKeys(API_KEY);
    h.server.expireListenKey(oldKey!);
    await waitFor(() => h!.server.activeListenKeys(API_KEY).some((k) => k !== oldKey), 3_000, 'new key');
    await waitFor(() => h!.health.at(-1)!.state === 'live', 5_000, 'live');
    h.server.pushAccountUpdate(API_KEY, update('0.03', '66000', '3.72964781'));
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.size === '0.03', 2_000, 'update on new key');
  });

  it('a failed keepalive (-1125: the exchange forgot the key) gets a new key and user data flows again', async () => {
    h = await startLive({ listenKeyKeepaliveMs: 200 });
    const [oldKey] = h.server.activeListenKeys(API_KEY);
    h.server.dropListenKey(oldKey!); // silently: no event, the socket stays open, user data stops
    await waitFor(() => h!.server.activeListenKeys(API_KEY).some((k) => k !== oldKey), 3_000, 'new key');
    expect(h.server.requests.some((r) => r.method === 'PUT' && r.path === '/fapi/v1/listenKey' && r.status === 400)).toBe(true);
    await waitFor(() => h!.health.at(-1)!.state === 'live', 5_000, 'live');
    h.server.pushAccountUpdate(API_KEY, update('0.05', '66000', '3.72964781'));
    await waitFor(() => h!.snapshots.at(-1)!.positions[0]!.size === '0.05', 2_000, 'update on new key');
  });

  it('keeps the listen key alive and reconnects before the connection age limit, without a stale flicker', async () => {
    h = await startLive({ listenKeyKeepaliveMs: 200, maxConnectionAgeMs: 700 });
    const seen = h.health.length;
    await new Promise((r) => setTimeout(r, 1_600));
    expect(h.health.slice(seen).filter((x) => x.state === 'stale')).toEqual([]);
    expect(h.server.requests.filter((r) => r.method === 'PUT' && r.path === '/fapi/v1/listenKey').length).toBeGreaterThanOrEqual(3);
    expect(h.server.requests.filter((r) => r.method === 'POST' && r.path === '/fapi/v1/listenKey').length).toBeGreaterThanOrEqual(2);
    await waitFor(() => h!.health.at(-1)!.state === 'live', 3_000, 'live');
  });

  it('falls back to REST polling when the stream keeps failing, and says so', async () => {
    h = await startLive({ streamFailuresBeforePolling: 2 });
    h.server.stall(true);
    await waitFor(() => h!.health.at(-1)!.state === 'polling', 6_000, 'polling');
    const polled = h.server.requests.filter((r) => r.path === '/fapi/v2/account').length;
    // The poll interval is clamped to the weight budget: 21 weight per sync within half of 2400/min ≈ 1.05 s.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(h.server.requests.filter((r) => r.path === '/fapi/v2/account').length).toBeGreaterThan(polled);
    h.server.stall(false);
    await waitFor(() => h!.health.at(-1)!.state === 'live', 6_000, 'live again');
  });

  it('an account with no open position goes live and stays live (no idle-timeout reconnect loop)', async () => {
    h = await startHarness();
    h.server.account(API_KEY).positions[0]!.positionAmt = '0';
    await h.session.start(listenTo(h));
    await waitFor(() => h!.health.at(-1)?.state === 'live', 5_000, 'live');
    const seen = h.health.length;
    const posts = h.server.requests.filter((r) => r.method === 'POST' && r.path === '/fapi/v1/listenKey').length;
    await new Promise((r) => setTimeout(r, 2_000)); // > idle timeout (600 ms) and stale limit (600 ms)
    expect(h.health.slice(seen).map((x) => x.state)).toEqual([]);
    expect(h.health.at(-1)!.state).toBe('live');
    expect(h.server.requests.filter((r) => r.method === 'POST' && r.path === '/fapi/v1/listenKey').length).toBe(posts);
    expect(h.snapshots.at(-1)!.positions).toHaveLength(0);
  });

  it('a key revoked mid-session: health error invalid-key, stream closed, last snapshot kept, no crash', async () => {
    h = await startLive();
    const good = h.snapshots.length;
    h.server.revokeKey(API_KEY);
    h.server.dropConnections();
    await waitFor(() => h!.health.at(-1)?.lastError?.code === 'invalid-key', 5_000, 'invalid-key');
    expect(h.health.at(-1)!.state).toBe('error');
    expect(h.health.at(-1)!.lastError!.message).toMatch(/rejected the API key/);
    await new Promise((r) => setTimeout(r, 800));
    expect(h.server.openConnections).toBe(0); // no reconnect loop with a dead key
    expect(h.snapshots.length).toBeGreaterThanOrEqual(good);
    expect(h.snapshots.at(-1)!.positions).toHaveLength(1);
  });

  it('a REST override without a wsUrl polls instead of streaming from production', async () => {
    h = await startHarness();
    const config = { ...h.config, options: { restUrl: h.server.baseUrl, spotUrl: h.server.baseUrl } };
    const session = createVenueSession(config, { apiKey: API_KEY, secret: API_SECRET }, { tuning: FAST });
    const health: VenueHealth[] = [];
    try {
      await session.start({ onSnapshot() {}, onHealth: (x) => health.push(x) });
      expect(health.at(-1)!.state).toBe('polling');
      await new Promise((r) => setTimeout(r, 300));
      expect(h.server.openConnections).toBe(0);
      expect(h.server.requests.some((r) => r.path === '/fapi/v1/listenKey')).toBe(false);
    } finally {
      await session.stop();
    }
  });

  it('stop() closes the stream, deletes the listen key and reports stopped', async () => {
    h = await startLive();
    await h.session.stop();
    expect(h.health.at(-1)!.state).toBe('stopped');
    await waitFor(() => h!.server.openConnections === 0, 2_000, 'closed');
    expect(h.server.activeListenKeys(API_KEY)).toHaveLength(0);
  });
});
