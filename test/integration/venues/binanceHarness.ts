// Shared setup for the Binance adapter tests: a local server with the captured account and a
// session pointed at it with short timings.
import type { AccountSnapshot } from '../../../src/domain/contracts';
import { createVenueSession, type SessionTuning } from '../../../src/venues/exchanges';
import type { BinanceReader } from '../../../src/venues/exchanges/binance/reader';
import type { BinanceClient } from '../../../src/venues/exchanges/binance/client';
import type { SessionEngine } from '../../../src/venues/exchanges/shared/sessionEngine';
import type { AccountConfig, VenueHealth } from '../../../src/venues/types';
import { capturedBinanceAccount } from '../../servers/binance/fixtures';
import { startBinanceServer, type BinanceServerOptions, type BinanceTestServer } from '../../servers/binance/server';

export const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
export const API_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

export const FAST: Partial<SessionTuning> = {
  pollIntervalMs: 300,
  resyncIntervalMs: 5_000,
  staleAfterMs: 600,
  pingIntervalMs: 200,
  pongTimeoutMs: 300,
  idleTimeoutMs: 600,
  snapshotCoalesceMs: 10,
  backoff: { baseMs: 100, maxMs: 400 },
  invalidKeyRetryMs: 2_000,
  requestTimeoutMs: 2_000,
  rateLimitedWaitMs: 500,
};

export interface Harness {
  server: BinanceTestServer;
  config: AccountConfig;
  session: SessionEngine;
  /** The reader's rate-budgeted CCXT client (clock offset, API key). */
  client: BinanceClient;
  snapshots: AccountSnapshot[];
  health: VenueHealth[];
  close(): Promise<void>;
}

export async function startHarness(
  opts: { tuning?: Partial<SessionTuning>; server?: Partial<BinanceServerOptions>; secret?: { apiKey: string; secret: string } } = {},
): Promise<Harness> {
  const { account, market } = capturedBinanceAccount(API_KEY, API_SECRET);
  const server = await startBinanceServer({ markets: [market], accounts: [account], markIntervalMs: 100, ...opts.server });
  const config: AccountConfig = {
    id: 'acct-1',
    name: 'main',
    source: 'binance-usdm',
    options: { restUrl: server.baseUrl, spotUrl: server.baseUrl, wsUrl: server.wsUrl },
  };
  const session = createVenueSession(config, opts.secret ?? { apiKey: API_KEY, secret: API_SECRET }, {
    tuning: { ...FAST, ...opts.tuning },
  }) as SessionEngine;
  const h: Harness = {
    server,
    config,
    session,
    client: (session.reader as BinanceReader).client,
    snapshots: [],
    health: [],
    async close() {
      await session.stop();
      await server.close();
    },
  };
  return h;
}

export function listenTo(h: Harness): Parameters<SessionEngine['start']>[0] {
  return { onSnapshot: (s) => h.snapshots.push(s), onHealth: (x) => h.health.push(x) };
}

export async function waitFor(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
