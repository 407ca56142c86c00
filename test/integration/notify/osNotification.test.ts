// A real OS notification: the demo account crosses alert levels, the pipeline's OS channel runs
// node-notifier → notify-send, and the Notify call arrives at a real notification server (dunst)
// on a private D-Bus session bus, where dbus-monitor records it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startNotificationBus, type NotificationBus } from '../../helpers/dbusNotifications';
import { osNotificationChannel, detectOsNotificationBackend } from '../../../src/notify/osNotification';
import type { OutgoingNotification } from '../../../src/notify/types';
import { AlertPipeline } from '../../../src/service/alerts';
import { openDatabase } from '../../../src/store/db';
import { DemoVenueSession } from '../../../src/venues/demo/session';
import { computeMarginReport } from '../../../src/domain/margin';
import type { MarginReport } from '../../../src/domain/contracts';
import type { VenueHealth } from '../../../src/venues/types';
import { tempDir } from '../alerts/helpers';
import { alertSettingsSchema } from '../../../src/domain/alerts/settings';
import { checkSystemTools } from '../../support/systemTools';

// A cautious trader's thresholds (every level is configurable per account): warnings start just
// above the ratio the demo account opens at, so the crash tape crosses warning before critical
// whatever the demo's exact tuning.
function cautious(openingRatio: number) {
  const r = Math.min(openingRatio, 0.6);
  return alertSettingsSchema.parse({
    levels: {
      watch: { marginRatio: r + 0.005, distance: null },
      warning: { marginRatio: r + 0.01, distance: null },
      'margin-call': { marginRatio: r + 0.1, distance: null },
      critical: { marginRatio: 0.9, distance: 0.002 },
    },
  });
}

const repoRoot = resolve(__dirname, '../../..');
const resourcesDir = join(repoRoot, 'resources');
const tools = checkSystemTools('OS notification through D-Bus', ['dbusDaemon', 'dbusMonitor', 'dbusSend', 'xvfb', 'dunst', 'notifySend']);

