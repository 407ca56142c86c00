// Bybit state from the captured docs examples (UTA wallet-balance, inverse BTCUSD position list).
// The risk-limit, ticker funding and fee rows are protocol-shaped test values (no captured copy),
// used only to check mapping, never as reference figures.
import { readFixtureJson } from '../../fixtures';
import { num } from '../shared/jsonText';
import type { BybitAccountState, BybitServerOptions } from './server';

const read = (f: string): { response: { result: { list: Record<string, unknown>[] } } } => readFixtureJson('captured', f);

export const NO_PERMISSIONS = { ContractTrade: [], Spot: [], Wallet: [], Options: [], Derivatives: [], CopyTrading: [], BlockTrade: [], Exchange: [], NFT: [] };

export function capturedBybitAccount(apiKey: string, secret: string): BybitAccountState {
  const wallet = read('bybit_v5_wallet_balance_unified_docs_example.json').response.result.list[0]!;
  const positions = read('bybit_v5_position_list_inverse_docs_example.json').response.result.list.map((p) => ({
    ...p,
    positionIdx: num(String(p.positionIdx)),
    tradeMode: num(String(p.tradeMode)),
  }));
  return { apiKey, secret, readOnly: true, permissions: { ...NO_PERMISSIONS }, wallet, marginMode: 'REGULAR_MARGIN', positions };
}

export function bybitMarket(): Omit<BybitServerOptions, 'accounts'> {
  return {
    riskLimits: [
      { id: num('1'), symbol: 'BTCUSD', riskLimitValue: '150', maintenanceMargin: '0.005', initialMargin: '0.01', isLowestRisk: num('1'), maxLeverage: '100.00', mmDeduction: '' },
      { id: num('2'), symbol: 'BTCUSD', riskLimitValue: '300', maintenanceMargin: '0.01', initialMargin: '0.0175', isLowestRisk: num('0'), maxLeverage: '57.14', mmDeduction: '' },
      { id: num('3'), symbol: 'BTCUSD', riskLimitValue: '450', maintenanceMargin: '0.015', initialMargin: '0.025', isLowestRisk: num('0'), maxLeverage: '40.00', mmDeduction: '' },
    ],
    tickers: [{ symbol: 'BTCUSD', markPrice: '28224.50', indexPrice: '28220.1', fundingRate: '0.0001', nextFundingTime: '1697702400000', lastPrice: '28225.0' }],
    fees: [{ symbol: 'BTCUSD', takerFeeRate: '0.00055', makerFeeRate: '0.0002' }],
  };
}

/** Benchmarks only: a linear USDT account with `count` positions on synthetic symbols. */
export function syntheticBybit(apiKey: string, secret: string, count: number): { account: BybitAccountState; market: Omit<BybitServerOptions, 'accounts'> } {
  const account = capturedBybitAccount(apiKey, secret);
  const market = bybitMarket();
  account.positions = [];
  market.riskLimits = [];
  market.tickers = [];
  market.fees = [];
  for (let i = 0; i < count; i++) {
    const symbol = `SYN${String(i).padStart(2, '0')}USDT`;
    const price = (100 + i * 7.5).toFixed(2);
    account.positions.push({ positionIdx: num('0'), symbol, side: i % 2 ? 'Sell' : 'Buy', size: String(1 + i), avgPrice: price, markPrice: price, leverage: '10', tradeMode: num('0'), liqPrice: '', positionBalance: '0', positionIM: '1', positionMM: '0.5', unrealisedPnl: '0' });
    market.riskLimits.push({ id: num('1'), symbol, riskLimitValue: '2000000', maintenanceMargin: '0.005', initialMargin: '0.01', isLowestRisk: num('1'), maxLeverage: '100.00', mmDeduction: '0' });
    market.tickers.push({ symbol, markPrice: price, fundingRate: '0.0001', nextFundingTime: '1697702400000' });
    market.fees.push({ symbol, takerFeeRate: '0.00055', makerFeeRate: '0.0002' });
  }
  return { account, market };
}
