// One danger verdict (with its advice) per evaluated report: the reducer's notification text and the
// api view read the same computation, and a new report is judged afresh.
import { describe, expect, it } from 'vitest';
import { advisedDanger, DEFAULT_ALERT_SETTINGS, reduceAlerts } from '../../../src/domain/alerts';
import { levelRank } from '../../../src/domain/alerts/levels';
import { computeMarginReport } from '../../../src/domain/margin';
import { dangerView } from '../../../src/service/dangerView';
import type { AccountSnapshot } from '../../../src/domain/contracts';
import { liveHealth, T0 } from './fixtures';

const tiers = [{ floor: '0', cap: '50000000', maintenanceRate: '0.005', maintenanceAmount: '0', maxLeverage: '50' }];
const snapshot: AccountSnapshot = {
  schema: 'marginwatch.snapshot/1',
  venue: 'binance-usdm',
  asOf: '2026-03-02T12:00:00.000Z',
  positionMode: 'oneway',
  settleAsset: 'USDT',
  crossWalletBalance: '1000',
  positions: [{ symbol: 'ETHUSDT', contractType: 'linear', marginMode: 'cross', positionSide: 'both', side: 'long', size: '10', contractSize: '1', entryPrice: '3600', markPrice: '3536', leverage: '20', tiers, lotSize: '0.001' }],
};
const volatility = { ETHUSDT: 0.0005 };

describe('danger verdict computed once per report', () => {
  it('the same inputs give the same verdict object; a new report or other settings are judged afresh', () => {
    const report = computeMarginReport(snapshot);
    const a = advisedDanger(report, null, snapshot, volatility, DEFAULT_ALERT_SETTINGS);
    expect(advisedDanger(report, null, snapshot, volatility, DEFAULT_ALERT_SETTINGS)).toBe(a);
    const fresh = advisedDanger(computeMarginReport(snapshot), null, snapshot, volatility, DEFAULT_ALERT_SETTINGS);
    expect(fresh).not.toBe(a);
    expect(fresh.advice.get('cross')).toEqual(a.advice.get('cross'));
    expect(advisedDanger(report, null, snapshot, volatility, { ...DEFAULT_ALERT_SETTINGS })).not.toBe(a);
    expect(advisedDanger(report, null, snapshot, { ETHUSDT: 0.0005 }, DEFAULT_ALERT_SETTINGS)).not.toBe(a);
  });

  it('the notification and the api view name the same reduce advice', () => {
    const report = computeMarginReport(snapshot);
    const r = reduceAlerts(null, { accountId: 'demo', report, snapshot, forecast: null, health: liveHealth(T0), settings: DEFAULT_ALERT_SETTINGS, nowMs: T0, volatility });
    const body = r.effects.flatMap((e) => (e.type === 'notify' ? [e.notification.body] : []))[0]!;
    const view = dangerView({ report, forecast: null, snapshot, volatility }, DEFAULT_ALERT_SETTINGS)!;
    const reduce = view.subjects.find((s) => s.subject === 'cross')!.alternatives![0]!;
    expect(reduce.text).toMatch(/^reduce ETHUSDT by \d/);
    expect(body).toContain(reduce.text);
    expect(body).toContain(view.subjects[0]!.action!.text);
  });

  it("shows a subject at its open alert's level while that alert is held above the verdict, never below", () => {
    const report = computeMarginReport(snapshot);
    const plain = dangerView({ report, forecast: null, snapshot, volatility }, DEFAULT_ALERT_SETTINGS)!;
    const now = plain.subjects.find((s) => s.subject === 'cross')!;
    expect(levelRank(now.level)).toBeLessThan(levelRank('critical'));
    // The cross book's alert is held at critical (it eases only after the danger clears and stays calm).
    const held = dangerView({ report, forecast: null, snapshot, volatility }, DEFAULT_ALERT_SETTINGS, { cross: 'critical' })!;
    const cross = held.subjects.find((s) => s.subject === 'cross')!;
    expect(cross.level).toBe('critical');
    expect(held.level).toBe('critical');
    expect(held.worst?.subject).toBe('cross');
    expect(cross.reason).toContain('Liquidation imminent alert still open');
    expect(cross.reason).toContain(now.reason!);
    // An open alert below the verdict changes nothing; another subject's alert does not leak in.
    const lower = dangerView({ report, forecast: null, snapshot, volatility }, DEFAULT_ALERT_SETTINGS, { cross: 'watch', 'position:BTCUSDT:long': 'critical' })!;
    expect(lower).toEqual(plain);
  });
});
