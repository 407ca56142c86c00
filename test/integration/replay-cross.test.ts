// The cross-book replay (src/replay/cross.ts) on synthetic minutes: a two-symbol cross book through the
// real pipeline — the exchange closes the whole book when the cross ratio reaches 1, and the monitor's
// pushes on the book come before that.
import { describe, expect, it } from 'vitest';
import type { Candle, Tier } from '../../src/domain/contracts';
import { DEFAULT_ALERT_SETTINGS } from '../../src/domain/alerts/settings';
import { DEFAULT_APP_SETTINGS } from '../../src/service/settings';
import { ForecastService } from '../../src/forecast';
import { crossBookSnapshot, runCrossReplay } from '../../src/replay/cross';
import { computeMarginReport } from '../../src/domain/margin';
import type { ReplayLine } from '../../src/replay/run';

const T0 = Date.UTC(2025, 1, 1);
const TIERS: Tier[] = [{ floor: '0', cap: '5000000', maintenanceRate: '0.01', maintenanceAmount: '0', maxLeverage: '50' }];

/** Minutes of a price that is flat with a small wiggle, then falls `dropPerMin` a minute from `fallFrom`. */
function tape(start: number, minutes: number, fallFrom: number, dropPerMin: number): Candle[] {
  const out: Candle[] = [];
  let px = start;
  for (let i = 0; i < minutes; i++) {
    const o = px;
    px = i >= fallFrom ? px * (1 - dropPerMin) : px * (1 + 0.0004 * Math.sin(i));
    out.push({ time: T0 + i * 60_000, open: o, high: Math.max(o, px) * 1.0002, low: Math.min(o, px) * 0.9998, close: px });
  }
  return out;
}

async function replayBook(sides: ['long' | 'short', 'long' | 'short']) {
  const a = tape(100, 24 * 60 + 600, 24 * 60 + 60, 0.0012);
  const b = tape(20, 24 * 60 + 600, 24 * 60 + 60, 0.0012);
  const fromMs = T0 + 24 * 60 * 60_000;
  const snapshot = crossBookSnapshot(
    [
      { symbol: 'AAAUSDT', side: sides[0], price: a[24 * 60]!.open, tiers: TIERS },
      { symbol: 'BBBUSDT', side: sides[1], price: b[24 * 60]!.open, tiers: TIERS },
    ],
    20,
    fromMs,
  );
  const forecaster = new ForecastService({});
  const lines: ReplayLine[] = [];
  const summary = runCrossReplay(
    {
      snapshot, candles: { AAAUSDT: a, BBBUSDT: b }, intervalMin: 1, fromMs,
      settings: DEFAULT_ALERT_SETTINGS,
      engine: { targetMarginRatio: DEFAULT_APP_SETTINGS.targetMarginRatio, triggerLevels: DEFAULT_APP_SETTINGS.triggerLevels },
      forecaster,
    },
    (l) => void lines.push(l),
  );
  await forecaster.close();
  return { snapshot, summary, lines };
}

describe('cross-book replay', () => {
  it('builds a cross book whose wallet is the notional over the leverage', () => {
    const s = crossBookSnapshot([{ symbol: 'AAAUSDT', side: 'long', price: 100, tiers: TIERS }, { symbol: 'BBBUSDT', side: 'short', price: 20, tiers: TIERS }], 20, T0);
    expect(s.positions.map((p) => [p.marginMode, p.side, p.size])).toEqual([['cross', 'long', '100.000'], ['cross', 'short', '500.000']]);
    expect(Number(s.crossWalletBalance)).toBeCloseTo(1000, 6);
    // maintenance 1 % of 20,000 over a 1,000 wallet
    expect(Number(computeMarginReport(s, { targetMarginRatio: '0.5', triggerLevels: ['1'] }).account.marginRatio)).toBeCloseTo(0.2, 6);
  });

  it('a long/long book in a joint fall: the monitor pushes on the book, then the exchange closes all of it', async () => {
    const { summary, lines } = await replayBook(['long', 'long']);
    const liquidated = lines.filter((l): l is Extract<ReplayLine, { kind: 'liquidated' }> => l.kind === 'liquidated');
    expect(liquidated.map((l) => l.subject)).toEqual(['cross']);
    expect(summary.liquidations).toBe(1);
    const liqMs = Date.parse(liquidated[0]!.t);
    const pushes = lines.filter((l): l is Extract<ReplayLine, { kind: 'alert' }> => l.kind === 'alert' && l.subject === 'cross');
    const marginCall = pushes.find((p) => p.level === 'margin-call' || p.level === 'critical');
    expect(marginCall).toBeDefined();
    expect(liqMs - Date.parse(marginCall!.t)).toBeGreaterThanOrEqual(60_000);
  });

  it('a hedged long/short book through the same fall is never liquidated and never pushed at margin call', async () => {
    const { summary, lines } = await replayBook(['long', 'short']);
    expect(summary.liquidations).toBe(0);
    expect(lines.filter((l) => l.kind === 'alert' && l.subject === 'cross' && (l.level === 'margin-call' || l.level === 'critical'))).toEqual([]);
    expect(summary.positionDays).toBeGreaterThan(0.4);
  });

  it('a hedged book is not liquidated by a spread the minute never had (both legs fall 3 % in the same minute)', async () => {
    // Each symbol's high is its open and its low its close: a joint-adverse-extreme path would put the
    // short leg at its high with the long leg at its low, a 3 % spread that never existed.
    const jump = (c: Candle[], k: number) => c.map((x, i) => (i === k ? { ...x, high: x.open, low: x.open * 0.97, close: x.open * 0.97 } : i > k ? { ...x, open: x.open * 0.97, high: x.high * 0.97, low: x.low * 0.97, close: x.close * 0.97 } : x));
    const k = 24 * 60 + 30;
    const a = jump(tape(100, 24 * 60 + 120, 1e9, 0), k);
    const b = jump(tape(20, 24 * 60 + 120, 1e9, 0), k);
    const fromMs = T0 + 24 * 60 * 60_000;
    const snapshot = crossBookSnapshot([{ symbol: 'AAAUSDT', side: 'short', price: a[24 * 60]!.open, tiers: TIERS }, { symbol: 'BBBUSDT', side: 'long', price: b[24 * 60]!.open, tiers: TIERS }], 50, fromMs);
    const forecaster = new ForecastService({});
    const summary = runCrossReplay(
      { snapshot, candles: { AAAUSDT: a, BBBUSDT: b }, intervalMin: 1, fromMs, settings: DEFAULT_ALERT_SETTINGS, engine: { targetMarginRatio: DEFAULT_APP_SETTINGS.targetMarginRatio, triggerLevels: DEFAULT_APP_SETTINGS.triggerLevels }, forecaster },
      () => {},
    );
    await forecaster.close();
    expect(summary.liquidations).toBe(0);
  });
});

