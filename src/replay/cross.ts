// Cross-book replay: a multi-asset cross-margin book held through candle files of several symbols over
// the same minutes, with the service's real pipeline (engine → forecast → alert reducer). Within a
// candle each symbol follows the usual OHLC path — a candle that closes down visits its high, then its
// low; one that closes up, its low, then its high — at the same two instants for every symbol. (Visiting
// every symbol's adverse extreme together, as the one-symbol replay does, invents spreads a hedged book
// never saw: BTC's high at the open with ETH's low at the close of a minute both fell in.) When the cross
// margin ratio reaches 1 the exchange closes the whole book, as on Binance.
import Decimal from 'decimal.js';
import type { AccountSnapshot, Candle, Tier } from '../domain/contracts';
import { computeMarginReport } from '../domain/margin';
import { liquidateByVenueRules } from '../domain/danger';
import type { LiquidationEvent } from '../domain/alerts/types';
import { replayJudge, type JudgeOptions } from './judge';
import { ReplayInputError, setMark, type ReplayForecaster, type ReplayLine } from './run';

export interface CrossLeg {
  symbol: string;
  side: 'long' | 'short';
  price: number;
  tiers: Tier[];
}

/** A Binance-style one-way cross book: each leg `notional` USDT at its price, wallet = total notional / leverage. */
export function crossBookSnapshot(legs: readonly CrossLeg[], leverage: number, atMs: number, notional = 10_000): AccountSnapshot {
  const positions = legs.map((l) => {
    const d = l.price >= 1000 ? 2 : l.price >= 10 ? 3 : 4;
    const entry = l.price.toFixed(d);
    return {
      symbol: l.symbol, contractType: 'linear' as const, marginMode: 'cross' as const, positionSide: 'both' as const, side: l.side,
      size: (notional / l.price).toPrecision(6), contractSize: '1', entryPrice: entry, markPrice: entry, leverage: String(leverage), tiers: l.tiers, tickSize: (10 ** -d).toFixed(d),
    };
  });
  const wallet = positions.reduce((a, p) => a.plus(new Decimal(p.size).times(p.entryPrice)), new Decimal(0)).div(leverage);
  return { schema: 'marginwatch.snapshot/1', venue: 'binance-usdm', asOf: new Date(atMs).toISOString(), positionMode: 'oneway', settleAsset: 'USDT', crossWalletBalance: wallet.toFixed(8), positions };
}

export interface CrossReplayInput extends JudgeOptions {
  snapshot: AccountSnapshot;
  /** Candles per symbol of the book, same interval; only minutes every symbol has are replayed. */
  candles: Readonly<Record<string, readonly Candle[]>>;
  intervalMin: number;
  fromMs: number;
  untilMs?: number;
  engine: { targetMarginRatio: string; triggerLevels: readonly string[] };
  forecaster: ReplayForecaster;
}

/** Runs the replay until the book is liquidated or the time runs out; returns the summary line. */
export function runCrossReplay(input: CrossReplayInput, emit: (line: ReplayLine) => void): Extract<ReplayLine, { kind: 'summary' }> {
  const symbols = [...new Set(input.snapshot.positions.map((p) => p.symbol))];
  for (const s of symbols) if (!input.candles[s]) throw new ReplayInputError(`no candles for ${s}`);
  const byTime = symbols.map((s) => new Map(input.candles[s]!.map((c) => [c.time, c])));
  for (const s of symbols) input.forecaster.ingestCandles(s, input.candles[s]!.filter((c) => c.time < input.fromMs) as Candle[]);
  const times = input.candles[symbols[0]!]!.map((c) => c.time).filter((t) => t >= input.fromMs && (input.untilMs === undefined || t < input.untilMs) && byTime.every((m) => m.has(t)));
  if (times.length === 0) throw new ReplayInputError('the files share no minute after --from');
  const intervalMs = input.intervalMin * 60_000;
  const engineOptions = { targetMarginRatio: input.engine.targetMarginRatio, triggerLevels: input.engine.triggerLevels };
  const judge = replayJudge(input, emit);
  let snapshot: AccountSnapshot = structuredClone(input.snapshot);
  let liquidations = 0;
  let positionMs = 0;
  for (const t of times) {
    if (snapshot.positions.length === 0) break;
    const bars = symbols.map((_, i) => byTime[i]!.get(t)!);
    const first = bars.map((c) => (c.close < c.open ? c.high : c.low));
    const second = bars.map((c) => (c.close < c.open ? c.low : c.high));
    for (const [prices, at] of [[first, t + intervalMs / 3], [second, t + (2 * intervalMs) / 3]] as const) {
      if (snapshot.positions.length === 0) break;
      symbols.forEach((s, i) => setMark(snapshot, s, prices[i]!, at));
      let report = computeMarginReport(snapshot, engineOptions);
      const events: LiquidationEvent[] = [];
      const gone = liquidateByVenueRules(snapshot, report);
      if (gone.closed.length > 0) {
        for (const g of gone.closed) {
          liquidations++;
          emit({ t: new Date(at).toISOString(), kind: 'liquidated', subject: g.subject, price: g.price });
          events.push({ subject: g.subject, kind: 'liquidation', price: g.price, atMs: at });
        }
        snapshot = gone.after;
        report = computeMarginReport(snapshot, engineOptions);
      }
      judge.evaluate(at, snapshot, report, events);
    }
    positionMs += intervalMs;
    symbols.forEach((s, i) => input.forecaster.ingestCandles(s, [bars[i]! as Candle]));
  }
  const summary = { kind: 'summary' as const, alerts: judge.alerts(), liquidations, positionDays: Number((positionMs / 86_400_000).toFixed(4)) };
  emit(summary);
  return summary;
}
