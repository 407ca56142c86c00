import { describe, expect, it } from 'vitest';
import { parseBinanceOrderUpdate } from '../../../src/venues/exchanges/binance/liquidation';
import { parseBybitExecution } from '../../../src/venues/exchanges/bybit/liquidation';
import { parseOkxOrders } from '../../../src/venues/exchanges/okx/liquidation';
import { parseHyperliquidUserEvents } from '../../../src/venues/exchanges/hyperliquid/liquidation';
import { parseDeribitChanges } from '../../../src/venues/exchanges/deribit/liquidation';

const NOW = 1_700_000_000_000;

describe('venue liquidation / ADL parsers', () => {
  it('Binance ORDER_TRADE_UPDATE: liquidation order and ADL, once when filled; ordinary orders ignored', () => {
    const update = (o: Record<string, unknown>) => ({ e: 'ORDER_TRADE_UPDATE', E: 1_600_000_000_100, T: 1_600_000_000_000, o: { s: 'BTCUSDT', S: 'SELL', X: 'FILLED', ap: '42226.50', L: '42226.40', T: 1_600_000_000_050, ps: 'LONG', ...o } });
    expect(parseBinanceOrderUpdate(update({ o: 'LIQUIDATION', c: 'autoclose-1600000000000' }), NOW)).toEqual({ kind: 'order', symbol: 'BTCUSDT', positionSide: 'long', reason: 'liquidation', price: '42226.50', time: 1_600_000_000_050 });
    expect(parseBinanceOrderUpdate(update({ o: 'MARKET', c: 'adl_autoclose', ps: 'SHORT' }), NOW)).toMatchObject({ kind: 'order', symbol: 'BTCUSDT', positionSide: 'short', reason: 'adl' });
    expect(parseBinanceOrderUpdate(update({ o: 'LIQUIDATION', c: 'autoclose-1', X: 'PARTIALLY_FILLED' }), NOW)).toBeNull();
    expect(parseBinanceOrderUpdate(update({ o: 'MARKET', c: 'web_abc' }), NOW)).toBeNull();
    expect(parseBinanceOrderUpdate({ e: 'ACCOUNT_UPDATE' }, NOW)).toBeNull();
  });

  it('Bybit execution: BustTrade and AdlTrade by position index', () => {
    const msg = { topic: 'execution', data: [
      { symbol: 'ETHUSDT', execType: 'BustTrade', positionIdx: 1, execPrice: '2900.5', execTime: '1600000000000' },
      { symbol: 'ETHUSDT', execType: 'AdlTrade', positionIdx: 2, execPrice: '3100', execTime: '1600000000001' },
      { symbol: 'ETHUSDT', execType: 'Trade', positionIdx: 0, execPrice: '3000', execTime: '1600000000002' },
    ] };
    expect(parseBybitExecution(msg, NOW)).toEqual([
      { kind: 'order', symbol: 'ETHUSDT', positionSide: 'long', reason: 'liquidation', price: '2900.5', time: 1_600_000_000_000 },
      { kind: 'order', symbol: 'ETHUSDT', positionSide: 'short', reason: 'adl', price: '3100', time: 1_600_000_000_001 },
    ]);
    expect(parseBybitExecution({ topic: 'position', data: [] }, NOW)).toEqual([]);
  });

  it('OKX orders: full and partial liquidation and ADL when filled', () => {
    const msg = { arg: { channel: 'orders', instType: 'SWAP' }, data: [
      { instId: 'BTC-USDT-SWAP', category: 'full_liquidation', state: 'filled', posSide: 'net', avgPx: '25000', uTime: '1600000000000' },
      { instId: 'ETH-USDT-SWAP', category: 'partial_liquidation', state: 'filled', posSide: 'long', avgPx: '1500', uTime: '1600000000001' },
      { instId: 'ETH-USDT-SWAP', category: 'adl', state: 'live', posSide: 'short', avgPx: '', uTime: '1600000000002' },
      { instId: 'ETH-USDT-SWAP', category: 'normal', state: 'filled', posSide: 'short', avgPx: '1', uTime: '1' },
    ] };
    expect(parseOkxOrders(msg, NOW).map((e) => `${e.symbol}:${e.positionSide}:${e.reason}:${e.price}`)).toEqual(['BTC-USDT-SWAP:both:liquidation:25000', 'ETH-USDT-SWAP:long:forced-reduction:1500']);
  });

  it('Hyperliquid fills with a liquidation marker; Deribit trades with a liquidation field', () => {
    const hl = { channel: 'userEvents', data: { fills: [
      { coin: 'SOL', px: '140.2', time: 1_600_000_000_000, liquidation: { liquidatedUser: '0xabc', markPx: '140.1', method: 'market' } },
      { coin: 'SOL', px: '140.1', time: 1_600_000_000_001, liquidation: { liquidatedUser: '0xabc', markPx: '140.1', method: 'market' } },
      { coin: 'BTC', px: '60000', time: 1_600_000_000_002 },
    ] } };
    expect(parseHyperliquidUserEvents(hl, NOW)).toEqual([{ kind: 'order', symbol: 'SOL', positionSide: 'both', reason: 'liquidation', price: '140.2', time: 1_600_000_000_000 }]);
    const deribit = { trades: [{ instrument_name: 'BTC-PERPETUAL', price: 25000.5, timestamp: 1_600_000_000_000, liquidation: 'T' }, { instrument_name: 'ETH-PERPETUAL', price: 1500, timestamp: 1 }] };
    expect(parseDeribitChanges(deribit, NOW)).toEqual([{ kind: 'order', symbol: 'BTC-PERPETUAL', positionSide: 'both', reason: 'liquidation', price: '25000.5', time: 1_600_000_000_000 }]);
  });
});
