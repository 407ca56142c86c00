import { describe, expect, it } from 'vitest';
import {
  inQuietHours,
  acknowledgeEpisode,
  alertSettingsSchema,
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
import { forecast, liveHealth, MIN, position, report, T0 } from './fixtures';

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
      const ep = state.open['account'];
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
    expect(summary(pushes)).toEqual(['0.1:account:warning:opened']);
    expect(Object.keys(state.open)).toEqual(['account']);
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
      '0:account:warning:opened',
      '1:account:margin-call:escalated',
      '2:account:critical:escalated',
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
    expect(state.open['account']?.level).toBe('watch');
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
    expect(summary(pushes)).toEqual(['0:account:warning:opened']);
    expect(state.open['account']?.level).toBe('warning');
    const later = run([{ atMin: 10, ratio: '0.3' }], DEFAULT_ALERT_SETTINGS, state);
    expect(later.state.open['account']).toBeUndefined();
    // A new danger after closing is a new episode with a new push.
    const again = run([{ atMin: 20, ratio: '0.74' }], DEFAULT_ALERT_SETTINGS, later.state);
    expect(summary(again.pushes)).toEqual(['20:account:warning:opened']);
    expect(again.pushes[0]!.alertId).not.toBe(pushes[0]!.alertId);
  });

  it('steps down through the levels with hysteresis and does not re-push a level already pushed', () => {
    const { pushes, state } = run([
      { atMin: 0, ratio: '0.85' },
      { atMin: 1, ratio: '0.72' },
      { atMin: 4, ratio: '0.72' }, // calm for 3 min → down to warning (already implied by the margin-call push)
      { atMin: 5, ratio: '0.82' }, // back to margin call inside the same episode: already pushed
    ]);
    expect(summary(pushes)).toEqual(['0:account:margin-call:opened']);
    expect(state.open['account']?.level).toBe('margin-call');
  });

  it('repeats critical every few minutes until acknowledged, then stops; a new danger needs a new ack', () => {
    const steps: Step[] = [];
    for (let m = 0; m <= 10; m++)
      steps.push({ atMin: m, ratio: '0.93', ...(m === 7 ? { ack: 'account' } : {}) });
    const { pushes, state } = run(steps);
    expect(summary(pushes)).toEqual([
      '0:account:critical:opened',
      '3:account:critical:repeat',
      '6:account:critical:repeat',
    ]);
    expect(state.open['account']?.acknowledgedAtMs).toBe(T0 + 7 * MIN);
    // Acknowledged at margin call, then critical: pushed and repeated again.
    const second = run([
      { atMin: 0, ratio: '0.85' },
      { atMin: 1, ratio: '0.85', ack: 'account' },
      { atMin: 2, ratio: '0.95' },
      { atMin: 5, ratio: '0.95' },
    ]);
    expect(summary(second.pushes)).toEqual([
      '0:account:margin-call:opened',
      '2:account:critical:escalated',
      '5:account:critical:repeat',
    ]);
  });

  it('a wall clock set back does not silence critical repeats or stretch the calm time', () => {
    const { pushes } = run([
      { atMin: 60, ratio: '0.93' },
      { atMin: 1, ratio: '0.93' }, // clock jumped back 59 min: repeat now, not in an hour
      { atMin: 2, ratio: '0.93' },
      { atMin: 4, ratio: '0.93' },
    ]);
    expect(summary(pushes)).toEqual([
      '60:account:critical:opened',
      '1:account:critical:repeat',
      '4:account:critical:repeat',
    ]);
    const calm = run([
      { atMin: 60, ratio: '0.75' },
      { atMin: 61, ratio: '0.3' }, // calm starts at 61
      { atMin: 1, ratio: '0.3' }, // clock back: calm restarts at 1
      { atMin: 3, ratio: '0.3' }, // 2 min calm → closed
    ]);
    expect(calm.state.open['account']).toBeUndefined();
  });

  it('snooze silences repeats and same-level pushes, but a worse level breaks through', () => {
    const { pushes } = run([
      { atMin: 0, ratio: '0.93' },
      { atMin: 1, ratio: '0.93', snoozeMin: 10 },
      { atMin: 4, ratio: '0.93' },
      { atMin: 8, ratio: '0.93' },
      { atMin: 11, ratio: '0.93' }, // snooze over, 11 min since the last push
    ]);
    expect(summary(pushes)).toEqual(['0:account:critical:opened', '11:account:critical:repeat']);
    const broken = run([
      { atMin: 0, ratio: '0.75' },
      { atMin: 1, ratio: '0.75', snoozeMin: 60 },
      { atMin: 2, ratio: '0.84' },
    ]);
    expect(summary(broken.pushes)).toEqual(['0:account:warning:opened', '2:account:margin-call:escalated']);
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
    expect(summary(pushes)).toEqual(['40:account:critical:opened']);
    const after = run(
      [
        { atMin: 0, ratio: '0.75' },
        { atMin: 59, ratio: '0.75' },
        { atMin: 60, ratio: '0.75' }, // 13:00: quiet hours over, still open → pushed now
      ],
      quiet,
    );
    expect(summary(after.pushes)).toEqual(['60:account:warning:opened']);
    // The time zone offset moves the window: at UTC+3 it is 15:00, outside quiet hours.
    expect(summary(run([{ atMin: 0, ratio: '0.75' }], quiet, null, 180).pushes)).toEqual([
      '0:account:warning:opened',
    ]);
  });

  it('isolated positions get their own levels; cross positions only when their distance says more', () => {
    const iso = position({
      symbol: 'ETHUSDT',
      marginMode: 'isolated',
      maintenanceRate: '0.025',
      distanceToLiquidation: '-0.006',
    });
    const cross = position({ distanceToLiquidation: '-0.003' });
    const { pushes } = run([{ atMin: 0, report: report('0.2', [iso, cross]) }]);
    // ETH: r = 0.025 / (0.025 + 0.006·0.975) ≈ 0.810 → margin call. BTC: 0.3% < 0.5% → critical.
    expect(summary(pushes).sort()).toEqual([
      '0:position:BTCUSDT:both:critical:opened',
      '0:position:ETHUSDT:both:margin-call:opened',
    ]);
    const eth = pushes.find((p) => p.subject.includes('ETH'))!;
    expect(eth.body).toContain('Margin ratio 81.0%');
    expect(eth.body).toContain('Liquidation of ETHUSDT 0.60% away');
    // Hedged cross legs sharing one liquidation price are one danger: one alert.
    const legs = [
      position({ positionSide: 'long', distanceToLiquidation: '-0.003' }),
      position({ positionSide: 'short', distanceToLiquidation: '-0.003' }),
    ];
    expect(summary(run([{ atMin: 0, report: report('0.2', legs) }]).pushes)).toEqual([
      '0:position:BTCUSDT:long:critical:opened',
    ]);
    // When the account is already critical the cross position adds nothing.
    const covered = run([{ atMin: 0, report: report('0.95', [cross]) }]);
    expect(summary(covered.pushes)).toEqual(['0:account:critical:opened']);
  });

  it('treats a position past its liquidation price and an account with no margin left as critical, not calm', () => {
    // Hedge long leg whose mark fell below its liquidation price: distance turns positive.
    const past = position({
      positionSide: 'long',
      marginMode: 'isolated',
      maintenanceRate: '0.004',
      distanceToLiquidation: '0.02',
    });
    const { pushes } = run([{ atMin: 0, report: report('0.3', [past]) }]);
    expect(summary(pushes)).toEqual(['0:position:BTCUSDT:long:critical:opened']);
    expect(pushes[0]!.title).toBe('Liquidation imminent: acc BTCUSDT long at or past liquidation');
    // The engine prints no ratio when the margin balance is ≤ 0 with positions open.
    const bankrupt = run([{ atMin: 0, report: report(null, [position()]) }]);
    expect(summary(bankrupt.pushes)).toEqual(['0:account:critical:opened']);
    expect(bankrupt.pushes[0]!.body).toContain('At or past the liquidation price');
    // A cross short leg of a net-long account: its (account) liquidation price is below mark. Not past.
    const hedgedShort = position({ positionSide: 'short', distanceToLiquidation: '-0.25' });
    expect(run([{ atMin: 0, report: report('0.3', [hedgedShort]) }]).pushes).toEqual([]);
    // No positions and no ratio: nothing to alert on.
    expect(run([{ atMin: 0, report: report(null, []) }]).pushes).toEqual([]);
    // One-way short: bankruptcy above liquidation → short, so liquidation above mark (positive) is ahead.
    const short = position({
      marginMode: 'isolated',
      maintenanceRate: '0.004',
      liquidationPrice: '61000',
      bankruptcyPrice: '61300',
      distanceToLiquidation: '0.02',
    });
    expect(run([{ atMin: 0, report: report('0.3', [short]) }]).pushes).toEqual([]);
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

  it('puts the numbers that matter in the body', () => {
    const { pushes } = run([{ atMin: 0, ratio: '0.8123' }]);
    expect(pushes[0]!.title).toBe('Margin call: acc margin ratio 81.2%');
    expect(pushes[0]!.body).toBe(
      'Margin ratio 81.2% (margin call at 80%, liquidation at 100%). Liquidation of BTCUSDT 8.00% away. Top up 1234.5 USDT to get back to target.',
    );
  });
});

