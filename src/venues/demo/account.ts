// The built-in demo account: Binance USDⓈ-M in hedge mode (margin mode and leverage are per symbol there,
// so BTC is isolated at 50x and ETH cross at 20x, each with a long and a short leg), opened just before
// the replayed crash so every alert level shows up within minutes.
import Decimal from 'decimal.js';
import type { AccountSnapshot, MarginReport, Position, Tier } from '../../domain/contracts';
import { SNAPSHOT_SCHEMA } from '../../domain/contracts';

export interface DemoPositionPlan {
  symbol: string;
  positionSide: 'long' | 'short';
  marginMode: 'cross' | 'isolated';
  side: 'long' | 'short';
  size: string;
  leverage: string;
  /** Entry relative to the replay's first price: "1.004" = opened 0.4 % above it. */
  entryFactor: string;
}

export const DEMO_WALLET = '3900';

/**
 * Opened at the replay's first prices (10:00 UTC). The 50x BTC long reaches warning, margin call and
 * liquidation within the first 15 market minutes (BTC −2 %); the cross ETH book reaches its margin call
 * about 2.5 market hours in and is liquidated ~20 minutes later (`scripts/demo-timeline.ts` prints the
 * timeline). At the default speed (×30) that is ~30 s and ~5 min after start.
 */
export const DEMO_PLAN: readonly DemoPositionPlan[] = [
  { symbol: 'BTCUSDT', positionSide: 'long', marginMode: 'isolated', side: 'long', size: '0.5', leverage: '50', entryFactor: '1' },
  { symbol: 'BTCUSDT', positionSide: 'short', marginMode: 'isolated', side: 'short', size: '0.2', leverage: '50', entryFactor: '1' },
  { symbol: 'ETHUSDT', positionSide: 'long', marginMode: 'cross', side: 'long', size: '10', leverage: '20', entryFactor: '1.01' },
  { symbol: 'ETHUSDT', positionSide: 'short', marginMode: 'cross', side: 'short', size: '4', leverage: '20', entryFactor: '0.995' },
];

const TICK = new Decimal('0.01');

export function roundToTick(price: number | Decimal): Decimal {
  return new Decimal(price).toNearest(TICK, Decimal.ROUND_HALF_UP);
}

export interface DemoAccountState {
  walletBalance: Decimal;
  positions: Array<DemoPositionPlan & { entryPrice: Decimal; isolatedMargin: Decimal }>;
}

/** Opens the demo positions at the replay's first prices. */
export function openDemoAccount(startPrices: Record<string, number>, plan = DEMO_PLAN): DemoAccountState {
  return {
    walletBalance: new Decimal(DEMO_WALLET),
    positions: plan.map((p) => {
      const start = startPrices[p.symbol];
      if (start === undefined) throw new Error(`demo: no price for ${p.symbol}`);
      const entryPrice = roundToTick(new Decimal(start).mul(p.entryFactor));
      const isolatedMargin =
        p.marginMode === 'isolated' ? entryPrice.mul(p.size).div(p.leverage).toDecimalPlaces(8, Decimal.ROUND_UP) : new Decimal(0);
      return { ...p, entryPrice, isolatedMargin };
    }),
  };
}

export function demoSnapshot(
  state: DemoAccountState,
  marks: Record<string, Decimal>,
  tiers: Record<string, Tier[]>,
  asOf: string,
  nextFundingTime: string,
): AccountSnapshot {
  const positions: Position[] = state.positions.map((p) => ({
    symbol: p.symbol,
    contractType: 'linear',
    marginMode: p.marginMode,
    positionSide: p.positionSide,
    side: p.side,
    size: p.size,
    contractSize: '1',
    entryPrice: p.entryPrice.toFixed(2),
    markPrice: (marks[p.symbol] ?? p.entryPrice).toFixed(2),
    leverage: p.leverage,
    ...(p.marginMode === 'isolated' ? { isolatedMargin: p.isolatedMargin.toFixed(8) } : {}),
    tiers: tiers[p.symbol] ?? [],
    fundingRate: '0.0001',
    nextFundingTime,
    tickSize: '0.01',
    lotSize: '0.001',
  }));
  return {
    schema: SNAPSHOT_SCHEMA,
    venue: 'binance-usdm',
    asOf,
    positionMode: 'hedge',
    settleAsset: 'USDT',
    crossWalletBalance: state.walletBalance.toFixed(8),
    positions,
  };
}

/** A position the demo exchange closed by liquidation, at the engine's liquidation price. */
export interface DemoLiquidation {
  symbol: string;
  positionSide: 'both' | 'long' | 'short';
  price: string;
}

/**
 * What the exchange does when a position's mark reaches its liquidation price: an isolated position is
 * closed and loses its margin; when the cross account's margin ratio reaches 1, every cross position is
 * closed and the cross wallet keeps what is left of its margin balance (never below zero). Returns one
 * entry per position closed.
 */
export function liquidateDemoAccount(state: DemoAccountState, snapshot: AccountSnapshot, report: MarginReport): DemoLiquidation[] {
  const gone = new Set<number>();
  const out: DemoLiquidation[] = [];
  snapshot.positions.forEach((p, i) => {
    const lp = report.positions[i]?.liquidationPrice;
    if (p.marginMode !== 'isolated' || !lp) return;
    const mark = new Decimal(p.markPrice);
    if (p.side === 'long' ? mark.lte(lp) : mark.gte(lp)) {
      gone.add(i);
      out.push({ symbol: p.symbol, positionSide: p.positionSide, price: lp });
    }
  });
  const crossRatio = report.account.marginRatio;
  if (crossRatio !== null && new Decimal(crossRatio).gte(1) && snapshot.positions.some((p) => p.marginMode === 'cross')) {
    snapshot.positions.forEach((p, i) => {
      if (p.marginMode !== 'cross') return;
      gone.add(i);
      out.push({ symbol: p.symbol, positionSide: p.positionSide, price: report.positions[i]?.liquidationPrice ?? p.markPrice });
    });
    const crossPnl = snapshot.positions.reduce(
      (sum, p, i) => (p.marginMode === 'cross' ? sum.add(report.positions[i]?.unrealizedPnl ?? 0) : sum),
      new Decimal(0),
    );
    state.walletBalance = Decimal.max(0, state.walletBalance.add(crossPnl));
  }
  if (gone.size === 0) return out;
  state.positions = state.positions.filter((_, i) => !gone.has(i));
  return out;
}
