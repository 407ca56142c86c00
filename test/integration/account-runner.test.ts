// The account runner with a scripted venue: Monte Carlo forecasts for multi-asset cross books run off
// the alert path (alerts never wait for them) and replace v1 once they arrive.
import { describe, expect, it } from 'vitest';
import { computeMarginReport, parseSnapshot } from '../../src/domain/margin';
import type { AccountSnapshot, MarginReport } from '../../src/domain/contracts';
import type { AccountForecast } from '../../src/domain/forecast/types';
import { openDatabase } from '../../src/store/db';
import { HistoryStore } from '../../src/store/historyStore';
import { AccountRunner, type AlertSink, type Forecaster } from '../../src/service/accountRunner';
import type { VenueListener, VenueSession } from '../../src/venues/types';

const tiers = [{ floor: '0', cap: '1000000', maintenanceRate: '0.005', maintenanceAmount: '0', maxLeverage: '50' }];
function snapshot(btc: string, asOf: string): AccountSnapshot {
  const position = (symbol: string, mark: string, entry: string, size: string) => ({
    symbol, contractType: 'linear' as const, marginMode: 'cross' as const, positionSide: 'both' as const, side: 'long' as const,
    size, contractSize: '1', entryPrice: entry, markPrice: mark, leverage: '20', tiers,
  });
  return {
    schema: 'marginwatch.snapshot/1', venue: 'binance-usdm', asOf, positionMode: 'oneway', settleAsset: 'USDT', crossWalletBalance: '5000',
    positions: [position('BTCUSDT', btc, '60000', '1'), position('ETHUSDT', '3000', '3000', '10')],
  };
}

function forecastOf(model: AccountForecast['model'], p: number): AccountForecast {
  return { asOf: new Date(0).toISOString(), model, levels: [{ level: '1', probabilities: [{ horizonMin: 60, probability: p }], medianMinutes: null, q10Minutes: null }], positions: [], warnings: [] };
}

type AlertInputOf = Parameters<AlertSink['evaluate']>[1];

/** A runner on a scripted venue (the test drives its listener) with an in-memory history. */
async function scriptedRunner(forecaster: Forecaster, evaluate: (input: AlertInputOf) => void, now: () => number, markHistory: VenueSession['markHistory'] = async () => []) {
  let captured: VenueListener | null = null;
  const session: VenueSession = {
    accountId: 'a',
    start: async (l) => void (captured = l),
    stop: async () => {},
    fetchSnapshot: async () => snapshot('60000', new Date(now()).toISOString()),
    markHistory,
  };
  const db = openDatabase(':memory:');
  const runner = new AccountRunner({ id: 'a', name: 'A', source: 'binance-usdm', options: {} }, session, {
    engine: { parse: parseSnapshot, compute: (s: AccountSnapshot): MarginReport => computeMarginReport(s) },
    forecaster,
    alerts: { evaluate: async (_id, input) => evaluate(input), accountLevel: () => 'ok', danger: () => null },
    history: new HistoryStore(db),
    now,
    settings: () => ({ engine: {}, historyIntervalMs: 5000, snapshotIntervalMs: 60000 }),
    emit: () => {},
    log: () => {},
  });
  await runner.start();
  const listener: VenueListener = captured!;
  return { runner, db, listener };
}

