// Deribit state shaped like the API docs' get_account_summary / get_positions / get_instruments
// examples. No real Deribit position with margin figures was captured (test/fixtures/README.md,
// captured), so the figures are test values: they check the mapping, not any formula.
import { num } from '../shared/jsonText';
import type { DeribitAccountState, DeribitServerOptions } from './server';

export function deribitAccount(clientId: string, clientSecret: string, scope = 'account:read trade:read wallet:read'): DeribitAccountState {
  return {
    clientId,
    clientSecret,
    scope,
    summary: {
      currency: 'BTC',
      balance: num('1.20045672'),
      equity: num('1.19838'),
      margin_balance: num('1.19838'),
      initial_margin: num('0.0283'),
      maintenance_margin: num('0.0151'),
      available_funds: num('1.17008'),
      total_pl: num('-0.0021'),
      session_upl: num('-0.00207672'),
      portfolio_margining_enabled: false,
      margin_model: 'segregated_sm',
    },
    positions: [
      {
        instrument_name: 'BTC-PERPETUAL',
        kind: 'future',
        direction: 'buy',
        size: num('20000'),
        size_currency: num('0.3152'),
        average_price: num('64250.5'),
        mark_price: num('63450.25'),
        index_price: num('63440.1'),
        estimated_liquidation_price: num('34521.77'),
        leverage: num('50'),
        maintenance_margin: num('0.0151'),
        initial_margin: num('0.0283'),
        floating_profit_loss: num('-0.00207672'),
        total_profit_loss: num('-0.0021'),
        settlement_price: num('63500.0'),
      },
      { instrument_name: 'BTC-27DEC24', kind: 'future', direction: 'zero', size: num('0'), average_price: num('0'), mark_price: num('65000'), leverage: num('50'), maintenance_margin: num('0'), initial_margin: num('0'), floating_profit_loss: num('0') },
    ],
  };
}

export function deribitMarket(): Omit<DeribitServerOptions, 'accounts'> {
  return {
    instruments: [
      { instrument_name: 'BTC-PERPETUAL', kind: 'future', instrument_type: 'reversed', settlement_period: 'perpetual', contract_size: num('10'), tick_size: num('0.5'), min_trade_amount: num('10'), base_currency: 'BTC', settlement_currency: 'BTC', is_active: true },
      { instrument_name: 'BTC-27DEC24', kind: 'future', instrument_type: 'reversed', settlement_period: 'month', contract_size: num('10'), tick_size: num('2.5'), min_trade_amount: num('10'), base_currency: 'BTC', settlement_currency: 'BTC', is_active: true },
    ],
    tickers: { 'BTC-PERPETUAL': { instrument_name: 'BTC-PERPETUAL', mark_price: num('63450.25'), current_funding: num('0.00001'), funding_8h: num('0.00012'), timestamp: num('1718619740501') } },
  };
}
