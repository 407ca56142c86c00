// The forecast as the running service sees it: market state fed by candles and ticks, v1 on every
// report (synchronous, sub-millisecond), v2 Monte Carlo in a worker thread for multi-asset books.
import type { AccountSnapshot, Candle, MarginReport, MarkTick } from '../domain/contracts';
import { DEFAULT_LEVELS, forecastAccountV1, type AccountForecast, type ForecastParams } from '../domain/forecast';
import { MarketState } from './marketState';
import { MonteCarloRunner } from './monteCarloRunner';
import { loadForecastParams } from './params';

export interface ForecastServiceOptions {
  /** Extra normalised margin-ratio levels (merged with the defaults "0.8" and "1"). */
  levels?: string[];
  /** Parameters object, or a path to a params JSON file; default resources/forecast/params.json. */
  params?: ForecastParams | string;
  /** Price history older than this is flagged as stale in the forecast warnings. */
  staleAfterMs?: number;
  /** Monte Carlo paths for v2 (default 10,000) and the seed for common random numbers. */
  monteCarloPaths?: number;
  seed?: number;
}

/** One market scope's view of the forecaster (see `ForecastService.forMarket`). */
export interface MarketForecaster {
  ingestCandles(symbol: string, candles: Candle[]): void;
  ingestTick(tick: MarkTick): void;
  sigma(symbol: string): number | null;
  forecast(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): AccountForecast;
  forecastMonteCarlo(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): Promise<AccountForecast>;
}

export class ForecastService {
  readonly levels: string[];
  readonly params: ForecastParams;
  /** Why the fitted parameters could not be used (surface it as a system warning). */
  readonly paramsWarning: string | null;
  /** Price history per market scope: the default one, and one per `forMarket(scope)`. */
  private readonly markets = new Map<string, MarketState>();
  private readonly market: MarketState;
  private readonly staleAfterMs: number;
  private readonly runner: MonteCarloRunner;

  constructor(options: ForecastServiceOptions = {}) {
    const loaded = typeof options.params === 'object' ? { params: options.params, warning: null } : loadForecastParams(options.params);
    this.params = loaded.params;
    this.paramsWarning = loaded.warning;
    const levels = new Map<number, string>();
    for (const l of [...DEFAULT_LEVELS, ...(options.levels ?? [])]) {
      const v = Number(l);
      if (Number.isFinite(v) && v > 0 && !levels.has(v)) levels.set(v, l);
    }
    this.levels = [...levels.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
    this.market = this.marketOf('');
    this.staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
    this.runner = new MonteCarloRunner({ paths: options.monteCarloPaths ?? 10_000, seed: options.seed ?? 20240501 });
  }

  /**
   * The same forecaster over its own price history. The service gives each account its own scope:
   * a symbol's marks from one account's venue (or the demo's replayed 2021 tape) must never mix with
   * another's, or the jump between two price sources reads as volatility.
   */
  forMarket(scope: string, options: { clockScale?: number } = {}): MarketForecaster {
    const market = this.marketOf(`scope:${scope}`, options.clockScale);
    return {
      ingestCandles: (symbol, candles) => market.ingestCandles(symbol, candles),
      ingestTick: (tick) => market.ingestTick(tick),
      sigma: (symbol) => market.sigma(symbol),
      forecast: (snapshot, report, nowMs) => this.forecastOn(market, snapshot, report, nowMs),
      forecastMonteCarlo: (snapshot, report, nowMs) => this.monteCarloOn(market, snapshot, report, nowMs),
    };
  }

  /** Forgets a scope's price history (its account was removed). */
  dropMarket(scope: string): void {
    this.markets.delete(`scope:${scope}`);
  }

  /** Backfill: 1-minute mark candles, oldest first. */
  ingestCandles(symbol: string, candles: Candle[]): void {
    this.market.ingestCandles(symbol, candles);
  }

  ingestTick(tick: MarkTick): void {
    this.market.ingestTick(tick);
  }

  /** σ per √minute of a symbol's 1-minute log returns (the danger model's σ-distance), or null. */
  sigma(symbol: string): number | null {
    return this.market.sigma(symbol);
  }

  /** v1: closed form, synchronous. Never throws; problems become warnings. */
  forecast(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): AccountForecast {
    return this.forecastOn(this.market, snapshot, report, nowMs);
  }

  /** v2: Monte Carlo in a worker thread (multi-asset books); falls back to v1 with a warning. */
  forecastMonteCarlo(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): Promise<AccountForecast> {
    return this.monteCarloOn(this.market, snapshot, report, nowMs);
  }

  private marketOf(key: string, clockScale = 1): MarketState {
    let market = this.markets.get(key);
    if (!market) this.markets.set(key, (market = new MarketState(this.params, clockScale)));
    return market;
  }

  private forecastOn(market: MarketState, snapshot: AccountSnapshot, report: MarginReport, nowMs: number): AccountForecast {
    try {
      const f = forecastAccountV1({ snapshot, report, market, params: this.params, levels: this.levels, nowMs });
      return { ...f, warnings: [...this.commonWarnings(market, snapshot, nowMs), ...f.warnings] };
    } catch (e) {
      return this.failed(nowMs, 'v1-closed-form', e);
    }
  }

  private async monteCarloOn(market: MarketState, snapshot: AccountSnapshot, report: MarginReport, nowMs: number): Promise<AccountForecast> {
    try {
      const f = await this.runner.run({ snapshot, report, market, params: this.params, levels: this.levels, nowMs });
      return { ...f, warnings: [...this.commonWarnings(market, snapshot, nowMs), ...f.warnings] };
    } catch (e) {
      const v1 = this.forecastOn(market, snapshot, report, nowMs);
      return { ...v1, warnings: [...v1.warnings, `Monte Carlo forecast failed (${(e as Error).message}): showing v1`] };
    }
  }

  async close(): Promise<void> {
    await this.runner.close();
  }

  private commonWarnings(market: MarketState, snapshot: AccountSnapshot, nowMs: number): string[] {
    const out: string[] = [];
    if (this.paramsWarning) out.push(this.paramsWarning);
    for (const symbol of new Set(snapshot.positions.map((p) => p.symbol))) {
      const last = market.lastDataMs(symbol);
      if (last !== null && nowMs - last > this.staleAfterMs) out.push(`price history for ${symbol} is stale (last ${new Date(last).toISOString()})`);
    }
    return out;
  }

  private failed(nowMs: number, model: AccountForecast['model'], e: unknown): AccountForecast {
    return { asOf: new Date(nowMs).toISOString(), model, levels: [], positions: [], warnings: [`forecast failed: ${(e as Error)?.message ?? String(e)}`] };
  }
}

export { MarketState } from './marketState';
export { loadForecastParams } from './params';
