import { describe, expect, it } from 'vitest';
import {
  inQuietHours,
  acknowledgeEpisode,
  alertSettingsSchema,
  retiredSettingIn,
  DEFAULT_ALERT_SETTINGS,
  reduceAlerts,
  snoozeEpisode,
  type AlertInput,
  type AlertsState,
  type AlertSettings,
  type NotificationIntent,
} from '../../../src/domain/alerts';
import type { VenueHealth } from '../../../src/venues/types';
import type { AccountForecast } from '../../../src/domain/forecast/types';
import type { MarginReport } from '../../../src/domain/contracts';
import { liveHealth, MIN, position, report, T0 } from './fixtures';

interface Step {
  atMin: number;
  ratio?: string | null;
  report?: MarginReport | null;
  health?: VenueHealth;
  forecast?: AccountForecast | null;
  ack?: 'account' | string;
  snoozeMin?: number;
}

/** Runs a scripted timeline through the reducer, returning every push with its minute. */
function run(
  steps: Step[],
  settings: AlertSettings = DEFAULT_ALERT_SETTINGS,
  start: AlertsState | null = null,
  utcOffsetMin = 0,
) {
  let state = start;
  const pushes: (NotificationIntent & { minute: number })[] = [];
  for (const step of steps) {
    const nowMs = T0 + step.atMin * MIN;
    if (state && step.ack) {
      const ep = state.open[step.ack];
      if (ep) state = acknowledgeEpisode(state, ep.id, nowMs).state;
    }
    if (state && step.snoozeMin) {
      const ep = state.open['cross'];
      if (ep) state = snoozeEpisode(state, ep.id, nowMs + step.snoozeMin * MIN, nowMs).state;
    }
    const input: AlertInput = {
      accountId: 'acc',
      report:
        step.report !== undefined
          ? step.report
          : step.ratio === undefined
            ? report('0.1')
            : step.ratio === null
              ? null
              : report(step.ratio),
      forecast: step.forecast ?? null,
      health: step.health ?? liveHealth(nowMs),
      settings,
      nowMs,
      utcOffsetMin,
    };
    const result = reduceAlerts(state, input);
    state = result.state;
    for (const e of result.effects)
      if (e.type === 'notify') pushes.push({ ...e.notification, minute: step.atMin });
  }
  return { state: state!, pushes };
}

const summary = (p: { minute: number; subject: string; level: string; reason: string }[]) =>
  p.map((x) => `${x.minute}:${x.subject}:${x.level}:${x.reason}`);

