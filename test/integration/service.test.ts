// The whole path with a controllable clock: demo venue → engine → SQLite → alert pipeline → channel.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createMonitor, type RunningMonitor } from '../../src/service';
import type { NotificationChannel, OutgoingNotification } from '../../src/notify';
import type { AccountView } from '../../src/api/messages';

const resourcesDir = join(import.meta.dirname, '../../resources');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function manualClock(start: number) {
  let now = start;
  const fns = new Set<() => void>();
  return {
    now: () => now,
    timers: { setInterval: (f: () => void) => (fns.add(f), f), clearInterval: (h: unknown) => fns.delete(h as () => void) },
    tick(ms: number) {
      now += ms;
      for (const f of fns) f();
    },
  };
}

function capturingChannel(): NotificationChannel & { sent: OutgoingNotification[] } {
  const sent: OutgoingNotification[] = [];
  return { id: 'capture', sent, send: async (n) => (sent.push(n), { ok: true }) };
}

async function startDemo(speed: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mw-service-'));
  const clock = manualClock(Date.UTC(2026, 5, 1, 12));
  const channel = capturingChannel();
  const monitor = await createMonitor({
    dataDir, shell: 'headless', resourcesDir, demoSpeed: speed, now: clock.now, timers: clock.timers, channels: [channel], log: () => {},
  });
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanup.push(() => monitor.close());
  return { dataDir, clock, channel, monitor };
}

async function run(monitor: RunningMonitor, clock: ReturnType<typeof manualClock>, steps: number, stepMs: number) {
  for (let i = 0; i < steps; i++) {
    clock.tick(stepMs);
    await monitor.idle();
  }
}

