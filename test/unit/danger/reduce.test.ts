// The reduce alternative: size to close on the cross book's endangered leg so the book's distance to
// liquidation reaches the advice's target (hand-worked, then as a property against the engine).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import {
  DEFAULT_DANGER_POLICY,
  adviceText,
  adviseReduce,
  adviseSubject,
  assessDanger,
  estimateReduceSteps,
  reduceSizeFor,
  safeDistance,
  sizeStep,
} from '../../../src/domain/danger';
import { computeMarginReport } from '../../../src/domain/margin';
import { DEFAULT_ALERT_SETTINGS, reduceAlerts } from '../../../src/domain/alerts';
import { liveHealth, T0 } from '../alerts/fixtures';
import type { AccountSnapshot, Position } from '../../../src/domain/contracts';

const tiers = (rate: string) => [{ floor: '0', cap: '50000000', maintenanceRate: rate, maintenanceAmount: '0', maxLeverage: '50' }];

function leg(symbol: string, side: 'long' | 'short', size: string, entry: string, mark: string, over: Partial<Position> = {}): Position {
  return { symbol, contractType: 'linear', marginMode: 'cross', positionSide: 'both', side, size, contractSize: '1', entryPrice: entry, markPrice: mark, leverage: '20', tiers: tiers('0.005'), ...over };
}

function book(wallet: string, positions: Position[]): AccountSnapshot {
  return { schema: 'marginwatch.snapshot/1', venue: 'binance-usdm', asOf: '2026-03-02T12:00:00.000Z', positionMode: 'oneway', settleAsset: 'USDT', crossWalletBalance: wallet, positions };
}

/** Independent oracle: close `qty` of leg 0 at mark by hand (linear, no fee), ask the engine for the cross book's nearest distance. */
function distanceAfterClosing(s: AccountSnapshot, qty: Decimal): number {
  const p = s.positions[0]!;
  const pnl = qty.times(new Decimal(p.markPrice).minus(p.entryPrice)).times(p.side === 'long' ? 1 : -1);
  const rest = new Decimal(p.size).minus(qty);
  const positions = [...(rest.isPositive() ? [{ ...p, size: rest.toString() }] : []), ...s.positions.slice(1)];
  const after = book(new Decimal(s.crossWalletBalance).plus(pnl).toString(), positions);
  const r = computeMarginReport(after);
  if (r.account.marginRatio !== null && new Decimal(r.account.marginRatio).gte(1)) return 0;
  return Math.min(Infinity, ...r.positions.filter((x) => x.marginMode === 'cross' && x.distanceToLiquidation !== null).map((x) => Math.abs(Number(x.distanceToLiquidation))));
}

/** Same oracle for a hedge-mode book: close `qty` of leg 0 and keep the other legs as they are. */
function distanceAfterClosingLong(s: AccountSnapshot, qty: Decimal): number {
  const p = s.positions[0]!;
  const pnl = qty.times(new Decimal(p.markPrice).minus(p.entryPrice));
  const rest = new Decimal(p.size).minus(qty);
  const after = { ...s, crossWalletBalance: new Decimal(s.crossWalletBalance).plus(pnl).toString(), positions: [...(rest.isPositive() ? [{ ...p, size: rest.toString() }] : []), ...s.positions.slice(1)] };
  const r = computeMarginReport(after);
  if (r.account.marginRatio !== null && new Decimal(r.account.marginRatio).gte(1)) return 0;
  return Math.min(Infinity, ...r.positions.filter((x) => x.distanceToLiquidation !== null).map((x) => Math.abs(Number(x.distanceToLiquidation))));
}