describe('alert reducer — levels and episodes', () => {
  it('pushes once per episode while the level holds, whatever the tick rate', () => {
    const steps: Step[] = [{ atMin: 0, ratio: '0.3' }];
    for (let i = 1; i <= 60; i++) steps.push({ atMin: i * 0.1, ratio: (0.72 + (i % 5) * 0.01).toFixed(2) });
    const { pushes, state } = run(steps);
    expect(summary(pushes)).toEqual(['0.1:cross:warning:opened']);
    expect(Object.keys(state.open)).toEqual(['cross']);
  });

  it('escalates immediately when worse and pushes each new level once', () => {
    const { pushes } = run([
      { atMin: 0, ratio: '0.72' },
      { atMin: 1, ratio: '0.81' },
      { atMin: 1.1, ratio: '0.78' }, // inside the band: still margin call, no push
      { atMin: 1.2, ratio: '0.83' },
      { atMin: 2, ratio: '0.92' },
    ]);
    expect(summary(pushes)).toEqual([
      '0:cross:warning:opened',
      '1:cross:margin-call:escalated',
      '2:cross:critical:escalated',
    ]);
    expect(pushes[2]!.urgency).toBe('critical');
    expect(pushes[2]!.sound).toBe(true);
    expect(pushes[0]!.urgency).toBe('normal');
    // Same episode, increasing push sequence in the idempotency key.
    expect(new Set(pushes.map((p) => p.alertId)).size).toBe(1);
    expect(pushes.map((p) => p.key.split('#')[1])).toEqual(['1', '2', '3']);
  });

  it('does not push below pushFrom but still tracks the episode', () => {
    const { pushes, state } = run([{ atMin: 0, ratio: '0.55' }]);
    expect(pushes).toEqual([]);
    expect(state.open['cross']?.level).toBe('watch');
  });

  it('closes only after the ratio has stayed below the release band for the calm time', () => {
    const { pushes, state } = run([
      { atMin: 0, ratio: '0.75' },
      { atMin: 1, ratio: '0.68' }, // below 0.7 but inside the 0.05 band: holds warning
      { atMin: 5, ratio: '0.66' },
      { atMin: 6, ratio: '0.64' }, // below 0.65: calm starts (watch level holds)
      { atMin: 7, ratio: '0.76' }, // back up: calm resets, same level → no push
      { atMin: 8, ratio: '0.3' },
      { atMin: 9, ratio: '0.3' }, // calm only 1 min
    ]);
    expect(summary(pushes)).toEqual(['0:cross:warning:opened']);
    expect(state.open['cross']?.level).toBe('warning');
    const later = run([{ atMin: 10, ratio: '0.3' }], DEFAULT_ALERT_SETTINGS, state);
    expect(later.state.open['cross']).toBeUndefined();
    // A new danger after closing is a new episode with a new push.
    const again = run([{ atMin: 20, ratio: '0.74' }], DEFAULT_ALERT_SETTINGS, later.state);
    expect(summary(again.pushes)).toEqual(['20:cross:warning:opened']);
    expect(again.pushes[0]!.alertId).not.toBe(pushes[0]!.alertId);
  });

  it('steps down through the levels with hysteresis and does not re-push a level already pushed', () => {
    const { pushes, state } = run([
      { atMin: 0, ratio: '0.85' },
      { atMin: 1, ratio: '0.72' },
      { atMin: 4, ratio: '0.72' }, // calm for 3 min → down to warning (already implied by the margin-call push)
      { atMin: 5, ratio: '0.82' }, // back to margin call inside the same episode: already pushed
    ]);
    expect(summary(pushes)).toEqual(['0:cross:margin-call:opened']);
    expect(state.open['cross']?.level).toBe('margin-call');
  });

  it('repeats critical every few minutes until acknowledged, then stops; a new danger needs a new ack', () => {
    const steps: Step[] = [];
    for (let m = 0; m <= 10; m++)
      steps.push({ atMin: m, ratio: '0.93', ...(m === 7 ? { ack: 'cross' } : {}) });
    const { pushes, state } = run(steps);
    expect(summary(pushes)).toEqual([
      '0:cross:critical:opened',
      '3:cross:critical:repeat',
      '6:cross:critical:repeat',
    ]);
    expect(state.open['cross']?.acknowledgedAtMs).toBe(T0 + 7 * MIN);
    // Acknowledged at margin call, then critical: pushed and repeated again.
    const second = run([
      { atMin: 0, ratio: '0.85' },
      { atMin: 1, ratio: '0.85', ack: 'cross' },
      { atMin: 2, ratio: '0.95' },
      { atMin: 5, ratio: '0.95' },
    ]);
    expect(summary(second.pushes)).toEqual([
      '0:cross:margin-call:opened',
      '2:cross:critical:escalated',
      '5:cross:critical:repeat',
    ]);
  });

  it('does not repeat a critical episode while the danger is only held there by the release band', () => {
    // 0.93 is critical; 0.87 is a margin call that the release band (0.05) still holds at critical.
    const { pushes, state } = run([
      { atMin: 0, ratio: '0.93' },
      { atMin: 3, ratio: '0.87' },
      { atMin: 6, ratio: '0.87' },
      { atMin: 7, ratio: '0.93' }, // critical again, 7 min after the last push: repeat at once
      { atMin: 8, ratio: '0.93' },
    ]);
    expect(summary(pushes)).toEqual(['0:cross:critical:opened', '7:cross:critical:repeat']);
    expect(state.open['cross']?.level).toBe('critical');
    expect(pushes.at(-1)!.title).toMatch(/^Liquidation imminent/);
  });

  it('a wall clock set back does not silence critical repeats or stretch the calm time', () => {
    const { pushes } = run([
      { atMin: 60, ratio: '0.93' },
      { atMin: 1, ratio: '0.93' }, // clock jumped back 59 min: repeat now, not in an hour
      { atMin: 2, ratio: '0.93' },
      { atMin: 4, ratio: '0.93' },
    ]);
    expect(summary(pushes)).toEqual([
      '60:cross:critical:opened',
      '1:cross:critical:repeat',
      '4:cross:critical:repeat',
    ]);
    const calm = run([
      { atMin: 60, ratio: '0.75' },
      { atMin: 61, ratio: '0.3' }, // calm starts at 61
      { atMin: 1, ratio: '0.3' }, // clock back: calm restarts at 1
      { atMin: 3, ratio: '0.3' }, // 2 min calm → closed
    ]);
    expect(calm.state.open['cross']).toBeUndefined();
  });

  it('snooze silences repeats and same-level pushes, but a worse level breaks through', () => {
    const { pushes } = run([
      { atMin: 0, ratio: '0.93' },
      { atMin: 1, ratio: '0.93', snoozeMin: 10 },
      { atMin: 4, ratio: '0.93' },
      { atMin: 8, ratio: '0.93' },
      { atMin: 11, ratio: '0.93' }, // snooze over, 11 min since the last push
    ]);
    expect(summary(pushes)).toEqual(['0:cross:critical:opened', '11:cross:critical:repeat']);
    const broken = run([
      { atMin: 0, ratio: '0.75' },
      { atMin: 1, ratio: '0.75', snoozeMin: 60 },
      { atMin: 2, ratio: '0.84' },
    ]);
    expect(summary(broken.pushes)).toEqual(['0:cross:warning:opened', '2:cross:margin-call:escalated']);
  });

  it('quiet hours defer non-critical pushes until they end, never critical ones', () => {
    const quiet = alertSettingsSchema.parse({ quietHours: { enabled: true, start: '11:00', end: '13:00' } });
    // T0 is 12:00 UTC; with offset 0 we are inside quiet hours until 13:00 (60 min later).
    const { pushes } = run(
      [
        { atMin: 0, ratio: '0.75' },
        { atMin: 30, ratio: '0.82' },
        { atMin: 40, ratio: '0.95' }, // critical: pushes at once
        { atMin: 41, ratio: '0.75' },
      ],
      quiet,
    );
    // First push of the episode, so 'opened' although the episode began at warning.
    expect(summary(pushes)).toEqual(['40:cross:critical:opened']);
    const after = run(
      [
        { atMin: 0, ratio: '0.75' },
        { atMin: 59, ratio: '0.75' },
        { atMin: 60, ratio: '0.75' }, // 13:00: quiet hours over, still open → pushed now
      ],
      quiet,
    );
    expect(summary(after.pushes)).toEqual(['60:cross:warning:opened']);
    // The time zone offset moves the window: at UTC+3 it is 15:00, outside quiet hours.
    expect(summary(run([{ atMin: 0, ratio: '0.75' }], quiet, null, 180).pushes)).toEqual([
      '0:cross:warning:opened',
    ]);
  });

  it('closes a position episode at once when the position is gone', () => {
    const iso = position({
      marginMode: 'isolated',
      maintenanceRate: '0.005',
      distanceToLiquidation: '-0.001',
    });
    const { state } = run([
      { atMin: 0, report: report('0.1', [iso]) },
      { atMin: 1, report: report('0.1', []) },
    ]);
    expect(Object.keys(state.open)).toEqual([]);
  });
});

