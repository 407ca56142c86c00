import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_DANGER_POLICY,
  assessDanger,
  dangerPolicySchema,
  judgeDanger,
  type DangerPolicy,
} from '../../../src/domain/danger';
import { levelRank, isolatedRatioFromDistance, DEFAULT_ALERT_SETTINGS, reduceAlerts, worstOpenLevel, type AlertInput, type AlertsState, type NotificationIntent } from '../../../src/domain/alerts';
import { normCdf } from '../../../src/domain/forecast/normal';
import type { AccountForecast, LevelForecast } from '../../../src/domain/forecast/types';
import type { MarginReport } from '../../../src/domain/contracts';
import { liveHealth, MIN, position, report, T0 } from '../alerts/fixtures';

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 2 });

/** A random policy that the settings schema accepts (thresholds ordered by level). */
const policyArb: fc.Arbitrary<DangerPolicy> = fc
  .record({
    z: fc.array(fc.double({ min: 0.05, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }),
    p: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
    r: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
  })
  .filter(({ z, p, r }) => new Set(z).size === 4 && new Set(p).size === 4 && new Set(r).size === 4)
  .map(({ z, p, r }) => {
    const zs = [...z].sort((a, b) => b - a);
    const ps = [...p].sort((a, b) => a - b);
    const rs = [...r].sort((a, b) => a - b);
    return dangerPolicySchema.parse({
      ...DEFAULT_DANGER_POLICY,
      sigmaDistance1h: { watch: zs[0], warning: zs[1], 'margin-call': zs[2], critical: zs[3] },
      probability1h: { watch: ps[0], warning: ps[1], 'margin-call': ps[2], critical: ps[3] },
      marginRatio: { watch: rs[0], warning: rs[1], 'margin-call': rs[2], critical: rs[3] },
    });
  });

describe('danger model — invariants (properties)', () => {
  it('P(1 h) ≥ 0.5 or a median time to trigger under 15 min is never ok or watch, whatever the policy', () => {
    fc.assert(
      fc.property(
        policyArb,
        maybe(fc.double({ min: 0, max: 0.5, noNaN: true })),
        maybe(fc.double({ min: 1e-5, max: 0.05, noNaN: true })),
        maybe(fc.oneof(probability, fc.double({ min: 0.49, max: 0.52, noNaN: true }))),
        maybe(fc.oneof(fc.double({ min: 0, max: 2000, noNaN: true }), fc.double({ min: 14, max: 16, noNaN: true }))),
        maybe(probability),
        (policy, distance, sigma, p1h, ttf, ratio) => {
          const j = judgeDanger({ distance, sigmaPerMin: sigma, p1h, ttfMedianMin: ttf, marginRatio: ratio }, policy);
          const mustWarn = (p1h !== null && p1h >= 0.5) || (ttf !== null && ttf < 15);
          if (mustWarn) expect(levelRank(j.level)).toBeGreaterThanOrEqual(levelRank('warning'));
          expect(levelRank(j.holdLevel)).toBeGreaterThanOrEqual(levelRank(j.level));
        },
      ),
      { numRuns: 3000 },
    );
    // The floor holds against a policy that would otherwise say "watch".
    const lax = { ...DEFAULT_DANGER_POLICY, probability1h: { watch: 0.1, warning: 0.9, 'margin-call': 0.95, critical: 0.99 }, ttfMedianMin: { watch: null, warning: 5, 'margin-call': 2, critical: 1 } };
    expect(judgeDanger({ distance: null, sigmaPerMin: null, p1h: 0.5, ttfMedianMin: null, marginRatio: null }, lax).level).toBe('warning');
    expect(judgeDanger({ distance: null, sigmaPerMin: null, p1h: null, ttfMedianMin: 14.9, marginRatio: null }, lax).level).toBe('warning');
  });

  it('of two subjects on the same asset with the same volatility, the closer one (in σ) is never at a lower level', () => {
    // Both subjects' other inputs follow from their distance the way the forecast and the engine
    // derive them: P(1 h) from the barrier identity, the median from the first-passage law, the
    // ratio of an isolated position with the same maintenance rate.
    const derived = (d: number, sigma: number, m: number) => {
      const z = d / (sigma * Math.sqrt(60));
      const p1h = Math.min(1, 2 * normCdf(-z));
      const ttf = (d / sigma) ** 2 / 0.4549; // median of the first passage: (d/σ)² / Φ⁻¹(3/4)²
      return { distance: d, sigmaPerMin: sigma, p1h, ttfMedianMin: ttf > 1440 ? null : ttf, marginRatio: isolatedRatioFromDistance(-d, m, 'long') };
    };
    fc.assert(
      fc.property(
        policyArb,
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.01, noNaN: true }),
        fc.double({ min: 0.001, max: 0.1, noNaN: true }),
        (policy, a, b, sigma, m) => {
          const [near, far] = a <= b ? [a, b] : [b, a];
          const ln = judgeDanger(derived(near, sigma, m), policy).level;
          const lf = judgeDanger(derived(far, sigma, m), policy).level;
          expect(levelRank(ln)).toBeGreaterThanOrEqual(levelRank(lf));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("the account's level is its worst subject's, and the verdict names that subject", () => {
    const leg = fc.record({
      symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT', 'SOLUSDT'),
      side: fc.constantFrom('long', 'short') as fc.Arbitrary<'long' | 'short'>,
      isolated: fc.boolean(),
      distance: fc.double({ min: 0.0001, max: 0.5, noNaN: true }),
      p1h: maybe(probability),
      ttf: maybe(fc.double({ min: 0, max: 1440, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.uniqueArray(leg, { minLength: 0, maxLength: 6, selector: (l) => `${l.symbol}:${l.side}` }), maybe(fc.double({ min: 0, max: 1.2, noNaN: true })), (legs, crossRatio) => {
        const positions = legs.map((l) =>
          position({ symbol: l.symbol, positionSide: l.side, marginMode: l.isolated ? 'isolated' : 'cross', distanceToLiquidation: String(l.side === 'long' ? -l.distance : l.distance) }),
        );
        const fcast: AccountForecast = {
          asOf: new Date(T0).toISOString(),
          model: 'v1-closed-form',
          levels: [],
          positions: legs.map((l) => ({ symbol: l.symbol, positionSide: l.side, levels: l.p1h === null ? [] : [liquidationLevel(l.p1h, l.ttf)] })),
          warnings: [],
        };
        const verdict = assessDanger({ report: report(crossRatio === null ? '0.1' : String(crossRatio), positions), forecast: fcast, sigma: () => 0.001, policy: DEFAULT_DANGER_POLICY });
        const worst = verdict.subjects.reduce((w, s) => Math.max(w, levelRank(s.level)), 0);
        expect(levelRank(verdict.level)).toBe(worst);
        if (verdict.subjects.length > 0) expect(verdict.worst?.level).toBe(verdict.level);
        else expect(verdict.worst).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});

function liquidationLevel(p1h: number, median: number | null): LevelForecast {
  return {
    level: '1',
    probabilities: [
      { horizonMin: 15, probability: p1h / 2 },
      { horizonMin: 60, probability: p1h },
      { horizonMin: 240, probability: Math.min(1, p1h * 1.5) },
      { horizonMin: 1440, probability: Math.min(1, p1h * 2) },
    ],
    medianMinutes: median,
    q10Minutes: median === null ? null : median / 4,
  };
}

function demoReport(btcDistance: string, withBtc = true, ethRatio = '0.3'): MarginReport {
  const btc = position({ symbol: 'BTCUSDT', positionSide: 'long', marginMode: 'isolated', maintenanceRate: '0.004', distanceToLiquidation: btcDistance, liquidationPrice: '42000', marginRatio: '0.7' });
  const eth = position({ symbol: 'ETHUSDT', positionSide: 'long', distanceToLiquidation: '-0.18', liquidationPrice: '2900' });
  return report(ethRatio, withBtc ? [btc, eth] : [eth]);
}

function demoForecast(): AccountForecast {
  return {
    asOf: new Date(T0).toISOString(),
    model: 'v1-closed-form',
    levels: [],
    positions: [
      { symbol: 'BTCUSDT', positionSide: 'long', levels: [liquidationLevel(0.88, 0.5)] },
      { symbol: 'ETHUSDT', positionSide: 'long', levels: [liquidationLevel(0.02, null)] },
    ],
    warnings: [],
  };
}

function step(state: AlertsState | null, atMin: number, over: Partial<AlertInput>) {
  const nowMs = T0 + atMin * MIN;
  return reduceAlerts(state, { accountId: 'demo', report: null, forecast: null, health: liveHealth(nowMs), settings: DEFAULT_ALERT_SETTINGS, nowMs, volatility: { BTCUSDT: 0.0015, ETHUSDT: 0.002 }, ...over });
}

const pushesOf = (effects: ReturnType<typeof reduceAlerts>['effects']): NotificationIntent[] =>
  effects.flatMap((e) => (e.type === 'notify' ? [e.notification] : []));

describe('danger model — the demo situation', () => {
  it('a 50x isolated long 0.59 % away with P(1 h) 88 % is at least a warning, and sorts first', () => {
    const verdict = assessDanger({ report: demoReport('-0.0059'), forecast: demoForecast(), sigma: () => 0.0015, policy: DEFAULT_DANGER_POLICY });
    expect(levelRank(verdict.level)).toBeGreaterThanOrEqual(levelRank('warning'));
    expect(verdict.worst?.key).toBe('position:BTCUSDT:long');
    expect(verdict.worst?.label).toBe('BTCUSDT long (isolated)');
    expect(verdict.subjects.map((s) => s.key)).toEqual(['position:BTCUSDT:long', 'cross']);
  });

  it('the predictive and the level alert of a subject are one episode with one level', () => {
    const r = step(null, 0, { report: demoReport('-0.0059'), forecast: demoForecast() });
    const keys = Object.keys(r.state.open);
    expect(keys.filter((k) => k.includes('BTCUSDT'))).toEqual(['position:BTCUSDT:long']);
    expect(keys.some((k) => k.startsWith('predictive:'))).toBe(false);
    const push = pushesOf(r.effects).find((p) => p.subject === 'position:BTCUSDT:long')!;
    expect(push.title).toContain('BTCUSDT long (isolated)');
    expect(push.body).toContain('88% chance within 1 h');
    expect(push.body).toContain('Liquidation at 42000.00, 0.59% away');
  });

  it('a liquidation is one critical "liquidated" alert, the episode closes as liquidated and the header shows what remains', () => {
    let r = step(null, 0, { report: demoReport('-0.0008', true, '0.75'), forecast: demoForecast() });
    expect(r.state.open['position:BTCUSDT:long']?.level).toBe('critical');
    // The BTC position vanishes without a trader order: the venue liquidated it.
    r = step(r.state, 1, { report: demoReport('-0.0008', false, '0.75'), forecast: demoForecast() });
    const liq = pushesOf(r.effects).filter((p) => p.reason === 'liquidated');
    expect(liq).toHaveLength(1);
    expect(liq[0]).toMatchObject({ subject: 'liquidated:position:BTCUSDT:long', level: 'critical', urgency: 'critical', sound: true });
    expect(liq[0]!.title).toBe('Liquidated: demo BTCUSDT long (isolated)');
    const closed = r.effects.find((e) => e.type === 'episode' && e.change === 'closed' && e.episode.subject === 'position:BTCUSDT:long');
    expect(closed?.type === 'episode' && closed.episode.closedAs).toBe('liquidated');
    expect(r.state.open['position:BTCUSDT:long']).toBeUndefined();
    // Header: the cross book's own level, not the liquidated position's.
    expect(worstOpenLevel(r.state)).toBe(r.state.open['cross']?.level ?? 'ok');
    expect(worstOpenLevel(r.state)).toBe('warning');
    // The venue's own report of the same liquidation, and later ticks, announce nothing more.
    r = step(r.state, 2, { report: demoReport('-0.0008', false, '0.75'), forecast: demoForecast(), venueEvents: [{ subject: 'position:BTCUSDT:long', kind: 'liquidation', price: '42000', atMs: T0 + MIN }] });
    expect(pushesOf(r.effects).filter((p) => p.reason === 'liquidated')).toHaveLength(0);
    r = step(JSON.parse(JSON.stringify(r.state)) as AlertsState, 30, { report: demoReport('-0.0008', false, '0.75'), forecast: demoForecast() });
    expect(pushesOf(r.effects).filter((p) => p.reason === 'liquidated')).toHaveLength(0);
  });

  it('a venue ADL report raises the event even for a calm subject; a trader closing a position raises none', () => {
    let r = step(null, 0, { report: demoReport('-0.05'), forecast: null });
    r = step(r.state, 1, { report: demoReport('-0.05', false), forecast: null, venueEvents: [{ subject: 'position:BTCUSDT:long', kind: 'adl', price: '50000', atMs: T0 + MIN }] });
    const adl = pushesOf(r.effects).filter((p) => p.reason === 'liquidated');
    expect(adl.map((p) => p.title)).toEqual(['Auto-deleveraged: demo BTCUSDT long (isolated)']);
    let t = step(null, 0, { report: demoReport('-0.0008', true, '0.75'), forecast: demoForecast() });
    t = step(t.state, 1, { report: demoReport('-0.0008', false, '0.75'), forecast: demoForecast(), closedByTrader: ['position:BTCUSDT:long'] });
    expect(pushesOf(t.effects).filter((p) => p.reason === 'liquidated')).toHaveLength(0);
    expect(t.state.open['position:BTCUSDT:long']).toBeUndefined();
  });

  it('a margin-call subject the trader closed ends as closed-by-trader; "no order from you" only where the stream could see orders', () => {
    let t = step(null, 0, { report: demoReport('-0.0008', true, '0.75'), forecast: demoForecast() });
    expect(t.state.open['position:BTCUSDT:long']?.level).toBe('critical');
    t = step(t.state, 1, { report: demoReport('-0.0008', false, '0.75'), forecast: demoForecast(), closedByTrader: ['position:BTCUSDT:long'], traderOrdersVisible: true });
    expect(pushesOf(t.effects).filter((p) => p.reason === 'liquidated')).toHaveLength(0);
    const ended = t.effects.find((e) => e.type === 'episode' && e.change === 'closed' && e.episode.subject === 'position:BTCUSDT:long');
    expect(ended?.type === 'episode' && ended.episode.closedAs).toBe('closed-by-trader');
    expect(t.state.open['position:BTCUSDT:long']).toBeUndefined();
    // Without the trader's order: one liquidated alert; its body says no order was seen only with a live stream.
    const vanish = (traderOrdersVisible: boolean) => {
      const r = step(step(null, 0, { report: demoReport('-0.0008', true, '0.75'), forecast: demoForecast() }).state, 1, { report: demoReport('-0.0008', false, '0.75'), forecast: demoForecast(), traderOrdersVisible });
      return pushesOf(r.effects).filter((p) => p.reason === 'liquidated');
    };
    const live = vanish(true);
    expect(live).toHaveLength(1);
    expect(live[0]!.body).toContain('(no order from you was seen)');
    const polled = vanish(false);
    expect(polled).toHaveLength(1);
    expect(polled[0]!.body).not.toContain('no order from you');
  });

  it('settings refuse thresholds outside (0, 1] or out of order, naming the field in plain words', () => {
    const bad = dangerPolicySchema.safeParse({ ...DEFAULT_DANGER_POLICY, probability1h: { ...DEFAULT_DANGER_POLICY.probability1h, critical: 1.5 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('Liquidation imminent probability within 1 h must be above 0 and at most 1 (e.g. 0.5 = 50 %)');
    const zero = dangerPolicySchema.safeParse({ ...DEFAULT_DANGER_POLICY, targetProbability24h: 0 });
    expect(zero.error?.issues[0]?.message).toContain('target probability within 24 h must be above 0');
    const order = dangerPolicySchema.safeParse({ ...DEFAULT_DANGER_POLICY, probability1h: { watch: 0.1, warning: 0.7, 'margin-call': 0.6, critical: 0.9 } });
    expect(order.error?.issues[0]?.message).toBe('Margin call probability within 1 h must be above the Warning one (0.7)');
    expect(order.error?.issues[0]?.path).toEqual(['probability1h', 'margin-call']);
  });
});

describe('danger model — advice', () => {
  it('says per subject what restores safety, rounded up to the display precision', async () => {
    const { adviseSubject, formatAmountUp, safeDistance } = await import('../../../src/domain/danger');
    const Decimal = (await import('decimal.js')).default;
    expect(formatAmountUp(new Decimal('1250.001'), 'USDT')).toBe('1,250.01');
    expect(formatAmountUp(new Decimal('87.22784'), 'USDT')).toBe('87.23');
    expect(safeDistance(0.001, 0.1)).toBeCloseTo(1.6449 * 0.001 * Math.sqrt(1440), 4);
    const r = demoReport('-0.0059');
    const snapshot = {
      schema: 'marginwatch.snapshot/1' as const, venue: 'binance-usdm' as const, asOf: r.asOf, positionMode: 'hedge' as const, settleAsset: 'USDT', crossWalletBalance: '1000',
      positions: [
        { symbol: 'BTCUSDT', contractType: 'linear' as const, marginMode: 'isolated' as const, positionSide: 'long' as const, side: 'long' as const, size: '0.5', contractSize: '1', entryPrice: '42400', markPrice: '42250', leverage: '50', isolatedMargin: '424' },
        { symbol: 'ETHUSDT', contractType: 'linear' as const, marginMode: 'cross' as const, positionSide: 'long' as const, side: 'long' as const, size: '10', contractSize: '1', entryPrice: '3600', markPrice: '3536', leverage: '20' },
      ],
    };
    const verdict = assessDanger({ report: r, forecast: demoForecast(), sigma: () => 0.0015, policy: DEFAULT_DANGER_POLICY }, new Map([['BTCUSDT', '42250'], ['ETHUSDT', '3536']]));
    const btc = verdict.subjects.find((s) => s.key === 'position:BTCUSDT:long')!;
    const action = adviseSubject(btc, snapshot, r, DEFAULT_DANGER_POLICY)!;
    // Target distance d* = 1.645·σ·√1440; the liquidation price must move from 42000 to mark·(1 − d*).
    const target = 42250 * (1 - safeDistance(0.0015, 0.1));
    const expected = Math.ceil((42000 - target) * 0.5 * (1 - 0.004) * 100) / 100;
    expect(action.kind).toBe('add-isolated-margin');
    expect(Number(action.amount)).toBeCloseTo(expected, 2);
    expect(action.text).toMatch(/^add [\d,]+\.\d\d USDT isolated margin to BTCUSDT long$/);
  });
});

describe('what-if by venue rules', () => {
  it('an isolated position liquidating under a shock loses at most its isolated margin; the cross book goes as one', async () => {
    const { liquidateByVenueRules } = await import('../../../src/domain/danger');
    const { computeMarginReport } = await import('../../../src/domain/margin');
    const tiers = [{ floor: '0', cap: '50000000', maintenanceRate: '0.004', maintenanceAmount: '0', maxLeverage: '125' }];
    const leg = (side: 'long' | 'short', marginMode: 'isolated' | 'cross', symbol = 'BTCUSDT', mark = '50000') => ({
      symbol, contractType: 'linear' as const, marginMode, positionSide: side, side, size: '0.2', contractSize: '1', entryPrice: '50000', markPrice: mark, leverage: '50',
      ...(marginMode === 'isolated' ? { isolatedMargin: '200' } : {}), tiers,
    });
    const snapshot = (mark: string) => ({
      schema: 'marginwatch.snapshot/1' as const, venue: 'binance-usdm' as const, asOf: '2026-03-02T12:00:00.000Z', positionMode: 'hedge' as const, settleAsset: 'USDT', crossWalletBalance: '1000',
      positions: [leg('long', 'isolated', 'BTCUSDT', mark), leg('short', 'isolated', 'BTCUSDT', mark)],
    });
    // +22 %: the isolated short is far past its liquidation price; its loss is its 200 USDT, not −2,200.
    const shocked = snapshot('61000');
    const report = computeMarginReport(shocked);
    const naiveEquity = Number(report.account.marginBalance);
    const v = liquidateByVenueRules(shocked, report);
    expect(v.closed.map((c) => `${c.subject}:${c.loss}`)).toEqual(['position:BTCUSDT:short:200']);
    expect(v.closed[0]!.price).toBe(report.positions[1]!.liquidationPrice);
    expect(v.after.positions.map((p) => p.positionSide)).toEqual(['long']);
    const after = computeMarginReport(v.after);
    // The account keeps its cross wallet and the long's margin and gain: more than the naive shocked equity.
    expect(Number(after.account.marginBalance)).toBeGreaterThan(naiveEquity);
    expect(Number(after.account.marginBalance)).toBeGreaterThan(1000);
    // A cross book past ratio 1 goes as one subject and keeps a wallet ≥ 0.
    const crossy = { ...snapshot('30000'), crossWalletBalance: '100', positions: [leg('long', 'cross', 'BTCUSDT', '30000'), leg('long', 'cross', 'ETHUSDT', '30000')].map((p, i) => (i === 1 ? { ...p, positionSide: 'long' as const } : p)) };
    const cr = computeMarginReport(crossy);
    const cv = liquidateByVenueRules(crossy, cr);
    expect(cv.closed.map((c) => c.subject)).toEqual(['cross']);
    expect(cv.after.positions).toEqual([]);
    expect(cv.after.crossWalletBalance).toBe('0');
  });
});
