// Every Binance failure mode the issue lists: the right VenueErrorCode and message, the right
// recovery (Retry-After honoured, clock resynced, key marked invalid), and no crash or data loss.
import { afterEach, describe, expect, it } from 'vitest';
import { VenueFailure } from '../../../src/venues/exchanges';
import { API_KEY, listenTo, startHarness, waitFor, type Harness } from './binanceHarness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function failureOf(p: Promise<unknown>): Promise<VenueFailure> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(VenueFailure);
    return error as VenueFailure;
  }
  throw new Error('expected a failure');
}

describe('Binance USDⓈ-M errors', () => {
  it('an unknown key is invalid-key (-2015), and the session reports it as health without crashing', async () => {
    h = await startHarness({ secret: { apiKey: 'not-a-key', secret: 'whatever' } });
    const failure = await failureOf(h.session.fetchSnapshot());
    expect(failure.code).toBe('invalid-key');
    expect(failure.message).toMatch(/rejected the API key/);
    await h.session.start(listenTo(h));
    const last = h.health.at(-1)!;
    expect(last.state).toBe('error');
    expect(last.lastError?.code).toBe('invalid-key');
    expect(Date.parse(last.lastError!.retryAt!)).toBeGreaterThan(Date.now() + 1_000); // slow retry, not hammering
    expect(h.snapshots).toHaveLength(0);
  });

  it('a wrong secret fails the HMAC check (-1022) and is reported as invalid-key', async () => {
    h = await startHarness({ secret: { apiKey: API_KEY, secret: 'wrong-secret' } });
    expect((await failureOf(h.session.fetchSnapshot())).code).toBe('invalid-key');
    expect(h.server.requests.some((r) => r.status === 400 && r.path === '/fapi/v2/account')).toBe(true);
  });

  it.each([
    ['behind', 30_000],
    ['ahead', -30_000],
  ])('resynchronises after -1021 when the local clock is %s', async (_label, offset) => {
    h = await startHarness();
    h.server.clockOffsetMs = offset;
    const snap = await h.session.fetchSnapshot();
    expect(snap.positions).toHaveLength(1);
    expect(Math.abs(h.client.clockOffsetMs + offset)).toBeLessThan(1_000);
    expect(h.server.requests.filter((r) => r.path === '/fapi/v1/time')).toHaveLength(1);
  });

  it('429 with Retry-After: no request goes out before the wait, then it recovers', async () => {
    h = await startHarness();
    h.server.injectFaults({ kind: 'rate-limit', retryAfterSec: 1 });
    await h.session.start(listenTo(h));
    const err = h.health.find((x) => x.state === 'error');
    expect(err?.lastError?.code).toBe('rate-limited');
    const rejectedAt = h.server.requests.find((r) => r.status === 429)!.at;
    await waitFor(() => h!.snapshots.length > 0, 5_000, 'recovery');
    const nextRequests = h.server.requests.filter((r) => r.at > rejectedAt && r.path !== '/fapi/v1/listenKey');
    expect(nextRequests[0]!.at - rejectedAt).toBeGreaterThanOrEqual(950);
  });

  it('418 IP ban is ip-banned and honours its Retry-After', async () => {
    h = await startHarness();
    h.server.injectFaults({ kind: 'ban', retryAfterSec: 1 });
    const failure = await failureOf(h.session.fetchSnapshot());
    expect(failure.code).toBe('ip-banned');
    expect(failure.retryAfterMs).toBe(1_000);
    const t0 = Date.now();
    await h.session.fetchSnapshot(); // blocked by the client's own budget until the ban ends
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('503 maintenance is reported and retried with backoff; the last good snapshot stays', async () => {
    h = await startHarness({ tuning: { pollIntervalMs: 300 } });
    await h.session.start(listenTo(h));
    await waitFor(() => h!.snapshots.length > 0);
    const good = h.snapshots.length;
    h.server.injectFaults({ kind: 'maintenance' }, { kind: 'maintenance' }, { kind: 'maintenance' }, { kind: 'maintenance' });
    h.server.dropConnections(); // force a REST resync path
    await waitFor(() => h!.health.some((x) => x.lastError?.code === 'maintenance'), 5_000, 'maintenance health');
    expect(h.health.find((x) => x.lastError?.code === 'maintenance')!.lastError!.message).toMatch(/maintenance/);
    await waitFor(() => h!.health.at(-1)!.state === 'live', 8_000, 'live again');
    expect(h.snapshots.length).toBeGreaterThanOrEqual(good);
    expect(h.snapshots.every((s) => s.positions.length === 1)).toBe(true);
  });

  it('a malformed body is malformed-payload and never replaces good data', async () => {
    h = await startHarness();
    h.server.injectFaults({ kind: 'malformed' });
    const failure = await failureOf(h.session.fetchSnapshot());
    expect(failure.code).toBe('malformed-payload');
    expect((await h.session.fetchSnapshot()).positions).toHaveLength(1);
  });

  it('a slow answer times out as timeout', async () => {
    h = await startHarness({ tuning: { requestTimeoutMs: 300 } });
    h.server.injectFaults({ kind: 'slow', delayMs: 800 }, { kind: 'slow', delayMs: 800 }, { kind: 'slow', delayMs: 800 }, { kind: 'slow', delayMs: 800 });
    const failure = await failureOf(h.session.fetchSnapshot());
    expect(['timeout', 'network']).toContain(failure.code);
    expect(failure.code).toBe('timeout');
  });

  it('error messages never contain the key, the secret or a signature', async () => {
    h = await startHarness({ secret: { apiKey: API_KEY, secret: 'wrong-secret' } });
    const failure = await failureOf(h.session.fetchSnapshot());
    expect(failure.message).not.toContain(API_KEY);
    expect(failure.message).not.toContain('wrong-secret');
    expect(failure.message).not.toMatch(/signature=[0-9a-f]{10}/);
  });
});