describe('alert reducer — system alerts', () => {
  const at = (m: number) => new Date(T0 + m * MIN).toISOString();

  it('raises stale data when a "live" stream silently stops advancing, with a tighter limit at high risk', () => {
    // Stream claims live but dataAsOf froze at minute 0.
    const frozen = (state: VenueHealth['state'] = 'live'): VenueHealth => ({
      state,
      dataAsOf: at(0),
      lastError: null,
    });
    const calm = run([
      { atMin: 0, ratio: '0.3', health: frozen() },
      { atMin: 0.5, ratio: '0.3', health: frozen() }, // 30 s: fine at low risk (limit 60 s)
      { atMin: 1.1, ratio: '0.3', health: frozen() },
    ]);
    expect(summary(calm.pushes)).toEqual(['1.1:system:stale:warning:opened']);
    expect(calm.pushes[0]!.urgency).toBe('critical'); // blind: the monitor cannot see the account
    const risky = run([
      { atMin: 0, ratio: '0.75', health: frozen() },
      { atMin: 0.2, ratio: '0.75', health: frozen() }, // 12 s
      { atMin: 0.3, ratio: '0.75', health: frozen() }, // 18 s > 15 s high-risk limit
    ]);
    expect(summary(risky.pushes)).toEqual(['0:cross:warning:opened', '0.3:system:stale:critical:opened']);
    expect(risky.pushes[1]!.body).toContain('Newest data is 18 s old');
    // Fresh data closes it after the calm minute.
    const recovered = run(
      [
        { atMin: 1, ratio: '0.75' },
        { atMin: 2.1, ratio: '0.75' },
      ],
      DEFAULT_ALERT_SETTINGS,
      risky.state,
    );
    expect(recovered.state.open['system:stale']).toBeUndefined();
  });

  it('quiet hours never silence a blind alert', () => {
    const quiet = alertSettingsSchema.parse({ quietHours: { enabled: true, start: '00:00', end: '23:59' } });
    const { pushes } = run(
      [{ atMin: 0, ratio: '0.3', health: { state: 'stale', dataAsOf: at(0), lastError: null } }],
      quiet,
    );
    expect(summary(pushes)).toEqual(['0:system:stale:warning:opened']);
  });

  it('raises unreachable only after the grace period, key rejection and clock skew at once', () => {
    const down: VenueHealth = {
      state: 'error',
      dataAsOf: null,
      lastError: { code: 'network', message: 'Connection refused.' },
    };
    const { pushes } = run([
      { atMin: 0, ratio: '0.3' },
      { atMin: 0.1, ratio: '0.3', health: { ...down, dataAsOf: at(0.1) } },
      { atMin: 0.5, ratio: '0.3', health: { ...down, dataAsOf: at(0.5) } },
      { atMin: 0.7, ratio: '0.3', health: { ...down, dataAsOf: at(0.7) } },
    ]);
    expect(summary(pushes)).toEqual(['0.7:system:unreachable:warning:opened']);
    const key = run([
      {
        atMin: 0,
        ratio: null,
        health: {
          state: 'error',
          dataAsOf: at(0),
          lastError: { code: 'invalid-key', message: 'API key rejected.' },
        },
      },
    ]);
    expect(summary(key.pushes)).toEqual(['0:system:key:critical:opened']);
    const skew = run([
      { atMin: 0, ratio: '0.3', health: { state: 'live', dataAsOf: at(0.5), lastError: null } },
    ]);
    expect(summary(skew.pushes)).toEqual(['0:system:clock-skew:warning:opened']);
  });

  it('raises an engine-vs-exchange discrepancy beyond the tolerance only', () => {
    const within = position({
      discrepancy: { field: 'liquidationPrice', ours: '55000', venue: '55100', relative: '0.0018' },
    });
    expect(run([{ atMin: 0, report: report('0.3', [within]) }]).pushes).toEqual([]);
    const off = position({
      discrepancy: { field: 'liquidationPrice', ours: '55000', venue: '57000', relative: '-0.035' },
    });
    const { pushes } = run([{ atMin: 0, report: report('0.3', [off]) }]);
    expect(summary(pushes)).toEqual(['0:system:discrepancy:BTCUSDT:both:warning:opened']);
    expect(pushes[0]!.body).toContain('ours 55000, exchange 57000 (-3.50% apart)');
  });

  it('raises monitor blind from the watchdog status and a stopped account raises nothing', () => {
    let state: AlertsState | null = null;
    const input = (m: number, monitor: AlertInput['monitor'], health?: VenueHealth): AlertInput => ({
      accountId: 'acc',
      report: report('0.3'),
      forecast: null,
      health: health ?? liveHealth(T0 + m * MIN),
      settings: DEFAULT_ALERT_SETTINGS,
      nowMs: T0 + m * MIN,
      ...(monitor ? { monitor } : {}),
    });
    const r1 = reduceAlerts(state, input(0, { silentMs: 0, resumedAfterGapMs: 5 * MIN }));
    state = r1.state;
    expect(
      r1.effects.filter((e) => e.type === 'notify').map((e) => e.type === 'notify' && e.notification.subject),
    ).toEqual(['system:blind']);
    const r2 = reduceAlerts(null, input(0, undefined, { state: 'stopped', dataAsOf: null, lastError: null }));
    const r3 = reduceAlerts(
      r2.state,
      input(10, undefined, { state: 'stopped', dataAsOf: null, lastError: null }),
    );
    expect(r3.effects.filter((e) => e.type === 'notify')).toEqual([]);
  });
});