describe('danger advice — reduce the cross book', () => {
  it('hand-worked: ETHUSDT long 10 @ 3600, mark 3536, wallet 1000, MMR 0.5 %, target 3 % → reduce by 7.079 ETH', () => {
    const s = book('1000', [leg('ETHUSDT', 'long', '10', '3600', '3536', { lotSize: '0.001' })]);
    // Liquidation: W + q(L − E) = m·q·L → L = (qE − W) / (q(1 − m)) = 35000 / 9.95 = 3517.59.
    expect(Number(computeMarginReport(s).positions[0]!.liquidationPrice)).toBeCloseTo(35000 / 9.95, 2);
    // Closing x at mark realises x(M − E) into the wallet: L' = (qE − W − xM) / ((q − x)(1 − m)).
    // L' ≤ G = M(1 − 0.03) ⇔ x ≥ (qE − W − G(1 − m)q) / (M − G(1 − m)) = 872.296 / 123.2296 = 7.0786 → 7.079.
    const G = 3536 * 0.97;
    const x = (36000 - 1000 - G * 0.995 * 10) / (3536 - G * 0.995);
    expect(x).toBeCloseTo(7.0786, 4);
    expect(reduceSizeFor(s, 0, 0.03)?.toString()).toBe('7.079');
    // Already at the target: nothing to close; a target beyond even a flat book's: null, not "close all".
    expect(reduceSizeFor(s, 0, 0.001)).toBeNull();
  });

  it('the closed-form estimate brackets the answer: the engine confirms in 3 calls (book now, estimate, one step less)', () => {
    const s = book('1000', [leg('ETHUSDT', 'long', '10', '3600', '3536', { lotSize: '0.001' })]);
    expect(estimateReduceSteps(s, computeMarginReport(s), 0, 0.03)).toBe(7079);
    const stats = { engineCalls: 0 };
    expect(reduceSizeFor(s, 0, 0.03, stats)?.toString()).toBe('7.079');
    expect(stats.engineCalls).toBe(3);
    // A short, hedged book: the estimate ignores the hedge, the gallop still lands on the engine's answer in few calls.
    const hedged = book('2000', [leg('ETHUSDT', 'short', '10', '3000', '3120', { lotSize: '0.001' }), leg('BTCUSDT', 'long', '0.1', '60000', '61000', { tiers: tiers('0.004') })]);
    const short = { engineCalls: 0 };
    const q = reduceSizeFor(hedged, 0, 0.03, short)!;
    expect(distanceAfterClosing(hedged, q)).toBeGreaterThanOrEqual(0.03);
    expect(distanceAfterClosing(hedged, q.minus('0.001'))).toBeLessThan(0.03);
    expect(short.engineCalls).toBeLessThanOrEqual(4);
  });

  it('hedge mode, long and short on one symbol: the estimate counts the hedge, and a partial close is advised even when closing the whole long would not do', () => {
    const s = { ...book('3900', [leg('ETHUSDT', 'long', '10', '3030', '2470', { positionSide: 'long', lotSize: '0.001' }), leg('ETHUSDT', 'short', '4', '2985', '2470', { positionSide: 'short', lotSize: '0.001' })]), positionMode: 'hedge' as const };
    const whole = distanceAfterClosingLong(s, new Decimal(10));
    const stats = { engineCalls: 0 };
    const q = reduceSizeFor(s, 0, 0.05, stats)!;
    expect(whole).toBeLessThan(0.05);
    expect(distanceAfterClosingLong(s, q)).toBeGreaterThanOrEqual(0.05);
    expect(distanceAfterClosingLong(s, q.minus('0.001'))).toBeLessThan(0.05);
    expect(stats.engineCalls).toBe(3);
  });

  it('advises the cross book "reduce ETHUSDT by … ETH" next to the transfer, never an isolated position', () => {
    const iso = leg('BTCUSDT', 'long', '0.5', '42400', '42250', { marginMode: 'isolated', positionSide: 'both', isolatedMargin: '424', leverage: '50', tiers: tiers('0.004') });
    const s = book('1000', [leg('ETHUSDT', 'long', '10', '3600', '3536', { lotSize: '0.001' }), iso]);
    const r = computeMarginReport(s);
    const marks = new Map([['ETHUSDT', '3536'], ['BTCUSDT', '42250']]);
    const v = assessDanger({ report: r, forecast: null, sigma: () => 0.0005, policy: DEFAULT_DANGER_POLICY }, marks);
    const cross = v.subjects.find((x) => x.key === 'cross')!;
    const reduce = adviseReduce(cross, s, DEFAULT_DANGER_POLICY)!;
    const target = safeDistance(0.0005, DEFAULT_DANGER_POLICY.targetProbability24h);
    expect(reduce.kind).toBe('reduce');
    expect(reduce.asset).toBe('ETH');
    expect(reduce.text).toBe(`reduce ETHUSDT by ${reduce.amount} ETH`);
    expect(reduce.amount).toBe(reduceSizeFor(s, 0, target)!.toString());
    expect(distanceAfterClosing(s, new Decimal(reduce.amount))).toBeGreaterThanOrEqual(target);
    const transfer = adviseSubject(cross, s, r, DEFAULT_DANGER_POLICY)!;
    expect(adviceText(transfer, [reduce])).toBe(`${transfer.text}, or ${reduce.text}`);
    expect(adviceText(transfer, [reduce], 20)).toBe(transfer.text);
    const btc = v.subjects.find((x) => x.key !== 'cross')!;
    expect(btc.subject.type).toBe('position');
    expect(adviseReduce(btc, s, DEFAULT_DANGER_POLICY)).toBeNull();
  });

  it('the notification names the reduce alternative after the transfer', () => {
    const s = book('1000', [leg('ETHUSDT', 'long', '10', '3600', '3536', { lotSize: '0.001' })]);
    const r = reduceAlerts(null, { accountId: 'demo', report: computeMarginReport(s), snapshot: s, forecast: null, health: liveHealth(T0), settings: DEFAULT_ALERT_SETTINGS, nowMs: T0, volatility: { ETHUSDT: 0.0005 } });
    const bodies = r.effects.flatMap((e) => (e.type === 'notify' ? [e.notification.body] : []));
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies[0]).toMatch(/To restore safety: transfer [\d,.]+ USDT to the cross wallet, or reduce ETHUSDT by \d+(\.\d+)? ETH\./);
  });

  it('inverse legs are advised in contracts', () => {
    const s: AccountSnapshot = { ...book('0.004', []), venue: 'binance-coinm', settleAsset: 'BTC', positions: [leg('BTCUSD_PERP', 'long', '100', '60000', '59000', { contractType: 'inverse', contractSize: '100', tiers: tiers('0.004') })] };
    const r = computeMarginReport(s);
    const v = assessDanger({ report: r, forecast: null, sigma: () => 0.001, policy: DEFAULT_DANGER_POLICY }, new Map([['BTCUSD_PERP', '59000']]));
    const a = adviseReduce(v.subjects[0]!, s, DEFAULT_DANGER_POLICY);
    if (a === null) throw new Error(`expected advice; distance ${v.subjects[0]!.distance}, level ${v.subjects[0]!.level}`);
    expect(a.asset).toBe('contracts');
    expect(Number.isInteger(Number(a.amount))).toBe(true);
    expect(a.text).toBe(`reduce BTCUSD_PERP by ${a.amount} contracts`);
  });

  it('property: closing the advised size reaches the target, one size step less does not (or it is the whole position)', () => {
    let runs = 0;
    let advised = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }), // ETH size in 0.001 lots
        fc.double({ min: 0.8, max: 1.05, noNaN: true }), // mark / entry
        fc.double({ min: 0.02, max: 0.3, noNaN: true }), // wallet / notional
        fc.double({ min: 0.001, max: 0.2, noNaN: true }), // target distance
        fc.option(fc.record({ size: fc.integer({ min: 1, max: 200 }), markRatio: fc.double({ min: 0.9, max: 1.1, noNaN: true }) }), { nil: null }),
        fc.constantFrom('0.001', '0.01', undefined),
        (lots, markRatio, walletShare, target, hedge, lotSize) => {
          runs++;
          const size = new Decimal(lots).div(1000);
          const mark = new Decimal(3000).times(markRatio).toDecimalPlaces(2);
          const wallet = size.times(3000).times(walletShare).toDecimalPlaces(2);
          const positions = [leg('ETHUSDT', 'long', size.toString(), '3000', mark.toString(), lotSize ? { lotSize } : {})];
          if (hedge) positions.push(leg('BTCUSDT', 'short', new Decimal(hedge.size).div(1000).toString(), '60000', new Decimal(60000).times(hedge.markRatio).toDecimalPlaces(1).toString(), { tiers: tiers('0.004') }));
          const s = book(wallet.toString(), positions);
          if (computeMarginReport(s).account.marginRatio === null) return;
          const q = reduceSizeFor(s, 0, target);
          if (q === null) {
            // Only when already there, or when even closing it all does not get there.
            expect(distanceAfterClosing(s, new Decimal(0)) >= target || distanceAfterClosing(s, size) < target).toBe(true);
            return;
          }
          const step = sizeStep(positions[0]!);
          expect(q.lte(size)).toBe(true);
          expect(q.div(step).isInteger() || q.eq(size)).toBe(true);
          expect(distanceAfterClosing(s, q)).toBeGreaterThanOrEqual(target);
          if (!q.eq(size)) expect(distanceAfterClosing(s, q.minus(step))).toBeLessThan(target);
          else if (q.gt(step)) expect(distanceAfterClosing(s, step.times(size.div(step).ceil().minus(1)))).toBeLessThan(target);
          advised++;
        },
      ),
      // Seeded like the engine's other properties: the non-vacuity floor below is a count, and an
      // unseeded draw falls under it about once in a hundred runs (17 % advised is typical, 11 % the low tail).
      { numRuns: 300, seed: 20261206 },
    );
    // The property must be about advice actually given, not vacuous nulls.
    expect(advised).toBeGreaterThan(runs / 10);
  });
});
