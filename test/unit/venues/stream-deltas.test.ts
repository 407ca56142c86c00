// The pure half of "apply the stream's delta directly": venue messages → typed deltas (every field
// validated, errors name it) and deltas → the next snapshot (or null: only REST can say).
import { describe, expect, it } from 'vitest';
import type { AccountSnapshot } from '../../../src/domain/contracts';
import { applyDelta, applyMark } from '../../../src/venues/exchanges/shared/applyStreamEvent';
import { binanceAccountUpdate, binanceMarkTick } from '../../../src/venues/exchanges/binance/streams';
import { bybitPositionEvents } from '../../../src/venues/exchanges/bybit/streams';
import { okxPositionEvents } from '../../../src/venues/exchanges/okx/streams';
import { deribitPositionEvents } from '../../../src/venues/exchanges/deribit/streams';
import { hyperliquidStateEvents } from '../../../src/venues/exchanges/hyperliquid/streams';
import type { PositionDelta } from '../../../src/venues/streamEvents';
import { position, snapshot as accountSnapshot } from '../margin/helpers';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** One small cross long with a bracket and the venue's own figures (which a delta must drop). */
function snapshot(extra: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return accountSnapshot({
    asOf: new Date(T0).toISOString(),
    crossWalletBalance: '1000',
    positions: [
      position({
        size: '0.01',
        markPrice: '61000',
        tiers: [{ floor: '0', cap: '50000', maintenanceRate: '0.004', maintenanceAmount: '0', maxLeverage: '125' }],
        reported: { liquidationPrice: '50000', maintenanceMargin: '2.44', unrealizedPnl: '10' },
      }),
    ],
    ...extra,
  });
}

const delta = (fields: PositionDelta['fields'], symbol = 'BTCUSDT'): PositionDelta => ({ kind: 'position', time: T0 + 5_000, symbol, positionSide: 'both', fields });

describe('applying stream deltas to the live snapshot', () => {
  it('a position delta replaces the carried fields, keeps tiers, drops every venue figure, and dates the snapshot by the event', () => {
    const next = applyDelta(snapshot(), delta({ side: 'short', size: '0.03', entryPrice: '62000' }))!;
    expect(next.positions[0]).toMatchObject({ side: 'short', size: '0.03', entryPrice: '62000', markPrice: '61000', leverage: '10' });
    expect(next.positions[0]!.tiers).toHaveLength(1);
    expect(next.positions[0]!.reported).toBeUndefined();
    expect(next.asOf).toBe(new Date(T0 + 5_000).toISOString());
  });

  it('a closed position disappears; a new one, or collateral, is left to REST (null); an unchanged one changes nothing', () => {
    expect(applyDelta(snapshot(), delta(null))!.positions).toHaveLength(0);
    expect(applyDelta(snapshot(), delta({ side: 'long', size: '1', entryPrice: '3000' }, 'ETHUSDT'))).toBeNull();
    const same = snapshot();
    expect(applyDelta(same, delta({ side: 'long', size: '0.01', entryPrice: '60000' }))).toBe(same);
    expect(applyDelta(same, { kind: 'balance', time: T0, asset: 'BNB', crossWalletBalance: '5' })).toBe(same); // not counted in this view
    const multi = snapshot({ collateral: [{ asset: 'BNB', amount: '1', price: '600', haircut: '0.05' }] });
    expect(applyDelta(multi, { kind: 'balance', time: T0, asset: 'BNB', crossWalletBalance: '5' })).toBeNull();
    expect(applyDelta(multi, { kind: 'balance', time: T0, asset: 'USDT', crossWalletBalance: '900.5' })!.crossWalletBalance).toBe('900.5');
  });

  it('isolated margin follows the margin mode; a delta that breaks the contract is a clear error', () => {
    const isolated = applyDelta(snapshot(), delta({ side: 'long', size: '0.01', entryPrice: '60000', marginMode: 'isolated', isolatedMargin: '61' }))!;
    expect(isolated.positions[0]).toMatchObject({ marginMode: 'isolated', isolatedMargin: '61' });
    expect(applyDelta(isolated, delta({ side: 'long', size: '0.01', entryPrice: '60000', marginMode: 'cross', isolatedMargin: '61' }))!.positions[0]!.isolatedMargin).toBeUndefined();
    expect(() => applyDelta(snapshot(), delta({ side: 'long', size: '0.01', entryPrice: '-5' }))).toThrow(/entryPrice/);
  });

  it('a mark keeps the liquidation price, drops mark-dependent figures, and carries funding when the tick does', () => {
    const next = applyMark(snapshot(), binanceMarkTick({ e: 'markPriceUpdate', E: T0 + 1_000, s: 'BTCUSDT', p: '61500.5', r: '0.0001', T: T0 + 3_600_000 }) as never);
    expect(next.positions[0]).toMatchObject({ markPrice: '61500.5', fundingRate: '0.0001', nextFundingTime: new Date(T0 + 3_600_000).toISOString() });
    expect(next.positions[0]!.reported).toEqual({ liquidationPrice: '50000' });
    const same = snapshot();
    expect(applyMark(same, { kind: 'mark', time: T0, symbol: 'BTCUSDT', price: '61000' })).toBe(same);
  });
});

