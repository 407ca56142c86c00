// Builders for reducer timelines: a minimal valid MarginReport with a chosen margin ratio.
import type { MarginReport, PositionReport } from '../../../src/domain/contracts';
import type { VenueHealth } from '../../../src/venues/types';
import type { AccountForecast } from '../../../src/domain/forecast/types';

export const T0 = Date.parse('2026-03-02T12:00:00.000Z');
export const MIN = 60_000;

export function position(over: Partial<PositionReport> = {}): PositionReport {
  return {
    symbol: 'BTCUSDT',
    positionSide: 'both',
    marginMode: 'cross',
    notional: '100000',
    unrealizedPnl: '-500',
    initialMargin: '5000',
    maintenanceRate: '0.004',
    maintenanceAmount: '0',
    maintenanceMargin: '400',
    liquidationPrice: '55000',
    bankruptcyPrice: '54000',
    distanceToLiquidation: '-0.08',
    reduceToTarget: null,
    triggerPrices: [],
    discrepancy: null,
    ...over,
  };
}

export function report(
  marginRatio: string | null,
  positions: PositionReport[] = [position()],
  nowMs = T0,
): MarginReport {
  return {
    schema: 'marginwatch.report/1',
    venue: 'binance-usdm',
    asOf: new Date(nowMs).toISOString(),
    settleAsset: 'USDT',
    account: {
      walletBalance: '10000',
      unrealizedPnl: '-500',
      marginBalance: '9500',
      initialMargin: '5000',
      maintenanceMargin: '400',
      availableBalance: '4500',
      marginRatio,
      venueMarginRatio: null,
      topUpToTarget: marginRatio !== null && Number(marginRatio) > 0.5 ? '1234.5' : '0',
    },
    positions,
    warnings: [],
  };
}

export function liveHealth(nowMs: number): VenueHealth {
  return { state: 'live', dataAsOf: new Date(nowMs).toISOString(), lastError: null };
}

export function forecast(p15: number, p60: number, level = '0.8'): AccountForecast {
  return {
    asOf: new Date(T0).toISOString(),
    model: 'v1-closed-form',
    levels: [
      {
        level,
        probabilities: [
          { horizonMin: 15, probability: p15 },
          { horizonMin: 60, probability: p60 },
          { horizonMin: 240, probability: Math.min(1, p60 * 2) },
          { horizonMin: 1440, probability: Math.min(1, p60 * 3) },
        ],
        medianMinutes: null,
        q10Minutes: null,
      },
    ],
    positions: [],
    warnings: [],
  };
}