describe('OS notification without a backend', () => {
  it('reports a missing backend once instead of failing silently', async () => {
    // notify-send present (a stand-in that always fails), no session bus: independent of this machine.
    const bin = tempDir('mw-notify-bin-');
    writeFileSync(join(bin.dir, 'notify-send'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const reported: string[] = [];
    const channel = osNotificationChannel({
      env: { PATH: bin.dir },
      platform: 'linux',
      onUnavailable: (d) => reported.push(d),
    });
    expect(channel.status()).toEqual({
      available: false,
      detail: expect.stringContaining('no D-Bus session bus'),
    });
    expect(channel.accepts!({ title: 't', body: 'b' } as OutgoingNotification)).toBe(false);
    const r = await channel.send({ title: 't', body: 'b' } as OutgoingNotification);
    expect(r.ok).toBe(false);
    await channel.send({ title: 't', body: 'b' } as OutgoingNotification);
    expect(reported).toHaveLength(1);
    expect(detectOsNotificationBackend({ PATH: '' }, 'linux').detail).toContain('notify-send not found');
    bin.cleanup();
  });
});

describe.skipIf(tools.skip)('OS notification through D-Bus', () => {
  let bus: NotificationBus;
  beforeAll(async () => {
    bus = await startNotificationBus();
  }, 30_000);
  afterAll(async () => {
    await bus?.stop();
  });

  it('a server that goes away counts as a failure, and the channel recovers when it is back', async () => {
    const down = osNotificationChannel({
      env: { ...process.env, ...bus.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
    });
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/bus';
    try {
      const n = {
        title: 'Test',
        body: 'body',
        urgency: 'normal',
        kind: 'level',
        key: 'k#1',
      } as OutgoingNotification;
      const failed = await down.send(n);
      expect(failed.ok).toBe(false);
      expect(down.status().available).toBe(false);
      process.env.DBUS_SESSION_BUS_ADDRESS = bus.env.DBUS_SESSION_BUS_ADDRESS;
      expect((await down.send(n)).ok).toBe(true);
      expect(down.status()).toEqual({ available: true, detail: null });
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    }
  });

  it('the demo account crossing levels produces real Notify calls with summary, body and urgency', async () => {
    // node-notifier spawns notify-send with this process's environment.
    const saved = { bus: process.env.DBUS_SESSION_BUS_ADDRESS, display: process.env.DISPLAY };
    const earlier = bus.calls().length; // calls made by the other tests on this bus
    Object.assign(process.env, bus.env);
    const tmp = tempDir();
    const db = openDatabase(join(tmp.dir, 'mw.sqlite'));
    const sent: OutgoingNotification[] = [];
    const os = osNotificationChannel({ env: process.env, iconPath: join(resourcesDir, 'icons', 'icon.png') });
    expect(os.status()).toEqual({ available: true, detail: null });
    const recordingOs = { ...os, send: async (n: OutgoingNotification) => (sent.push(n), os.send(n)) };

    let clock = Date.parse('2026-03-02T12:00:00.000Z');
    let tickFn: (() => void) | null = null;
    const demo = new DemoVenueSession({
      accountId: 'demo',
      resourcesDir,
      speed: 30,
      tickMs: 2000,
      now: () => clock,
      timers: { setInterval: (fn) => ((tickFn = fn), 1), clearInterval: () => undefined },
    });
    const pipeline = new AlertPipeline({
      db,
      channels: [recordingOs],
      now: () => clock,
      utcOffsetMin: () => 0,
    });
    let reportNow: MarginReport | null = null;
    let settings: ReturnType<typeof cautious> | undefined;
    let health: VenueHealth = { state: 'connecting', dataAsOf: null, lastError: null };
    try {
      await demo.start({
        onSnapshot: (s) => (reportNow = computeMarginReport(s)),
        onHealth: (h) => (health = h),
      });
      // One market minute per tick; stop once both a normal and a critical push went out (≤ 6 market hours).
      const both = () =>
        sent.some((n) => n.urgency === 'critical') && sent.some((n) => n.urgency === 'normal');
      for (let i = 0; i < 360 && !both(); i++) {
        clock += 2000;
        tickFn!();
        settings ??= cautious(Number(reportNow!.account.marginRatio));
        await pipeline.evaluate(
          'demo',
          { report: reportNow, forecast: null, health, accountName: 'Demo' },
          settings,
        );
      }
      await demo.stop();
      await pipeline.idle();
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(sent.some((n) => n.urgency === 'normal')).toBe(true);
      expect(sent.some((n) => n.urgency === 'critical')).toBe(true);

      const calls = (await bus.waitForCalls(earlier + sent.length)).slice(earlier);
      expect(calls).toHaveLength(sent.length);
      calls.forEach((call, i) => {
        const n = sent[i]!;
        expect(call.appName).toBe('MarginWatch');
        expect(call.summary).toBe(n.title);
        expect(call.body).toBe(n.body);
        expect(call.urgency).toBe(n.urgency === 'critical' ? 2 : 1);
        expect(call.icon).toBe(join(resourcesDir, 'icons', 'icon.png'));
      });
      // The numbers that matter are in the body the server received.
      expect(
        calls.some(
          (c) => /Margin ratio \d+\.\d%/.test(c.body) && /Liquidation at [\d.]+, \d+\.\d\d% away/.test(c.body),
        ),
      ).toBe(true);
      const views = pipeline.list({ state: 'all' });
      expect(views.flatMap((v) => v.deliveries).filter((d) => d.status !== 'sent')).toEqual([]);
    } finally {
      await pipeline.close();
      db.close();
      tmp.cleanup();
      process.env.DBUS_SESSION_BUS_ADDRESS = saved.bus;
      process.env.DISPLAY = saved.display;
      if (saved.bus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      if (saved.display === undefined) delete process.env.DISPLAY;
    }
  });
});
