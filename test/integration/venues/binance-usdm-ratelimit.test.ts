// Rate limits are never exceeded: the server counts request weight per window (as Binance does per
// IP) and rejects anything over; the adapters must stay under it even when asked to hurry.
import { afterEach, describe, expect, it } from 'vitest';
import { createVenueSession } from '../../../src/venues/exchanges';
import type { VenueSession } from '../../../src/venues/types';
import { capturedBinanceAccount } from '../../servers/binance/fixtures';
import { startBinanceServer, type BinanceTestServer } from '../../servers/binance/server';
import { FAST } from './binanceHarness';

// Binance's ratio (2400 per 60 s) scaled down; windows of a few seconds keep scheduling jitter on a
// loaded machine small against the window, as network jitter is against Binance's minute.
const LIMIT = 180;
const WINDOW = 3_000;
let server: BinanceTestServer | null = null;
const sessions: VenueSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  await server?.close();
  server = null;
});

async function setup(accounts: number): Promise<BinanceTestServer> {
  const states = Array.from({ length: accounts }, (_, i) => capturedBinanceAccount(`key${i}`, `secret${i}`));
  server = await startBinanceServer({ markets: [states[0]!.market], accounts: states.map((s) => s.account), weightLimit: LIMIT, windowMs: WINDOW, markIntervalMs: 100 });
  for (let i = 0; i < accounts; i++) {
    const session = createVenueSession(
      { id: `a${i}`, name: `a${i}`, source: 'binance-usdm', options: { restUrl: server.baseUrl, spotUrl: server.baseUrl, wsUrl: server.wsUrl } },
      { apiKey: `key${i}`, secret: `secret${i}` },
      { tuning: { ...FAST, weightLimit: LIMIT, rateWindowMs: WINDOW } },
    );
    sessions.push(session);
  }
  return server;
}

describe('Binance request weight', () => {
  it('an urgent account plus a history backfill never exceed the per-window weight', async () => {
    const srv = await setup(1);
    const session = sessions[0]!;
    await session.start({ onSnapshot() {}, onHealth() {} });
    session.setUrgency!(10); // asks for 100 polls a second; must be clamped
    srv.stall(true); // no stream: REST carries everything
    const backfill = Promise.all(Array.from({ length: 24 }, () => session.markHistory('BTCUSDT', 0, 60_000 * 10)));
    await new Promise((r) => setTimeout(r, 4_000));
    await backfill;
    expect(srv.rejectedForWeight).toBe(0);
    expect(srv.weights.maxSeen).toBeLessThanOrEqual(LIMIT);
    expect(srv.weights.maxSeen).toBeGreaterThan(LIMIT / 2); // the budget was actually pressed
    // Still did useful work: several full syncs.
    expect(srv.requests.filter((r) => r.path === '/fapi/v2/account').length).toBeGreaterThanOrEqual(3);
  });

  it('three accounts on one host (one IP) share one weight budget and all keep syncing', async () => {
    const srv = await setup(3);
    await Promise.all(sessions.map((s) => s.start({ onSnapshot() {}, onHealth() {} })));
    for (const s of sessions) s.setUrgency!(10);
    srv.stall(true);
    const start = srv.requests.length;
    // Each account may sync every 21 weight × 3 accounts × 3 s / (180 × 0.5) ≈ 2.1 s.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(srv.rejectedForWeight).toBe(0);
    expect(srv.weights.maxSeen).toBeLessThanOrEqual(LIMIT);
    const syncs = srv.requests.slice(start).filter((r) => r.path === '/fapi/v2/account').length;
    expect(syncs).toBeGreaterThanOrEqual(3);
  });
});
