// Small builders for snapshots/reports used by the forecast tests (numbers as decimal strings).
import type { AccountSnapshot, MarginReport, Position, PositionReport } from '../../../src/domain/contracts';
import { DEFAULT_PARAMS, type ForecastParams, type MarketView } from '../../../src/domain/forecast';
import type { CandleSeries } from '../../../src/backtest/candles';

export function position(over: Partial<Position> = {}): Position {
  return {
    symbol: 'BTCUSDT',
    contractType: 'linear',
    marginMode: 'isolated',
    positionSide: 'both',
    side: 'long',
    size: '1',
    contractSize: '1',
    entryPrice: '50000',
    markPrice: '50000',
    leverage: '20',
    isolatedMargin: '2500',
    ...over,
  };
}

export function positionReport(over: Partial<PositionReport> = {}): PositionReport {
  return {
    symbol: 'BTCUSDT',
    positionSide: 'both',
    marginMode: 'isolated',
    notional: '50000',
    unrealizedPnl: '0',
    initialMargin: '2500',
    maintenanceRate: '0.004',
    maintenanceAmount: '0',
    maintenanceMargin: '200',
    liquidationPrice: '47690.76',
    bankruptcyPrice: '47500',
    distanceToLiquidation: '-0.046',
    reduceToTarget: null,
    triggerPrices: [],
    discrepancy: null,
    ...over,
  };
}

export function snapshot(positions: Position[], over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    schema: 'marginwatch.snapshot/1',
    venue: 'binance-usdm',
    asOf: '2024-05-01T12:00:00.000Z',
    positionMode: 'oneway',
    settleAsset: 'USDT',
    crossWalletBalance: '10000',
    positions,
    ...over,
  };
}

export function report(positions: PositionReport[], account: Partial<MarginReport['account']> = {}): MarginReport {
  return {
    schema: 'marginwatch.report/1',
    venue: 'binance-usdm',
    asOf: '2024-05-01T12:00:00.000Z',
    settleAsset: 'USDT',
    account: {
      walletBalance: '10000',
      unrealizedPnl: '0',
      marginBalance: '10000',
      initialMargin: '0',
      maintenanceMargin: '0',
      availableBalance: '10000',
      marginRatio: '0',
      venueMarginRatio: null,
      topUpToTarget: '0',
      ...account,
    },
    positions,
    warnings: [],
  };
}

export function market(sigmas: Record<string, number>, correlations: Record<string, number> = {}): MarketView {
  return {
    sigma: (s) => sigmas[s] ?? null,
    correlation: (a, b) => correlations[`${a}|${b}`] ?? correlations[`${b}|${a}`] ?? null,
  };
}

/** Parameters without tail floor or calibration, so tests can compare against bare closed forms. */
export function bareParams(over: Partial<ForecastParams> = {}): ForecastParams {
  const noTail = { ratePerMin: 0, x0: 0.02, alpha: 3 };
  return { ...DEFAULT_PARAMS, defaults: { volFloorPerMin: 0, tailDown: noTail, tailUp: noTail }, ...over };
}

const T0 = Date.UTC(2024, 0, 1);

/** Seeded random walk; `shock` = [bar index, bars, per-bar log drift]. */
export function randomWalk(n: number, intervalMin: number, seed0: number, vol: number, shock?: [number, number, number]): CandleSeries {
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let seed = seed0;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  let px = 100;
  for (let i = 0; i < n; i++) {
    const drift = shock && i >= shock[0] && i < shock[0] + shock[1] ? shock[2] : 0;
    const o = px;
    px = px * Math.exp(drift + vol * rnd() * 3.4);
    time[i] = T0 + i * intervalMin * 60_000;
    open[i] = o;
    close[i] = px;
    high[i] = Math.max(o, px) * (1 + Math.abs(rnd()) * vol);
    low[i] = Math.min(o, px) * (1 - Math.abs(rnd()) * vol);
  }
  return { name: `walk${seed0}`, intervalMin, time, open, high, low, close, gaps: [] };
}
