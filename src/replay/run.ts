// Replay: the service's real pipeline (engine → forecast → alert reducer, real settings and defaults)
// run on a held book through a candle file, with market time instead of wall-clock waits.
// Positions on the file's symbol are held from `fromMs`; their mark follows the candles, visiting the
// adverse extreme of the book's net exposure first; a position whose engine liquidation price is
// crossed is liquidated at that price and leaves the book, as on the exchange. Output: JSON lines.
import Decimal from 'decimal.js';
import type { AccountSnapshot, Candle, MarginReport } from '../domain/contracts';
import { computeMarginReport } from '../domain/margin';
import { liquidateByVenueRules, type DangerVerdict } from '../domain/danger';
import { replayJudge } from './judge';
import type { AlertSettings } from '../domain/alerts/settings';
import type { LiquidationEvent } from '../domain/alerts/types';
import type { AlertLevel } from '../domain/alerts/levels';
import type { AccountForecast } from '../domain/forecast/types';

export type ReplayLine =
  | { t: string; kind: 'level'; subject: string; level: AlertLevel; distance: string | null; p1h: number | null; ttfMedianMin: number | null }
  | { t: string; kind: 'alert'; subject: string; level: AlertLevel; title: string; body: string; reason: string }
  | { t: string; kind: 'liquidated'; subject: string; price: string }
  | { kind: 'summary'; alerts: number; liquidations: number; positionDays: number };

/** What the replay needs from the forecast runtime (src/forecast's ForecastService fits). */
export interface ReplayForecaster {
  ingestCandles(symbol: string, candles: Candle[]): void;
  forecast(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): AccountForecast;
  sigma(symbol: string): number | null;
}

export interface ReplayInput {
  snapshot: AccountSnapshot;
  symbol: string;
  candles: readonly Candle[];
  /** Candle interval in minutes (1 for 1m files). */
  intervalMin: number;
  fromMs: number;
  settings: AlertSettings;
  engine: { targetMarginRatio: string; triggerLevels: readonly string[] };
  forecaster: ReplayForecaster;
  /** Funding settlements (time ms, rate); longs pay positive rates. Ignored when absent. */
  funding?: { time: ArrayLike<number>; rate: ArrayLike<number> };
  accountName?: string;
  /** Stop holding at this time (default: the file's end). */
  untilMs?: number;
  /** Sees every evaluation's verdict (the danger backtest records its inputs from here). */
  onVerdict?: (nowMs: number, verdict: DangerVerdict) => void;
}

export class ReplayInputError extends Error {}

const DAY_MS = 86_400_000;