describe('monitor service on the demo account', () => {
  it('raises one notification per (subject, level) episode, not one per tick, and stores it', async () => {
    const { dataDir, clock, channel, monitor } = await startDemo(60);
    const views: AccountView[] = [];
    monitor.subscribe((e) => e.type === 'account' && views.push(e.account));
    await run(monitor, clock, 120, 1000); // two market hours of the crash, 120 snapshots

    expect(views.length).toBeGreaterThanOrEqual(100);
    const levelPushes = channel.sent.filter((n) => n.kind === 'level');
    expect(levelPushes.length).toBeGreaterThan(0);
    // Never the same push twice for the same episode and level.
    const keys = levelPushes.map((n) => `${n.alertId}:${n.level}:${n.reason}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Far fewer pushes than ticks: episodes, not per-poll repeats.
    expect(levelPushes.length).toBeLessThan(20);

    const state = await monitor.call('state.get', {});
    if (!state.ok) throw new Error(state.error.message);
    const demo = state.result.accounts[0]!;
    expect(demo.report?.positions.length).toBe(demo.snapshot?.positions.length);
    // The 50x BTC long was liquidated by the (demo) exchange in the first market minutes.
    expect(demo.snapshot?.positions.some((p) => p.symbol === 'BTCUSDT' && p.side === 'long')).toBe(false);

    await monitor.close();
    const db = new Database(join(dataDir, 'marginwatch.sqlite'), { readonly: true });
    const reports = db.prepare("SELECT COUNT(*) AS n FROM reports WHERE account_id = 'demo'").get() as { n: number };
    expect(reports.n).toBeGreaterThan(10);
    expect(reports.n).toBeLessThan(120); // throttled history, not one row per tick
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    const episodeTable = tables.find((t) => /episode/.test(t));
    expect(episodeTable).toBeDefined();
    const episodes = db.prepare(`SELECT COUNT(*) AS n FROM ${episodeTable}`).get() as { n: number };
    expect(episodes.n).toBeGreaterThan(0);
    db.close();
  });

  it('shows the danger verdict judged with every rule the backtest scores, σ-distance included', async () => {
    // The app once handed the verdict no volatility (and the window no verdict): the σ-distance rule,
    // the one that fires first in scripts/danger-eval.ts, never ran in the service.
    const { clock, monitor } = await startDemo(60);
    await run(monitor, clock, 5, 1000);
    const state = await monitor.call('state.get', {});
    if (!state.ok) throw new Error(state.error.message);
    const danger = state.result.accounts[0]!.danger;
    expect(danger?.subjects.length).toBe(3); // BTC long and short (isolated), the ETH cross book
    for (const s of danger!.subjects) {
      expect(s.sigmaDistance1h, s.label).toBeGreaterThan(0);
      expect(Number.isFinite(s.sigmaDistance1h!), s.label).toBe(true);
      expect(s.p1h, s.label).not.toBeNull();
    }
    // The demo's 50x BTC legs start 1.6 % from liquidation in a crash: well inside the warning band.
    expect(danger!.worst?.sigmaDistance1h).toBeLessThan(1.75);
  });

  it("judges the demo on its replayed market's clock: the same verdict at ×30 and ×120 after the same market minutes", async () => {
    // The demo replays faster than real time. Its σ is per minute of the replayed market (the venue's
    // clockScale), so the verdict is what the app would have said on the day; measured per wall
    // minute instead, σ at ×120 would be √4 = 2 times σ at ×30 and every σ-distance half as long.
    const verdictAfter = async (speed: number, marketMin: number) => {
      const { clock, monitor } = await startDemo(speed);
      const stepMs = 250;
      await run(monitor, clock, Math.round((marketMin * 60_000) / speed / stepMs), stepMs);
      const state = await monitor.call('state.get', {});
      if (!state.ok) throw new Error(state.error.message);
      const short = state.result.accounts[0]!.danger!.subjects.find((s) => s.subject === 'position:BTCUSDT:short')!;
      return short.sigmaDistance1h!;
    };
    for (const marketMin of [2, 30]) {
      const slow = await verdictAfter(30, marketMin);
      const fast = await verdictAfter(120, marketMin);
      console.log(`BTC short σ-distance (1 h) after ${marketMin} market min: ×30 ${slow.toFixed(3)}, ×120 ${fast.toFixed(3)}`);
      expect(fast / slow, `after ${marketMin} market minutes`).toBeGreaterThan(0.85);
      expect(fast / slow, `after ${marketMin} market minutes`).toBeLessThan(1.15);
    }
  });

  it("warns before each of the demo's liquidations: margin call or worse ≥ 1 market minute ahead, then 'Liquidation imminent'", async () => {
    // The product's promise on the demo's first loop (×120, a tick every 250 ms = 30 market seconds),
    // judged as scripts/danger-eval.ts judges a replay: the app path must keep it too.
    const speed = 120;
    const { clock, channel, monitor } = await startDemo(speed);
    const start = clock.now();
    await run(monitor, clock, Math.ceil((3 * 3_600_000) / speed / 250), 250); // three market hours
    const marketMin = (at: string) => ((Date.parse(at) - start) * speed) / 60_000;
    const pushes = channel.sent.filter((n) => n.kind === 'level').map((n) => ({ subject: n.subject, level: n.level, reason: n.reason, min: marketMin(n.at) }));
    const liquidations = pushes.filter((p) => p.reason === 'liquidated');
    // The 50x BTC long and the ETH cross book are liquidated by the (demo) exchange in this crash.
    expect(liquidations.map((l) => l.subject).sort()).toEqual(['liquidated:cross', 'liquidated:position:BTCUSDT:long']);
    for (const l of liquidations) {
      const subject = l.subject.replace(/^liquidated:/, '');
      const before = pushes.filter((p) => p.subject === subject && p.reason !== 'liquidated' && p.min <= l.min - 1);
      const firstAt = (levels: string[]) => before.find((p) => levels.includes(p.level))?.min ?? null;
      const marginCall = firstAt(['margin-call', 'critical']);
      const critical = firstAt(['critical']);
      console.log(`${subject}: liquidated at ${l.min} market min; margin call or worse at ${marginCall}, critical at ${critical}`);
      expect(marginCall, `${subject}: margin call or worse before its liquidation`).not.toBeNull();
      expect(critical, `${subject}: "Liquidation imminent" before its liquidation`).not.toBeNull();
    }
  });

  it('rejects a bad snapshot with a message naming the field, keeps running and keeps history', async () => {
    const { clock, monitor } = await startDemo(60);
    await run(monitor, clock, 5, 1000);
    const before = await monitor.call('state.get', {});
    if (!before.ok) throw new Error(before.error.message);
    const good = before.result.accounts[0]!;

    // Feed a snapshot with a negative size straight into the runner, as a broken venue would.
    const runner = (monitor as unknown as { parts: { runners: { enqueue(raw: unknown): Promise<void> }[] } }).parts.runners[0]!;
    const cases: Array<[string, (s: Record<string, unknown> & { positions: Record<string, unknown>[] }) => void, RegExp]> = [
      ['negative size', (s) => (s.positions[0]!.size = '-1'), /positions\[0\]\.size/],
      ['missing field', (s) => delete s.positions[1]!.markPrice, /positions\[1\]\.markPrice/],
      ['non-numeric price', (s) => (s.positions[0]!.entryPrice = 'abc'), /positions\[0\]\.entryPrice/],
    ];
    for (const [, breakIt, field] of cases) {
      const bad = structuredClone(good.snapshot!) as unknown as Parameters<(typeof cases)[0][1]>[0];
      breakIt(bad);
      await runner.enqueue(bad);
      const after = await monitor.call('state.get', {});
      if (!after.ok) throw new Error(after.error.message);
      const demo = after.result.accounts[0]!;
      expect(demo.lastError?.message).toMatch(field);
      expect(demo.report).toEqual(good.report); // last good state kept
    }

    await run(monitor, clock, 3, 1000); // and the service keeps going
    const later = await monitor.call('state.get', {});
    if (!later.ok) throw new Error(later.error.message);
    expect(Date.parse(later.result.accounts[0]!.snapshot!.asOf)).toBeGreaterThan(Date.parse(good.snapshot!.asOf));
    const errors = await monitor.call('state.get', {});
    expect(errors.ok && errors.result.accounts[0]!.lastError).toBeTruthy(); // still shown after good data follows
    const history = await monitor.call('history.query', { accountId: 'demo', from: new Date(0).toISOString(), to: new Date(clock.now() + 1).toISOString() });
    expect(history.ok && history.result.points.length).toBeGreaterThan(0);
  });

  it('validates API parameters and runs what-if through the engine', async () => {
    const { clock, monitor } = await startDemo(60);
    await run(monitor, clock, 3, 1000);
    const bad = await monitor.call('alerts.snooze', { alertId: 'x', minutes: -5 });
    expect(bad).toMatchObject({ ok: false, error: { path: 'minutes' } });
    const unknown = await monitor.call('whatif.run', { accountId: 'nope', shocks: {} });
    expect(unknown).toMatchObject({ ok: false });
    const crash = await monitor.call('whatif.run', { accountId: 'demo', shocks: { '*': '-0.5' } });
    if (!crash.ok) throw new Error(crash.error.message);
    expect(crash.result.liquidated.length).toBeGreaterThan(0);
    const calm = await monitor.call('whatif.run', { accountId: 'demo', shocks: { '*': '0' } });
    if (!calm.ok) throw new Error(calm.error.message);
    expect(calm.result.liquidated).toEqual([]);
  });
});