describe('alert reducer — restart resumption', () => {
  it('continues from persisted (JSON round-tripped) state exactly as if never stopped', () => {
    const steps: Step[] = [];
    const ratios = [
      0.3, 0.72, 0.75, 0.83, 0.91, 0.95, 0.93, 0.92, 0.85, 0.7, 0.6, 0.5, 0.3, 0.3, 0.3, 0.3, 0.8, 0.93, 0.93,
      0.93,
    ];
    ratios.forEach((r, i) => steps.push({ atMin: i, ratio: r.toFixed(2) }));
    const whole = run(steps);
    for (const cut of [3, 7, 12, 17]) {
      const first = run(steps.slice(0, cut));
      const resumedState = JSON.parse(JSON.stringify(first.state)) as AlertsState;
      const second = run(steps.slice(cut), DEFAULT_ALERT_SETTINGS, resumedState);
      expect([...first.pushes, ...second.pushes].map((p) => p.key)).toEqual(whole.pushes.map((p) => p.key));
    }
    expect(whole.pushes.length).toBeGreaterThan(4);
  });

  it('is idempotent when the same input is replayed at the same time', () => {
    const first = run([{ atMin: 0, ratio: '0.93' }]);
    const replay = run([{ atMin: 0, ratio: '0.93' }], DEFAULT_ALERT_SETTINGS, first.state);
    expect(replay.pushes).toEqual([]);
  });
});