/** Runs the replay and hands every line to `emit`, in time order; returns the summary line. */
export function runReplay(input: ReplayInput, emit: (line: ReplayLine) => void): Extract<ReplayLine, { kind: 'summary' }> {
  const { symbol, candles, settings, forecaster } = input;
  if (!input.snapshot.positions.some((p) => p.symbol === symbol)) throw new ReplayInputError(`symbol ${symbol} is not in the snapshot`);
  const start = candles.findIndex((c) => c.time >= input.fromMs);
  if (start < 0) throw new ReplayInputError(`--from ${new Date(input.fromMs).toISOString()} is after the last candle`);
  if (start > 0) forecaster.ingestCandles(symbol, candles.slice(0, start) as Candle[]);
  let snapshot: AccountSnapshot = structuredClone(input.snapshot);
  const intervalMs = input.intervalMin * 60_000;
  const engineOptions = { targetMarginRatio: input.engine.targetMarginRatio, triggerLevels: input.engine.triggerLevels };
  let liquidations = 0;
  let positionMs = 0;
  let fundingIndex = 0;
  const firstMs = candles[start]!.time;
  const funding = input.funding;
  if (funding) while (fundingIndex < funding.time.length && funding.time[fundingIndex]! <= firstMs) fundingIndex++;

  const heldOnSymbol = () => snapshot.positions.filter((p) => p.symbol === symbol);
  let lastMs = firstMs;

  const judge = replayJudge({ settings, forecaster, ...(input.accountName ? { accountName: input.accountName } : {}), ...(input.onVerdict ? { onVerdict: input.onVerdict } : {}) }, emit);
  const evaluate = (nowMs: number, report: MarginReport, events: LiquidationEvent[]) => judge.evaluate(nowMs, snapshot, report, events);

  for (let k = start; k < candles.length; k++) {
    const c = candles[k]!;
    if (heldOnSymbol().length === 0 || (input.untilMs !== undefined && c.time >= input.untilMs)) break;
    if (funding) fundingIndex = settleFunding(snapshot, symbol, funding, fundingIndex, c.time);
    // The adverse extreme of the book's net exposure first (a long book fears the low).
    const net = netExposure(snapshot, symbol);
    const lowFirst = net >= 0;
    const points: [number, number][] = lowFirst
      ? [[c.low, c.time + intervalMs / 3], [c.high, c.time + (2 * intervalMs) / 3]]
      : [[c.high, c.time + intervalMs / 3], [c.low, c.time + (2 * intervalMs) / 3]];
    let goneThisCandle = 0;
    for (const [price, at] of points) {
      setMark(snapshot, symbol, price, at);
      let report = computeMarginReport(snapshot, engineOptions);
      const events: LiquidationEvent[] = [];
      const gone = liquidateByVenueRules(snapshot, report, new Set([symbol]));
      if (gone.closed.length > 0) {
        for (const g of gone.closed) {
          liquidations++;
          emit({ t: new Date(at).toISOString(), kind: 'liquidated', subject: g.subject, price: g.price });
          events.push({ subject: g.subject, kind: 'liquidation', price: g.price, atMs: at });
        }
        goneThisCandle += gone.closedIndexes.filter((i) => snapshot.positions[i]!.symbol === symbol).length;
        snapshot = gone.after;
        report = computeMarginReport(snapshot, engineOptions);
      }
      evaluate(at, report, events);
    }
    // Position time counts each held position until the minute it left the book.
    positionMs += (c.time + intervalMs - lastMs) * (heldOnSymbol().length + goneThisCandle);
    lastMs = c.time + intervalMs;
    forecaster.ingestCandles(symbol, [c as Candle]);
  }
  const summary = { kind: 'summary' as const, alerts: judge.alerts(), liquidations, positionDays: Number((positionMs / DAY_MS).toFixed(4)) };
  emit(summary);
  return summary;
}

function netExposure(snapshot: AccountSnapshot, symbol: string): number {
  let net = 0;
  for (const p of snapshot.positions) if (p.symbol === symbol) net += (p.side === 'long' ? 1 : -1) * Number(p.size) * Number(p.contractSize);
  return net;
}

export function setMark(snapshot: AccountSnapshot, symbol: string, price: number, atMs: number): void {
  const tick = snapshot.positions.find((p) => p.symbol === symbol)?.tickSize;
  const mark = tick ? new Decimal(price).toNearest(tick, Decimal.ROUND_HALF_UP) : new Decimal(price);
  const text = mark.toString();
  for (const p of snapshot.positions) if (p.symbol === symbol) p.markPrice = text;
  snapshot.asOf = new Date(atMs).toISOString();
}

/** Applies funding settlements up to `untilMs`; returns the next unsettled index. */
function settleFunding(snapshot: AccountSnapshot, symbol: string, funding: NonNullable<ReplayInput['funding']>, from: number, untilMs: number): number {
  let i = from;
  for (; i < funding.time.length && funding.time[i]! <= untilMs; i++) {
    const rate = new Decimal(funding.rate[i]!);
    let crossPaid = new Decimal(0);
    for (const p of snapshot.positions) {
      if (p.symbol !== symbol) continue;
      const notional = new Decimal(p.size).times(p.contractSize).times(p.markPrice);
      const paid = rate.times(notional).times(p.side === 'long' ? 1 : -1);
      if (p.marginMode === 'isolated') p.isolatedMargin = Decimal.max(0, new Decimal(p.isolatedMargin ?? 0).minus(paid)).toString();
      else crossPaid = crossPaid.plus(paid);
    }
    snapshot.crossWalletBalance = new Decimal(snapshot.crossWalletBalance).minus(crossPaid).toString();
  }
  return i;
}