describe('alert reducer — predictive', () => {
  it('pushes when P(1h) ≥ p* or P(15m) ≥ 0.2, once, and again only when P doubles', () => {
    const { pushes } = run([
      { atMin: 0, ratio: '0.5', forecast: forecast(0.05, 0.1) },
      { atMin: 1, ratio: '0.5', forecast: forecast(0.05, 0.31) },
      { atMin: 2, ratio: '0.5', forecast: forecast(0.1, 0.5) },
      { atMin: 3, ratio: '0.5', forecast: forecast(0.25, 0.62) },
    ]);
    expect(summary(pushes)).toEqual([
      '1:predictive:account:warning:opened',
      '3:predictive:account:warning:rising-probability',
    ]);
    expect(pushes[0]!.body).toContain('31% chance of reaching a 80% margin ratio within 1 h');
    const fast = run([{ atMin: 0, ratio: '0.5', forecast: forecast(0.21, 0.25) }]);
    expect(summary(fast.pushes)).toEqual(['0:predictive:account:warning:opened']);
  });

  it('raises an isolated position its own predictive alert from its forecast, and ends it when the position goes', () => {
    const iso = position({
      symbol: 'ETHUSDT',
      positionSide: 'long',
      marginMode: 'isolated',
      maintenanceRate: '0.005',
      distanceToLiquidation: '-0.05',
    });
    const f = forecast(0.01, 0.02);
    f.positions = [{ symbol: 'ETHUSDT', positionSide: 'long', levels: forecast(0.3, 0.6).levels }];
    const { pushes, state } = run([{ atMin: 0, report: report('0.3', [iso]), forecast: f }]);
    expect(summary(pushes)).toEqual(['0:predictive:position:ETHUSDT:long:warning:opened']);
    expect(pushes[0]!.title).toBe('Margin call likely soon: acc ETHUSDT long');
    expect(pushes[0]!.body).toContain(
      '60% chance of reaching a 80% margin ratio within 1 h, 30% within 15 min.',
    );
    const gone = run(
      [{ atMin: 1, report: report('0.3', []), forecast: forecast(0.01, 0.02) }],
      DEFAULT_ALERT_SETTINGS,
      state,
    );
    expect(gone.state.open['predictive:position:ETHUSDT:long']).toBeUndefined();
  });

  it('ignores forecasts about other levels and ends after 30 quiet minutes', () => {
    expect(run([{ atMin: 0, ratio: '0.5', forecast: forecast(0.9, 0.9, '1') }]).pushes).toEqual([]);
    const { state } = run([
      { atMin: 0, ratio: '0.5', forecast: forecast(0.3, 0.5) },
      { atMin: 1, ratio: '0.5', forecast: forecast(0.01, 0.02) },
      { atMin: 30, ratio: '0.5', forecast: forecast(0.01, 0.02) },
    ]);
    expect(state.open['predictive:account']).toBeDefined();
    expect(
      run([{ atMin: 31, ratio: '0.5', forecast: forecast(0.01, 0.02) }], DEFAULT_ALERT_SETTINGS, state).state
        .open['predictive:account'],
    ).toBeUndefined();
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
    expect(summary(risky.pushes)).toEqual(['0:account:warning:opened', '0.3:system:stale:critical:opened']);
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
  it('rejects thresholds that do not worsen with the level, naming the field', () => {
    const r = alertSettingsSchema.safeParse({ levels: { warning: { marginRatio: 0.9, distance: null } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['levels', 'margin-call', 'marginRatio']);
    expect(alertSettingsSchema.safeParse({ pushFrom: 'loud' }).success).toBe(false);
    expect(DEFAULT_ALERT_SETTINGS.levels['margin-call'].marginRatio).toBe(0.8);
  });
});
