// Binance COIN-M futures (inverse, coin-margined).
// Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §2 (BN-CM-*). Notional, PnL and MM are in coin;
// brackets by notional value in coin (BN-CM-CUM); LP is BN-CM-LP solved by solve.ts in 1/price.
import type { Rulebook } from '../rulebook';
import { atMark, noFee, sameRatio, tableTerms } from './table';

export const binanceCoinm: Rulebook = {
  venue: 'binance-coinm',
  // §1.5: COIN-M notionalValue is truncated toward zero at 8 dp (−0.004396622… → "−0.00439662").
  print: { decimals: 8, mode: 'truncate' },
  contractTypes: ['inverse'],
  // BN-CM-MM: MM(coin) = |notionalValue| × MMR − cum, bracket by notional value in coin
  // (FAQ: 100 contracts × 100 USD / 25,000 = 0.4 BTC → MM 0.0016 BTC).
  maintenanceTerms: (input, warn) => tableTerms(input, 'notional', warn),
  feeRate: noFee,
  feeInTrigger: false,
  maintenanceValueAt: atMark,
  venueMarginRatio: sameRatio,
};