describe('quiet hours', () => {
  const q = (start: string, end: string) => ({ enabled: true, start, end });
  const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00.000Z`);
  it('handles windows within a day, across midnight, the UTC offset and the empty window', () => {
    expect(inQuietHours(at('12:30'), 0, q('12:00', '13:00'))).toBe(true);
    expect(inQuietHours(at('13:00'), 0, q('12:00', '13:00'))).toBe(false);
    expect(inQuietHours(at('23:30'), 0, q('22:00', '07:00'))).toBe(true);
    expect(inQuietHours(at('06:59'), 0, q('22:00', '07:00'))).toBe(true);
    expect(inQuietHours(at('07:00'), 0, q('22:00', '07:00'))).toBe(false);
    expect(inQuietHours(at('20:30'), 120, q('22:00', '07:00'))).toBe(true); // 22:30 local
    expect(inQuietHours(at('00:30'), -60, q('22:00', '07:00'))).toBe(true); // 23:30 the day before
    expect(inQuietHours(at('12:00'), 0, q('08:00', '08:00'))).toBe(false);
    expect(inQuietHours(at('12:30'), 0, { ...q('12:00', '13:00'), enabled: false })).toBe(false);
  });
});

describe('alert settings', () => {
  it('rejects danger thresholds that do not worsen with the level, naming the field', () => {
    const r = alertSettingsSchema.safeParse({
      danger: {
        ...DEFAULT_ALERT_SETTINGS.danger,
        marginRatio: { watch: 0.5, warning: 0.9, 'margin-call': 0.8, critical: 0.95 },
      },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['danger', 'marginRatio', 'margin-call']);
    expect(alertSettingsSchema.safeParse({ pushFrom: 'loud' }).success).toBe(false);
    expect(DEFAULT_ALERT_SETTINGS.danger.marginRatio['margin-call']).toBe(0.8);
  });

  it('moves a stored legacy ratio table into the danger policy once, and drops it wherever it stands', () => {
    const legacy = {
      watch: { marginRatio: 0.4, distance: null },
      warning: { marginRatio: 0.6, distance: null },
      'margin-call': { marginRatio: 0.75, distance: null },
      critical: { marginRatio: null, distance: 0.005 },
    };
    // Stored before the danger policy existed: the trader's ratios become the policy's ratio column.
    const upgraded = alertSettingsSchema.parse({ levels: legacy, pushFrom: 'watch' });
    expect(upgraded.danger.marginRatio).toEqual({
      watch: 0.4,
      warning: 0.6,
      'margin-call': 0.75,
      critical: null,
    });
    expect(upgraded.danger.sigmaDistance1h).toEqual(DEFAULT_ALERT_SETTINGS.danger.sigmaDistance1h);
    expect(upgraded.pushFrom).toBe('watch');
    expect('levels' in upgraded).toBe(false);
    // Stored next to a danger policy (it never decided anything then): the policy stands as it is.
    const both = alertSettingsSchema.parse({ levels: legacy, danger: DEFAULT_ALERT_SETTINGS.danger });
    expect(both.danger).toEqual(DEFAULT_ALERT_SETTINGS.danger);
    expect('levels' in both).toBe(false);
    // The other retired settings (release margins of the old table, the separate predictive alert's
    // thresholds) are dropped too, and what still acts is kept.
    const stored = alertSettingsSchema.parse({
      hysteresis: {
        marginRatio: 0.05,
        distanceFactor: 1.5,
        levelCalmMin: 4,
        predictiveCalmMin: 30,
        systemCalmMin: 1,
      },
      predictive: { enabled: false, level: 0.8, p1h: 0.3, p15m: 0.2 },
    });
    expect(stored.hysteresis).toEqual({ levelCalmMin: 4, systemCalmMin: 1 });
    expect(stored.predictive).toEqual({ enabled: false });
    expect(retiredSettingIn({ predictive: { p15m: 0.1 } })).toBe('predictive.p15m');
    expect(retiredSettingIn({ levels: {} })).toBe('levels');
    expect(retiredSettingIn({ predictive: { enabled: true }, hysteresis: { levelCalmMin: 3 } })).toBeNull();
    // A legacy table the policy cannot hold (not increasing) gives the shipped policy, not a failed load.
    const odd = { ...legacy, warning: { marginRatio: 0.3, distance: null } };
    expect(alertSettingsSchema.parse({ levels: odd }).danger).toEqual(DEFAULT_ALERT_SETTINGS.danger);
  });
});
