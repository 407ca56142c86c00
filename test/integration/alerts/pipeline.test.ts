import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src/store/db';
import { AlertPipeline, Watchdog } from '../../../src/service/alerts';
import { AlertStore } from '../../../src/store/alertStore';
import { alertSettingsSchema } from '../../../src/domain/alerts';
import { liveHealth, MIN, report, T0 } from '../../unit/alerts/fixtures';
import { FakeClock, recordingChannel, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function setup() {
  const tmp = tempDir();
  const file = join(tmp.dir, 'mw.sqlite');
  const dbs: Db[] = [];
  const open = () => {
    const db = openDatabase(file);
    dbs.push(db);
    return db;
  };
  cleanups.push(() => {
    for (const db of dbs) if (db.open) db.close();
    tmp.cleanup();
  });
  return { file, open, clock: new FakeClock(T0) };
}

const data = (clock: FakeClock, ratio: string) => ({
  report: report(ratio, undefined, clock.ms),
  forecast: null,
  health: liveHealth(clock.ms),
  accountName: 'Main',
});

describe('AlertPipeline (real SQLite)', () => {
  it("shows a subject at its open alert's level in the danger view while the alert is held above the verdict", async () => {
    const { open, clock } = setup();
    const pipeline = new AlertPipeline({ db: open(), channels: [recordingChannel('os')], now: clock.now, utcOffsetMin: () => 0 });
    await pipeline.evaluate('acc', data(clock, '0.81')); // margin call
    clock.advance(5_000);
    await pipeline.evaluate('acc', data(clock, '0.78')); // a warning now, inside the margin call's release band
    expect(pipeline.accountLevel('acc')).toBe('margin-call');
    const cross = pipeline.danger('acc')!.subjects.find((s) => s.subject === 'cross')!;
    expect(cross.level).toBe('margin-call');
    expect(cross.reason).toMatch(/^Margin call alert still open: now /);
    expect(pipeline.danger('acc')!.level).toBe('margin-call');
  });

  it('delivers one push per new level to every channel, records it, and lists it', async () => {
    const { open, clock } = setup();
    const os = recordingChannel('os');
    const hook = recordingChannel('hook');
    const pipeline = new AlertPipeline({
      db: open(),
      channels: [os, hook],
      now: clock.now,
      utcOffsetMin: () => 0,
    });
    const seen: string[] = [];
    pipeline.subscribe((a) => seen.push(`${a.subject}:${a.level}:${a.state}`));
    for (const r of ['0.3', '0.72', '0.73', '0.74', '0.81']) {
      await pipeline.evaluate('acc', data(clock, r));
      clock.advance(5_000);
    }
    expect(os.received.map((n) => `${n.level}:${n.reason}`)).toEqual([
      'warning:opened',
      'margin-call:escalated',
    ]);
    expect(hook.received.map((n) => n.key)).toEqual(os.received.map((n) => n.key));
    expect(os.received[0]!.title).toBe('Warning: Main cross book 8.00% from liquidation');
    const [alert] = pipeline.list({ state: 'open' });
    expect(alert!.level).toBe('margin-call');
    expect(alert!.deliveries.map((d) => `${d.channel}:${d.status}:${d.attempts}`)).toEqual([
      'os:sent:1',
      'hook:sent:1',
      'os:sent:1',
      'hook:sent:1',
    ]);
    expect(seen).toContain('cross:warning:open');
    expect(seen).toContain('cross:margin-call:open');
    await pipeline.close();
  });

  it('repeats critical until acknowledged; the ack is stored and survives a restart', async () => {
    const { open, clock } = setup();
    const os = recordingChannel('os');
    const db = open();
    const p1 = new AlertPipeline({ db, channels: [os], now: clock.now, utcOffsetMin: () => 0 });
    await p1.evaluate('acc', data(clock, '0.93'));
    clock.advance(3 * MIN);
    await p1.evaluate('acc', data(clock, '0.93'));
    expect(os.received.map((n) => n.reason)).toEqual(['opened', 'repeat']);
    const id = os.received[0]!.alertId;
    expect(p1.acknowledge(id).state).toBe('acknowledged');
    await p1.close();
    db.close();

    const p2 = new AlertPipeline({ db: open(), channels: [os], now: clock.now, utcOffsetMin: () => 0 });
    await p2.ready;
    for (let i = 0; i < 4; i++) {
      clock.advance(3 * MIN);
      await p2.evaluate('acc', data(clock, '0.93'));
    }
    expect(os.received.map((n) => n.reason)).toEqual(['opened', 'repeat']);
    expect(p2.view(id)!.acknowledgedAt).toBe(new Date(T0 + 3 * MIN).toISOString());
    expect(() => p2.acknowledge('nope')).toThrow(/alertId/);
    await p2.close();
  });

  it('after a restart delivers what was pending and re-sends what was in flight, nothing else', async () => {
    const { open, clock } = setup();
    const db = open();
    const down = recordingChannel('os');
    down.failing = true;
    const p1 = new AlertPipeline({
      db,
      channels: [down],
      now: clock.now,
      utcOffsetMin: () => 0,
      deliveryRetry: { baseDelayMs: 60_000 },
    });
    await p1.evaluate('acc', data(clock, '0.85'));
    await p1.close();
    // A second push was claimed ("sending") when the process died.
    const store = new AlertStore(db);
    const [row] = store.allDeliveries();
    expect(row!.status).toBe('pending');
    expect(row!.rounds).toBe(1);
    db.close();

    const up = recordingChannel('os');
    clock.advance(61_000);
    const db2 = open();
    new AlertStore(db2).claim(row!.id, clock.ms); // simulate: crashed right after claiming
    const p2 = new AlertPipeline({ db: db2, channels: [up], now: clock.now, utcOffsetMin: () => 0 });
    await p2.ready;
    expect(up.received.map((n) => n.key)).toEqual([row!.payload.key]);
    const after = new AlertStore(db2).allDeliveries();
    expect(after.map((d) => `${d.status}:${d.attempts}:${d.rounds}`)).toEqual(['sent:5:2']); // 3 in the failed round, 1 cut short by the crash, 1 that got through
    expect(after[0]!.detail).toBe('interrupted in flight; sent again after restart');
    await p2.flush();
    expect(up.received).toHaveLength(1);
    await p2.close();
  });

  it('raises "channel failing" after repeated failures, through the other channels only', async () => {
    const { open, clock } = setup();
    const os = recordingChannel('os');
    const hook = recordingChannel('hook');
    hook.failing = true;
    const db = open();
    const pipeline = new AlertPipeline({
      db,
      channels: [os, hook],
      now: clock.now,
      utcOffsetMin: () => 0,
      deliveryRetry: { maxRounds: 1 },
    });
    for (const r of ['0.75', '0.85', '0.95']) {
      await pipeline.evaluate('acc', data(clock, r));
      clock.advance(1000);
    }
    const system = os.received.filter((n) => n.subject === 'system:channel:hook');
    expect(system).toHaveLength(1);
    expect(system[0]!.body).toContain('3 alerts in a row could not be delivered through hook (hook is down)');
    expect(new AlertStore(db).channelStatus('hook')!.consecutiveFailures).toBe(3);
    const failed = new AlertStore(db).allDeliveries().filter((d) => d.channel === 'hook');
    expect(failed.map((d) => `${d.status}:${d.attempts}`)).toEqual(['failed:3', 'failed:3', 'failed:3']);
    // Recovery closes it.
    hook.failing = false;
    clock.advance(3 * MIN);
    await pipeline.evaluate('acc', data(clock, '0.95'));
    expect(pipeline.list({ state: 'open' }).some((a) => a.subject === 'system:channel:hook')).toBe(false);
    await pipeline.close();
  });

  it('the watchdog raises stale data and monitor blind when the data path goes silent, and after a sleep gap', async () => {
    const { open, clock } = setup();
    const os = recordingChannel('os');
    let mono = 0;
    const pipeline = new AlertPipeline({
      db: open(),
      channels: [os],
      now: clock.now,
      monoNow: () => mono,
      utcOffsetMin: () => 0,
    });
    const settings = alertSettingsSchema.parse({});
    await pipeline.evaluate('acc', data(clock, '0.3'), settings);
    const dog = new Watchdog({
      target: pipeline,
      accountId: 'acc',
      intervalMs: 1000,
      monoNow: () => mono,
      wallNow: clock.now,
    });
    for (let s = 1; s <= 65; s++) {
      mono += 1000;
      clock.advance(1000);
      await dog.beat();
    }
    expect(os.received.map((n) => n.subject).sort()).toEqual(['system:blind', 'system:stale']);
    expect(pipeline.trayState().dataHealthy).toBe(false);
    expect(pipeline.trayState().tooltip).toContain('Data not healthy: acc');
    // Fresh data: both close after the calm minute.
    for (let s = 0; s < 70; s++) {
      mono += 1000;
      clock.advance(1000);
      await pipeline.evaluate('acc', data(clock, '0.3'));
      await dog.beat();
    }
    expect(pipeline.list({ state: 'open' })).toEqual([]);
    expect(pipeline.trayState()).toMatchObject({
      level: 'ok',
      dataHealthy: true,
      tooltip: 'MarginWatch: all clear',
    });
    // Sleep/resume: the wall clock jumps 10 minutes between beats.
    clock.advance(10 * MIN);
    mono += 1000;
    await dog.beat();
    const blind = os.received.filter((n) => n.subject === 'system:blind');
    expect(blind).toHaveLength(2);
    expect(blind[1]!.body).toContain('paused for 10 min');
    expect(blind[1]!.urgency).toBe('critical');
    await dog.stop();
    await pipeline.close();
  });

  it('setChannels: new pushes go to the new set; pending deliveries for a removed channel fail by name', async () => {
    const { open, clock } = setup();
    const db = open();
    const old = recordingChannel('old');
    old.failing = true;
    const pipeline = new AlertPipeline({ db, channels: [old], now: clock.now, utcOffsetMin: () => 0 });
    await pipeline.evaluate('acc', data(clock, '0.75'));
    const fresh = recordingChannel('new');
    pipeline.setChannels([fresh]);
    expect(pipeline.channelIds()).toEqual(['new']);
    clock.advance(60_000);
    await pipeline.flush();
    await pipeline.evaluate('acc', data(clock, '0.85'));
    expect(fresh.received.map((n) => n.level)).toEqual(['margin-call']);
    const rows = new AlertStore(db).allDeliveries();
    expect(rows.map((r) => `${r.channel}:${r.status}:${r.detail}`)).toEqual([
      'old:failed:channel "old" is no longer configured',
      'new:sent:null',
    ]);
    expect(() => pipeline.setChannels([fresh, fresh])).toThrow(/share the id/);
    await pipeline.close();
  });

  it('a hanging channel does not stall evaluate(); the others deliver, close() waits for it', async () => {
    const { open, clock } = setup();
    const os = recordingChannel('os');
    let release: () => void = () => undefined;
    const hanging = {
      id: 'hook',
      send: () => new Promise<{ ok: boolean }>((resolve) => (release = () => resolve({ ok: true }))),
    };
    const db = open();
    const pipeline = new AlertPipeline({
      db,
      channels: [hanging, os],
      now: clock.now,
      utcOffsetMin: () => 0,
      awaitDeliveryMs: 50,
    });
    const t0 = performance.now();
    await pipeline.evaluate('acc', data(clock, '0.85'));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(os.received.map((n) => n.level)).toEqual(['margin-call']);
    const closing = pipeline.close();
    let closed = false;
    void closing.then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(new AlertStore(db).allDeliveries().map((d) => `${d.channel}:${d.status}`)).toEqual([
      'hook:sent',
      'os:sent',
    ]);
  });

  it('keeps repeating an unacknowledged critical alert from watchdog beats when ticks stop', async () => {
    const { open, clock } = setup();
    const os = recordingChannel('os');
    let mono = 0;
    const pipeline = new AlertPipeline({
      db: open(),
      channels: [os],
      now: clock.now,
      monoNow: () => mono,
      utcOffsetMin: () => 0,
    });
    await pipeline.evaluate('acc', data(clock, '0.95'));
    const dog = new Watchdog({
      target: pipeline,
      accountId: 'acc',
      intervalMs: 1000,
      monoNow: () => mono,
      wallNow: clock.now,
    });
    for (let s = 1; s <= 7 * 60; s++) {
      mono += 1000;
      clock.advance(1000);
      await dog.beat();
    }
    const account = os.received.filter((n) => n.subject === 'cross').map((n) => n.reason);
    expect(account).toEqual(['opened', 'repeat', 'repeat']);
    // ... and says it is blind meanwhile: critical (the account is at critical), so it repeats too.
    const stale = os.received.filter((n) => n.subject === 'system:stale');
    expect(stale.map((n) => `${n.level}:${n.reason}`)).toEqual([
      'critical:opened',
      'critical:repeat',
      'critical:repeat',
    ]);
    await dog.stop();
    await pipeline.close();
  });

  it('a send that never answers fails after sendTimeoutMs and is retried under the same key', async () => {
    const { open, clock } = setup();
    const db = open();
    let calls = 0;
    const keys: string[] = [];
    const flaky = {
      id: 'hook',
      send: (n: { key: string }) => {
        calls++;
        keys.push(n.key);
        return calls === 1 ? new Promise<{ ok: boolean }>(() => undefined) : Promise.resolve({ ok: true });
      },
    };
    const pipeline = new AlertPipeline({
      db,
      channels: [flaky],
      now: clock.now,
      utcOffsetMin: () => 0,
      sendTimeoutMs: 30,
      awaitDeliveryMs: Infinity,
      deliveryRetry: { baseDelayMs: 1000 },
    });
    await pipeline.evaluate('acc', data(clock, '0.85'));
    const [row] = new AlertStore(db).allDeliveries();
    expect(`${row!.status}:${row!.detail}`).toBe('pending:no answer within 30 ms');
    clock.advance(1000);
    await pipeline.flush();
    expect(new AlertStore(db).allDeliveries().map((d) => `${d.status}:${d.attempts}`)).toEqual(['sent:2']);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
    await pipeline.close();
  });

  it('tray shows the worst open level first', async () => {
    const { open, clock } = setup();
    const pipeline = new AlertPipeline({ db: open(), channels: [], now: clock.now, utcOffsetMin: () => 0 });
    await pipeline.evaluate('a', data(clock, '0.75'));
    await pipeline.evaluate('b', data(clock, '0.85'));
    const tray = pipeline.trayState();
    expect(tray.level).toBe('margin-call');
    expect(tray.openAlerts.map((a) => `${a.accountId}:${a.level}`)).toEqual(['b:margin-call', 'a:warning']);
    expect(tray.tooltip).toBe(
      'MarginWatch: Margin call (Margin call: Main cross book 8.00% from liquidation), 2 open alerts',
    );
    const snoozed = pipeline.snooze(tray.openAlerts[0]!.id, 30);
    expect(snoozed.state).toBe('snoozed');
    expect(pipeline.list({ state: 'snoozed' }).map((a) => a.accountId)).toEqual(['b']);
    await pipeline.close();
  });
});
