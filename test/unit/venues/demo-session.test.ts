import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DemoVenueSession, loadDemoTapes } from '../../../src/venues/demo/session';
import { accountSnapshotSchema, type AccountSnapshot } from '../../../src/domain/contracts';
import type { VenueHealth } from '../../../src/venues/types';
import type { OrderEvent } from '../../../src/venues/streamEvents';

const resourcesDir = join(import.meta.dirname, '../../../resources');

function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  let fn: (() => void) | null = null;
  return {
    now: () => now,
    timers: { setInterval: (f: () => void) => ((fn = f), 1), clearInterval: () => (fn = null) },
    advance(ms: number) {
      now += ms;
      fn?.();
    },
    get running() {
      return fn !== null;
    },
  };
}

describe('demo venue session', () => {
  it('serves valid snapshots of the demo account whose marks follow the real tape', async () => {
    const clock = manualClock();
    const session = new DemoVenueSession({ accountId: 'demo', resourcesDir, speed: 60, now: clock.now, timers: clock.timers });
    const snapshots: AccountSnapshot[] = [];
    const health: VenueHealth[] = [];
    await session.start({ onSnapshot: (s) => snapshots.push(s), onHealth: (h) => health.push(h) });
    for (let i = 0; i < 180; i++) clock.advance(1000); // 3 market hours at ×60
    expect(snapshots.length).toBe(181);
    for (const s of snapshots) expect(accountSnapshotSchema.safeParse(s).success).toBe(true);
    const first = snapshots[0]!;
    expect(first.positions.map((p) => `${p.symbol}:${p.positionSide}:${p.marginMode}`)).toEqual([
      'BTCUSDT:long:isolated', 'BTCUSDT:short:isolated', 'ETHUSDT:long:cross', 'ETHUSDT:short:cross',
    ]);
    // 2021-05-19 10:00 UTC opens at 40324.64 (resources/demo); 3 hours later BTC traded near 35,000.
    expect(first.positions[0]!.markPrice).toBe('40324.64');
    const btc = snapshots.map((s) => Number(s.positions[0]!.markPrice));
    expect(Math.min(...btc)).toBeLessThan(36_000);
    expect(health.at(-1)).toMatchObject({ state: 'live', dataAsOf: snapshots.at(-1)!.asOf });
    await session.stop();
    expect(clock.running).toBe(false);
  });

  it("backfills the hours before the crash as market minutes on the replay's clock (2 s apart at ×30)", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1) + 12_345);
    const session = new DemoVenueSession({ accountId: 'demo', resourcesDir, speed: 30, now: clock.now, timers: clock.timers });
    await session.start({ onSnapshot: () => {}, onHealth: () => {} });
    expect(session.clockScale).toBe(30);
    const now = clock.now();
    // A day of market minutes asked for; the tape has six hours before the replay, and no more.
    const candles = await session.markHistory('ETHUSDT', now - 1440 * 2_000, now);
    const tape = loadDemoTapes(resourcesDir).ETHUSDT!;
    expect(candles).toHaveLength(tape.replayFrom);
    expect(candles.map((c) => c.close)).toEqual(tape.candles.slice(0, tape.replayFrom).map((c) => c.close));
    for (let i = 1; i < candles.length; i++) expect(Math.abs(candles[i]!.time - candles[i - 1]!.time - 2_000)).toBeLessThanOrEqual(1);
    expect(candles.at(-1)!.time + 2_000).toBeLessThanOrEqual(now);
    // Later, the minutes the replay has played come back with it.
    for (let i = 0; i < 30; i++) clock.advance(1_000);
    const later = await session.markHistory('ETHUSDT', clock.now() - 20 * 2_000, clock.now());
    expect(later.length).toBeGreaterThanOrEqual(19);
    expect(later.map((c) => c.close)).toEqual(tape.candles.slice(tape.replayFrom + 15 - later.length, tape.replayFrom + 15).map((c) => c.close));
    await expect(session.markHistory('DOGEUSDT', 0, now)).rejects.toThrow(/unknown symbol/);
    await session.stop();
  });

  it('refuses a non-positive speed', () => {
    expect(() => new DemoVenueSession({ accountId: 'demo', resourcesDir, speed: 0 })).toThrow(/speed/);
  });
});

describe('demo venue liquidation events', () => {
  it('reports each liquidation once, as a venue stream does, and the position leaves the next snapshot', async () => {
    const clock = manualClock();
    const session = new DemoVenueSession({ accountId: 'demo', resourcesDir, speed: 60, now: clock.now, timers: clock.timers });
    const snapshots: AccountSnapshot[] = [];
    const events: OrderEvent[] = [];
    await session.start({ onSnapshot: (s) => snapshots.push(s), onHealth: () => {}, onOrderEvent: (e) => events.push(e) });
    for (let i = 0; i < 180; i++) clock.advance(1000); // 3 market hours: the 50x BTC long goes
    const btc = events.filter((e) => e.symbol === 'BTCUSDT' && e.positionSide === 'long');
    expect(btc).toHaveLength(1);
    expect(btc[0]!.reason).toBe('liquidation');
    expect(Number(btc[0]!.price)).toBeGreaterThan(0);
    const after = snapshots.filter((s) => Date.parse(s.asOf) >= btc[0]!.time);
    expect(after.length).toBeGreaterThan(0);
    for (const s of after) expect(s.positions.some((p) => p.symbol === 'BTCUSDT' && p.positionSide === 'long')).toBe(false);
    await session.stop();
  });
});