describe('account runner', () => {
  it('runs Monte Carlo in the background for a multi-asset cross book and shows it once it arrives', async () => {
    let now = Date.UTC(2026, 0, 1);
    let resolveMc: ((f: AccountForecast) => void) | null = null;
    let mcCalls = 0;
    const forecaster: Forecaster = {
      ingestCandles: () => {},
      ingestTick: () => {},
      sigma: () => null,
      forecast: () => forecastOf('v1-closed-form', 0.01),
      needsMonteCarlo: (s) => new Set(s.positions.map((p) => p.symbol)).size > 1,
      forecastMonteCarlo: () => {
        mcCalls++;
        return new Promise((resolve) => (resolveMc = resolve));
      },
    };
    const evaluated: (AccountForecast | null)[] = [];
    const { runner, db, listener } = await scriptedRunner(forecaster, (input) => void evaluated.push(input.forecast), () => now);
    listener.onSnapshot(snapshot('59000', new Date(now).toISOString()));
    await runner.idle();
    // The alert path got v1 without waiting for the Monte Carlo still running.
    expect(evaluated.at(-1)?.model).toBe('v1-closed-form');
    expect(mcCalls).toBe(1);

    now += 1000;
    listener.onSnapshot(snapshot('58900', new Date(now).toISOString()));
    await runner.idle();
    expect(mcCalls).toBe(1); // not restarted while one runs
    resolveMc!(forecastOf('v2-monte-carlo', 0.2));
    await new Promise((r) => setTimeout(r, 0));

    now += 1000;
    listener.onSnapshot(snapshot('58800', new Date(now).toISOString()));
    await runner.idle();
    expect(evaluated.at(-1)?.model).toBe('v2-monte-carlo');
    expect(runner.view().forecast?.model).toBe('v2-monte-carlo');

    now += 120_000; // stale Monte Carlo: v1 again while a new run starts
    listener.onSnapshot(snapshot('58700', new Date(now).toISOString()));
    await runner.idle();
    expect(evaluated.at(-1)?.model).toBe('v1-closed-form');
    expect(mcCalls).toBe(2);
    db.close();
  });

  it('turns the trader\'s own closing fills into closedByTrader for two minutes; only a live stream sees trader orders', async () => {
    let now = Date.UTC(2026, 0, 1);
    const inputs: AlertInputOf[] = [];
    const forecaster: Forecaster = { ingestCandles: () => {}, ingestTick: () => {}, sigma: () => null, forecast: () => forecastOf('v1-closed-form', 0.01) };
    const { runner, db, listener } = await scriptedRunner(forecaster, (input) => void inputs.push(input), () => now);
    listener.onSnapshot(snapshot('59000', new Date(now).toISOString()));
    await runner.idle();
    expect(inputs.at(-1)?.closedByTrader).toEqual([]);
    expect(inputs.at(-1)?.traderOrdersVisible).toBe(false); // still connecting: no stream yet
    listener.onHealth({ state: 'live', dataAsOf: new Date(now).toISOString(), lastError: null });
    // The trader sells the cross BTC leg: the cross book is the subject it touches; no venue event.
    listener.onOrderEvent!({ kind: 'order', time: now, symbol: 'BTCUSDT', positionSide: 'both', reason: 'trader-close', price: '59000' });
    now += 90_000;
    listener.onSnapshot(snapshot('59000', new Date(now).toISOString()));
    await runner.idle();
    expect(inputs.at(-1)).toMatchObject({ closedByTrader: ['cross'], traderOrdersVisible: true, venueEvents: [] });
    now += 31_000; // more than two minutes after the close: it no longer explains a vanishing subject
    listener.onSnapshot(snapshot('59000', new Date(now).toISOString()));
    await runner.idle();
    expect(inputs.at(-1)?.closedByTrader).toEqual([]);
    listener.onHealth({ state: 'polling', dataAsOf: new Date(now).toISOString(), lastError: null });
    await new Promise((r) => setTimeout(r, 0));
    expect(inputs.at(-1)?.traderOrdersVisible).toBe(false);
    await runner.stop();
    db.close();
  });

  it("feeds the snapshots' marks into the price history, so σ follows a polled market without a mark stream", async () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const ticks: { symbol: string; price: string; time: number }[] = [];
    const forecaster: Forecaster = {
      ingestCandles: () => {},
      ingestTick: (t) => void ticks.push({ symbol: t.symbol, price: t.price, time: t.time }),
      sigma: () => null,
      forecast: () => forecastOf('v1-closed-form', 0.01),
    };
    const { runner, db, listener } = await scriptedRunner(forecaster, () => {}, () => now);
    listener.onHealth({ state: 'polling', dataAsOf: new Date(now).toISOString(), lastError: null });
    for (const mark of ['60000', '59400', '58800']) {
      listener.onSnapshot(snapshot(mark, new Date(now).toISOString()));
      await runner.idle();
      now += 60_000;
    }
    expect(ticks.filter((t) => t.symbol === 'BTCUSDT')).toEqual([
      { symbol: 'BTCUSDT', price: '60000', time: Date.UTC(2026, 0, 1, 12, 0) },
      { symbol: 'BTCUSDT', price: '59400', time: Date.UTC(2026, 0, 1, 12, 1) },
      { symbol: 'BTCUSDT', price: '58800', time: Date.UTC(2026, 0, 1, 12, 2) },
    ]);
    expect(ticks.filter((t) => t.symbol === 'ETHUSDT')).toHaveLength(3);
    await runner.stop();
    db.close();
  });

  it('asks a failed mark-history backfill again a minute later, and never takes the minute still forming as history', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30);
    const asked: number[] = [];
    const ingested: { symbol: string; times: number[] }[] = [];
    const markHistory: VenueSession['markHistory'] = async (symbol, fromMs, toMs) => {
      asked.push(toMs);
      if (asked.length <= 2) throw new Error('HTTP 503'); // BTC and ETH of the first snapshot both fail
      const lastOpen = Math.floor(toMs / 60_000) * 60_000; // the minute still forming
      return [3, 2, 1, 0].map((k) => ({ time: lastOpen - k * 60_000, open: 1, high: 1, low: 1, close: 1 })).filter((c) => c.time >= fromMs);
    };
    const forecaster: Forecaster = {
      ingestCandles: (symbol, candles) => void ingested.push({ symbol, times: candles.map((c) => c.time) }),
      ingestTick: () => {},
      sigma: () => null,
      forecast: () => forecastOf('v1-closed-form', 0.01),
    };
    const { runner, db, listener } = await scriptedRunner(forecaster, () => {}, () => now, markHistory);
    listener.onSnapshot(snapshot('60000', new Date(now).toISOString()));
    await runner.idle();
    const firstAsks = asked.length;
    expect(firstAsks).toBeGreaterThanOrEqual(2);
    expect(ingested).toEqual([]);
    now += 20_000; // too soon: not asked again on every snapshot
    listener.onSnapshot(snapshot('60000', new Date(now).toISOString()));
    await runner.idle();
    expect(asked.length).toBe(firstAsks);
    now += 45_000;
    listener.onSnapshot(snapshot('60000', new Date(now).toISOString()));
    await runner.idle();
    expect(ingested.map((i) => i.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    for (const i of ingested) {
      expect(i.times.length).toBe(3);
      for (const t of i.times) expect(t + 60_000).toBeLessThanOrEqual(now);
    }
    const asksAfterSuccess = asked.length;
    now += 120_000; // done once it worked
    listener.onSnapshot(snapshot('60000', new Date(now).toISOString()));
    await runner.idle();
    expect(asked.length).toBe(asksAfterSuccess);
    await runner.stop();
    db.close();
  });

  it("judges a cross book's positions on this tick's v1 while the Monte Carlo is used, and ages a result from its snapshot", async () => {
    let now = Date.UTC(2026, 0, 1);
    let resolveMc: ((f: AccountForecast) => void) | null = null;
    let mcCalls = 0;
    // v1's position forecast carries the BTC mark it was computed on, in its P(1 h).
    const v1At = (s: AccountSnapshot): AccountForecast => ({
      ...forecastOf('v1-closed-form', 0.01),
      positions: [{ symbol: 'BTCUSDT', positionSide: 'both', levels: [{ level: '1', probabilities: [{ horizonMin: 60, probability: Number(s.positions[0]!.markPrice) / 1e6 }], medianMinutes: null, q10Minutes: null }] }],
    });
    const forecaster: Forecaster = {
      ingestCandles: () => {},
      ingestTick: () => {},
      sigma: () => null,
      forecast: (s) => v1At(s),
      needsMonteCarlo: () => true,
      forecastMonteCarlo: (s) => {
        mcCalls++;
        const computedOn = v1At(s);
        return new Promise((resolve) => (resolveMc = (f) => resolve({ ...f, positions: computedOn.positions })));
      },
    };
    const evaluated: (AccountForecast | null)[] = [];
    const { runner, db, listener } = await scriptedRunner(forecaster, (input) => void evaluated.push(input.forecast), () => now);
    listener.onSnapshot(snapshot('59000', new Date(now).toISOString()));
    await runner.idle();
    const startedAt = now;
    now += 50_000; // a slow worker: the result arrives 50 s after its snapshot
    resolveMc!(forecastOf('v2-monte-carlo', 0.2));
    await new Promise((r) => setTimeout(r, 0));
    listener.onSnapshot(snapshot('58000', new Date(now).toISOString()));
    await runner.idle();
    const used = evaluated.at(-1)!;
    expect(used.model).toBe('v2-monte-carlo');
    expect(used.levels[0]!.probabilities[0]!.probability).toBe(0.2); // the book as a whole: Monte Carlo
    expect(used.positions[0]!.levels[0]!.probabilities[0]!.probability).toBe(0.058); // the position: this tick's v1
    now = startedAt + 61_000; // 61 s after its snapshot, 11 s after it arrived: too old
    listener.onSnapshot(snapshot('57000', new Date(now).toISOString()));
    await runner.idle();
    expect(evaluated.at(-1)!.model).toBe('v1-closed-form');
    expect(mcCalls).toBe(2);
    await runner.stop();
    db.close();
  });

  it('a backfill that answers promptly is in the first verdict: σ is there from the first snapshot', async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const learned = new Set<string>();
    const forecaster: Forecaster = {
      ingestCandles: (symbol) => void learned.add(symbol),
      ingestTick: () => {},
      sigma: (symbol) => (learned.has(symbol) ? 0.001 : null),
      forecast: () => forecastOf('v1-closed-form', 0.01),
    };
    const volatility: Record<string, number | null>[] = [];
    const markHistory: VenueSession['markHistory'] = async () => [{ time: now - 120_000, open: 1, high: 1, low: 1, close: 1 }];
    const { runner, db } = await scriptedRunner(forecaster, (input) => void volatility.push(input.volatility ?? {}), () => now, markHistory);
    await runner.enqueue(snapshot('60000', new Date(now).toISOString()));
    expect(volatility[0]).toEqual({ BTCUSDT: 0.001, ETHUSDT: 0.001 });
    await runner.stop();
    db.close();
  });

  it('judges a snapshot without waiting long for a slow mark-history backfill, and takes the history when it lands', async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const waiting: ((c: Awaited<ReturnType<VenueSession['markHistory']>>) => void)[] = [];
    const markHistory: VenueSession['markHistory'] = () => new Promise((resolve) => waiting.push(resolve));
    const ingested: string[] = [];
    const forecaster: Forecaster = {
      ingestCandles: (symbol) => void ingested.push(symbol),
      ingestTick: () => {},
      sigma: () => null,
      forecast: () => forecastOf('v1-closed-form', 0.01),
    };
    let evaluations = 0;
    const { runner, db } = await scriptedRunner(forecaster, () => void evaluations++, () => now, markHistory);
    await runner.enqueue(snapshot('60000', new Date(now).toISOString()));
    expect(evaluations).toBe(1); // judged (after a short wait) while the history request is still out
    expect(waiting.length).toBe(1);
    expect(ingested).toEqual([]);
    const candle = { time: now - 120_000, open: 1, high: 1, low: 1, close: 1 };
    while (waiting.length > 0) {
      waiting.shift()!([candle]);
      await new Promise((r) => setTimeout(r, 0));
    }
    await runner.idle();
    expect(ingested.sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    await runner.stop();
    db.close();
  });
});

