// Small builders for snapshots/reports used by the forecast tests (numbers as decimal strings).
import type { AccountSnapshot, MarginReport, Position, PositionReport } from '../../../src/domain/contracts';
import { DEFAULT_PARAMS, type ForecastParams, type MarketView } from '../../../src/domain/forecast';

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
