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
    // An opening order of the trader's (buy on the long leg) is no event.
    expect(parseBinanceOrderUpdate(update({ o: 'MARKET', c: 'web_abc', S: 'BUY' }), NOW)).toBeNull();
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

  it('Binance: the trader\'s own reducing fills (reduce-only, close-position, hedge opposite side, one-way with realised profit) are trader-close', () => {
    const update = (o: Record<string, unknown>) => ({ e: 'ORDER_TRADE_UPDATE', E: 1_600_000_000_100, T: 1_600_000_000_000, o: { s: 'BTCUSDT', c: 'web_abc', o: 'MARKET', X: 'FILLED', ap: '42000', L: '42000', T: 1_600_000_000_050, rp: '0', ...o } });
    expect(parseBinanceOrderUpdate(update({ S: 'SELL', ps: 'LONG' }), NOW)).toEqual({ kind: 'order', symbol: 'BTCUSDT', positionSide: 'long', reason: 'trader-close', price: '42000', time: 1_600_000_000_050 });
    expect(parseBinanceOrderUpdate(update({ S: 'BUY', ps: 'SHORT', o: 'STOP_MARKET', X: 'PARTIALLY_FILLED' }), NOW)).toMatchObject({ positionSide: 'short', reason: 'trader-close' });
    expect(parseBinanceOrderUpdate(update({ S: 'SELL', ps: 'BOTH', R: true }), NOW)).toMatchObject({ positionSide: 'both', reason: 'trader-close' });
    expect(parseBinanceOrderUpdate(update({ S: 'SELL', ps: 'BOTH', cp: true }), NOW)).toMatchObject({ reason: 'trader-close' });
    expect(parseBinanceOrderUpdate(update({ S: 'SELL', ps: 'BOTH', rp: '-12.5' }), NOW)).toMatchObject({ reason: 'trader-close' });
    // One-way fill that realises nothing opens or adds: no event; nor does a resting (NEW) close order.
    expect(parseBinanceOrderUpdate(update({ S: 'SELL', ps: 'BOTH' }), NOW)).toBeNull();
    expect(parseBinanceOrderUpdate(update({ S: 'SELL', ps: 'LONG', X: 'NEW' }), NOW)).toBeNull();
  });

  it('Bybit: a Trade execution with closedSize > 0 is trader-close; an opening Trade is not', () => {
    const msg = { topic: 'execution', data: [
      { symbol: 'BTCUSDT', execType: 'Trade', side: 'Sell', positionIdx: 0, execPrice: '42000', execQty: '0.5', closedSize: '0.5', execTime: '1600000000000' },
      { symbol: 'ETHUSDT', execType: 'Trade', side: 'Buy', positionIdx: 2, execPrice: '3000', execQty: '1', closedSize: '1', execTime: '1600000000001' },
      { symbol: 'SOLUSDT', execType: 'Trade', side: 'Buy', positionIdx: 0, execPrice: '140', execQty: '3', closedSize: '0', execTime: '1600000000002' },
      { symbol: 'SOLUSDT', execType: 'Funding', side: 'Buy', positionIdx: 0, execPrice: '140', closedSize: '3', execTime: '1600000000003' },
    ] };
    expect(parseBybitExecution(msg, NOW).map((e) => `${e.symbol}:${e.positionSide}:${e.reason}:${e.price}:${e.time}`)).toEqual([
      'BTCUSDT:both:trader-close:42000:1600000000000',
      'ETHUSDT:short:trader-close:3000:1600000000001',
    ]);
  });

  it('OKX: normal reduce-only or closing-side orders are trader-close when (partly) filled', () => {
    const msg = { arg: { channel: 'orders', instType: 'SWAP' }, data: [
      { instId: 'BTC-USDT-SWAP', category: 'normal', state: 'filled', side: 'sell', posSide: 'net', reduceOnly: 'true', avgPx: '25000', uTime: '1600000000000' },
      { instId: 'ETH-USDT-SWAP', category: 'normal', state: 'partially_filled', side: 'sell', posSide: 'long', reduceOnly: 'false', avgPx: '1500', uTime: '1600000000001' },
      { instId: 'ETH-USDT-SWAP', category: 'normal', state: 'filled', side: 'buy', posSide: 'long', reduceOnly: 'false', avgPx: '1500', uTime: '1600000000002' },
      { instId: 'ETH-USDT-SWAP', category: 'normal', state: 'live', side: 'buy', posSide: 'short', reduceOnly: 'true', avgPx: '', uTime: '1600000000003' },
    ] };
    expect(parseOkxOrders(msg, NOW).map((e) => `${e.symbol}:${e.positionSide}:${e.reason}:${e.price}`)).toEqual(['BTC-USDT-SWAP:both:trader-close:25000', 'ETH-USDT-SWAP:long:trader-close:1500']);
  });

  it('Hyperliquid "Close Long/Short" fills and Deribit reducing trades are trader-close', () => {
    const hl = { channel: 'userEvents', data: { fills: [
      { coin: 'ETH', px: '3000.5', sz: '1', side: 'A', dir: 'Close Long', time: 1_600_000_000_000, closedPnl: '-20' },
      { coin: 'ETH', px: '3000.4', sz: '1', side: 'A', dir: 'Close Long', time: 1_600_000_000_001, closedPnl: '-20' },
      { coin: 'BTC', px: '60000', sz: '0.1', side: 'B', dir: 'Open Long', time: 1_600_000_000_002, closedPnl: '0' },
    ] } };
    expect(parseHyperliquidUserEvents(hl, NOW)).toEqual([{ kind: 'order', symbol: 'ETH', positionSide: 'both', reason: 'trader-close', price: '3000.5', time: 1_600_000_000_000 }]);
    const deribit = {
      trades: [
        { instrument_name: 'BTC-PERPETUAL', direction: 'sell', amount: 100, price: 25000, timestamp: 1_600_000_000_000 },
        { instrument_name: 'ETH-PERPETUAL', direction: 'buy', amount: 10, price: 1500, timestamp: 1_600_000_000_001 },
        { instrument_name: 'SOL_USDC-PERPETUAL', direction: 'buy', amount: 1, price: 140, timestamp: 1_600_000_000_002, reduce_only: true },
      ],
      positions: [
        { instrument_name: 'BTC-PERPETUAL', direction: 'zero', size: 0 },
        { instrument_name: 'ETH-PERPETUAL', direction: 'buy', size: 30 },
      ],
    };
    expect(parseDeribitChanges(deribit, NOW).map((e) => `${e.symbol}:${e.reason}:${e.price}`)).toEqual(['BTC-PERPETUAL:trader-close:25000', 'SOL_USDC-PERPETUAL:trader-close:140']);
    const reduced = { trades: [{ instrument_name: 'ETH-PERPETUAL', direction: 'sell', amount: 10, price: 1500, timestamp: 1 }], positions: [{ instrument_name: 'ETH-PERPETUAL', direction: 'buy', size: 20 }] };
    expect(parseDeribitChanges(reduced, NOW).map((e) => e.reason)).toEqual(['trader-close']);
  });
});