describe('venue stream messages → deltas', () => {
  it('Binance ACCOUNT_UPDATE: balances and positions (one-way sign, hedge legs, closes); an unreadable field is named', () => {
    const events = binanceAccountUpdate({
      e: 'ACCOUNT_UPDATE',
      E: T0,
      a: {
        B: [{ a: 'USDT', wb: '1001', cw: '1000.5' }],
        P: [
          { s: 'BTCUSDT', pa: '-0.02', ep: '62000', up: '0', mt: 'cross', iw: '0', ps: 'BOTH' },
          { s: 'ETHUSDT', pa: '1.5', ep: '3000', up: '0', mt: 'isolated', iw: '45.1', ps: 'LONG' },
          { s: 'XRPUSDT', pa: '0', ep: '0', up: '0', mt: 'cross', iw: '0', ps: 'BOTH' },
        ],
      },
    });
    expect(events).toEqual([
      { kind: 'balance', time: T0, asset: 'USDT', crossWalletBalance: '1000.5' },
      { kind: 'position', time: T0, symbol: 'BTCUSDT', positionSide: 'both', fields: { side: 'short', size: '0.02', entryPrice: '62000', marginMode: 'cross' } },
      { kind: 'position', time: T0, symbol: 'ETHUSDT', positionSide: 'long', fields: { side: 'long', size: '1.5', entryPrice: '3000', marginMode: 'isolated', isolatedMargin: '45.1' } },
      { kind: 'position', time: T0, symbol: 'XRPUSDT', positionSide: 'both', fields: null },
    ]);
    expect(() => binanceAccountUpdate({ e: 'ACCOUNT_UPDATE', E: T0, a: { B: [], P: [{ s: 'BTCUSDT', pa: 'x', ps: 'BOTH' }] } })).toThrow(/ACCOUNT_UPDATE\.a\.P\[0\]\.pa/);
    expect(() => binanceAccountUpdate({ e: 'ACCOUNT_UPDATE', E: T0, a: { B: [], P: [{ s: 'BTCUSDT', pa: '1', ep: '1', mt: 'cross', ps: 'UP' }] } })).toThrow(/\.ps/);
  });

  it('Bybit position, OKX cross positions (isolated → REST), Deribit USD size → contracts, Hyperliquid full state with closes', () => {
    expect(bybitPositionEvents({ topic: 'position', creationTime: T0, data: [{ symbol: 'BTCUSD', side: 'Sell', size: '400', entryPrice: '30000', leverage: '5', positionIdx: 0, tradeMode: 0 }] })).toEqual([
      { kind: 'position', time: T0, symbol: 'BTCUSD', positionSide: 'both', fields: { side: 'short', size: '400', entryPrice: '30000', leverage: '5' } },
    ]);
    expect(() => bybitPositionEvents({ topic: 'position', creationTime: T0, data: [{ symbol: 'BTCUSD', side: 'Up', size: '1', positionIdx: 0 }] })).toThrow(/position\.data\[0\]\.side/);
    const okx = okxPositionEvents([{ instId: 'BTC-USDT-SWAP', posSide: 'net', pos: '-3', avgPx: '35000', lever: '10', mgnMode: 'cross', uTime: String(T0) }, { instId: 'ETH-USDT-SWAP', mgnMode: 'isolated' }], T0 + 1);
    expect(okx[0]).toEqual({ kind: 'position', time: T0, symbol: 'BTC-USDT-SWAP', positionSide: 'both', fields: { side: 'short', size: '3', entryPrice: '35000', leverage: '10', marginMode: 'cross' } });
    expect(okx[1]).toEqual({ kind: 'account-changed', time: T0 + 1 });
    const instrument = (name: string) => (name === 'BTC-PERPETUAL' ? { instrument_type: 'reversed', contract_size: '10' } : undefined);
    expect(deribitPositionEvents({ positions: [{ instrument_name: 'BTC-PERPETUAL', size: -30000, direction: 'sell', average_price: '64000', leverage: 50 }] }, instrument, T0)).toEqual([
      { kind: 'position', time: T0, symbol: 'BTC-PERPETUAL', positionSide: 'both', fields: { side: 'short', size: '3000', entryPrice: '64000', leverage: '50' } },
    ]);
    expect(deribitPositionEvents({ positions: [{ instrument_name: 'ETH-PERPETUAL', size: 5, direction: 'buy' }] }, instrument, T0)).toEqual([{ kind: 'account-changed', time: T0 }]);
    const held = new Set(['BTC']);
    const hl = hyperliquidStateEvents(
      { time: T0, crossMarginSummary: { accountValue: '1010' }, assetPositions: [{ position: { coin: 'ETH', szi: '-0.5', entryPx: '3000', leverage: { type: 'cross', value: 20 }, unrealizedPnl: '10', marginUsed: '75' } }] },
      held,
      T0 + 1,
    );
    expect(hl).toEqual([
      { kind: 'position', time: T0, symbol: 'ETH', positionSide: 'both', fields: { side: 'short', size: '0.5', entryPrice: '3000', leverage: '20', marginMode: 'cross' } },
      { kind: 'position', time: T0, symbol: 'BTC', positionSide: 'both', fields: null },
      { kind: 'balance', time: T0, asset: 'USDC', crossWalletBalance: '1000' },
    ]);
    expect([...held]).toEqual(['ETH']);
  });
});
